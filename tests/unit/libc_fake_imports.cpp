// The fake posix_sockets imports and the libc_shim forwarders (see libc_fake_imports.hpp, libc_under_test.hpp).
#include "libc_fake_imports.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>

#include <cstdarg>
#include <cstring>

namespace {

std::string bytes(const void* data, std::size_t length) {
  return data ? std::string(static_cast<const char*>(data), length) : std::string();
}

// Copies out into a buffer of capacity bytes, as the host does: truncated, never past the end.
void write_out(const std::string& out, void* buffer, std::size_t capacity) {
  if (buffer) std::memcpy(buffer, out.data(), std::min(out.size(), capacity));
}

// addr/addrlen outputs: the address truncated to *length, *length set to its full size.
void write_address(const std::string& address, void* addr, std::uint32_t* length) {
  if (!addr || !length || address.empty()) return;
  write_out(address, addr, *length);
  *length = static_cast<std::uint32_t>(address.size());
}

std::string slot(int family, const void* address, std::size_t address_bytes, std::size_t offset) {
  std::string out(SB_SOCKADDR_IN6_SIZE, '\0');
  const std::uint16_t family16 = static_cast<std::uint16_t>(family);
  std::memcpy(out.data(), &family16, sizeof family16);
  std::memcpy(out.data() + offset, address, address_bytes);
  return out;
}

}  // namespace

namespace sb::guest::testing {

fake_imports& fake() {
  static fake_imports instance;
  return instance;
}

void fake_imports::reset() {
  files.clear();
  calls.clear();
  replies_.clear();
}

reply fake_imports::answer(import_call call) {
  const std::string name = call.name;
  calls.push_back(std::move(call));
  auto& queue = replies_[name];
  if (queue.empty()) {
    ADD_FAILURE() << "unexpected call of import " << name;
    return reply{-SB_ENOSYS};
  }
  reply next = std::move(queue.front());
  queue.pop_front();
  return next;
}

std::vector<std::string> fake_imports::unused_replies() const {
  std::vector<std::string> unused;
  for (const auto& [name, queue] : replies_)
    if (!queue.empty()) unused.push_back(name);
  return unused;
}

std::string ipv4_slot(const char* dotted) {
  in_addr address{};
  EXPECT_EQ(::inet_pton(AF_INET, dotted, &address), 1) << dotted;
  return slot(SB_AF_INET, &address, sizeof address, offsetof(sockaddr_in, sin_addr));
}

std::string ipv6_slot(const char* text) {
  in6_addr address{};
  EXPECT_EQ(::inet_pton(AF_INET6, text, &address), 1) << text;
  return slot(SB_AF_INET6, &address, sizeof address, offsetof(sockaddr_in6, sin6_addr));
}

}  // namespace sb::guest::testing

using sb::guest::testing::fake;
using sb::guest::testing::import_call;
using sb::guest::testing::reply;

namespace {

int native_family(int family) {
  switch (family) {
    case SB_AF_INET:
      return AF_INET;
    case SB_AF_INET6:
      return AF_INET6;
    default:
      return -1;  // a family glibc rejects with EAFNOSUPPORT, as wasi-libc does
  }
}

// Calls that take an address and a length, and nothing else the host reads.
std::int32_t address_call(const char* name, std::int32_t fd, const void* addr, std::uint32_t addrlen) {
  return fake().answer({name, {fd, addrlen}, {addr}, bytes(addr, addrlen)}).result;
}

// Calls that write an address: accept, getsockname, getpeername.
std::int32_t address_out_call(const char* name, std::int32_t fd, void* addr, std::uint32_t* addrlen) {
  const std::int64_t capacity = addrlen ? *addrlen : -1;
  const reply r = fake().answer({name, {fd, capacity}, {addr, addrlen}});
  if (r.result >= 0) write_address(r.address, addr, addrlen);
  return r.result;
}

}  // namespace

extern "C" {

int32_t wasm_sock_socket(int32_t domain, int32_t type, int32_t protocol) {
  return fake().answer({"socket", {domain, type, protocol}}).result;
}

int32_t wasm_sock_connect(int32_t fd, const void* addr, uint32_t addrlen) {
  return address_call("connect", fd, addr, addrlen);
}

int32_t wasm_sock_bind(int32_t fd, const void* addr, uint32_t addrlen) {
  return address_call("bind", fd, addr, addrlen);
}

int32_t wasm_sock_listen(int32_t fd, int32_t backlog) { return fake().answer({"listen", {fd, backlog}}).result; }

int32_t wasm_sock_accept(int32_t fd, void* addr, uint32_t* addrlen) {
  return address_out_call("accept", fd, addr, addrlen);
}

int32_t wasm_sock_getsockname(int32_t fd, void* addr, uint32_t* addrlen) {
  return address_out_call("getsockname", fd, addr, addrlen);
}

int32_t wasm_sock_getpeername(int32_t fd, void* addr, uint32_t* addrlen) {
  return address_out_call("getpeername", fd, addr, addrlen);
}

int32_t wasm_sock_close(int32_t fd) { return fake().answer({"close", {fd}}).result; }

int32_t wasm_sock_shutdown(int32_t fd, int32_t how) { return fake().answer({"shutdown", {fd, how}}).result; }

int32_t wasm_sock_send(int32_t fd, const void* buf, uint32_t len, int32_t flags) {
  return fake().answer({"send", {fd, len, flags}, {buf}, bytes(buf, len)}).result;
}

int32_t wasm_sock_sendto(int32_t fd, const void* buf, uint32_t len, int32_t flags, const void* addr, uint32_t addrlen) {
  return fake()
      .answer({"sendto", {fd, len, flags, addrlen}, {buf, addr}, bytes(buf, len), bytes(addr, addrlen)})
      .result;
}

int32_t wasm_sock_recv(int32_t fd, void* buf, uint32_t len, int32_t flags) {
  const reply r = fake().answer({"recv", {fd, len, flags}, {buf}});
  if (r.result > 0) write_out(r.output, buf, std::min<std::size_t>(len, static_cast<std::size_t>(r.result)));
  return r.result;
}

int32_t wasm_sock_recvfrom(int32_t fd, void* buf, uint32_t len, int32_t flags, void* addr, uint32_t* addrlen) {
  const std::int64_t capacity = addrlen ? *addrlen : -1;
  const reply r = fake().answer({"recvfrom", {fd, len, flags, capacity}, {buf, addr, addrlen}});
  if (r.result < 0) return r.result;
  write_out(r.output, buf, std::min<std::size_t>(len, static_cast<std::size_t>(r.result)));
  write_address(r.address, addr, addrlen);
  return r.result;
}

int32_t wasm_sock_setsockopt(int32_t fd, int32_t level, int32_t name, const void* value, uint32_t len) {
  return fake().answer({"setsockopt", {fd, level, name, len}, {value}, bytes(value, len)}).result;
}

int32_t wasm_sock_getsockopt(int32_t fd, int32_t level, int32_t name, void* value, uint32_t* len) {
  const std::int64_t capacity = len ? *len : -1;
  const reply r = fake().answer({"getsockopt", {fd, level, name, capacity}, {value, len}});
  if (r.result >= 0 && len) {
    write_out(r.output, value, *len);
    *len = static_cast<uint32_t>(r.output.size());
  }
  return r.result;
}

int32_t wasm_sock_getaddrinfo(const char* name, uint32_t name_len, int32_t family, void* out, uint32_t max) {
  const reply r = fake().answer({"getaddrinfo", {name_len, family, max}, {out}, bytes(name, name_len)});
  if (r.result > 0) write_out(r.output, out, std::size_t{max} * SB_SOCKADDR_IN6_SIZE);
  return r.result;
}

int32_t wasm_sock_poll(void* fds, uint32_t nfds, int32_t timeout_ms) {
  auto* table = static_cast<pollfd*>(fds);
  import_call call{"poll", {nfds, timeout_ms}, {fds}};
  for (uint32_t i = 0; table && i < nfds; ++i) {
    call.fds.push_back(table[i].fd);
    call.events.push_back(table[i].events);
  }
  const reply r = fake().answer(std::move(call));
  for (std::size_t i = 0; table && i < r.revents.size() && i < nfds; ++i) table[i].revents = r.revents[i];
  return r.result;
}

// The reply's output (two i32 fds) is written to fds on success.
int32_t wasm_sock_pipe(int32_t* fds, int32_t flags) {
  const reply r = fake().answer({"pipe", {flags}, {fds}});
  if (r.result >= 0) write_out(r.output, fds, 2 * sizeof(int32_t));
  return r.result;
}

int32_t wasm_sock_socketpair(int32_t domain, int32_t type, int32_t protocol, int32_t* fds) {
  const reply r = fake().answer({"socketpair", {domain, type, protocol}, {fds}});
  if (r.result >= 0) write_out(r.output, fds, 2 * sizeof(int32_t));
  return r.result;
}

int32_t wasm_sock_dup(int32_t fd, int32_t lowest) { return fake().answer({"dup", {fd, lowest}}).result; }

int32_t wasm_sock_dup2(int32_t fd, int32_t target) { return fake().answer({"dup2", {fd, target}}).result; }

// libc_shim forwarders.

int sb_shim_inet_pton(int family, const char* text, void* address) {
  return ::inet_pton(native_family(family), text, address);
}

const char* sb_shim_inet_ntop(int family, const void* address, char* text, socklen_t size) {
  return ::inet_ntop(native_family(family), address, text, size);
}

// Recorded as a call named "fcntl" (F_SETFL and O_* are glibc's values); a scripted -errno becomes -1 and errno.
int sb_shim_fcntl(int fd, int command, ...) {
  va_list arguments;
  va_start(arguments, command);
  const int argument = va_arg(arguments, int);
  va_end(arguments);
  const std::int32_t result = fake().answer({"fcntl", {fd, command, argument}}).result;
  if (result >= 0) return result;
  errno = -result;
  return -1;
}

FILE* sb_shim_fopen(const char* path, const char* mode) {
  const auto file = fake().files.find(path);
  if (file == fake().files.end()) {
    errno = SB_ENOENT;
    return nullptr;
  }
  return ::fmemopen(const_cast<char*>(file->second.data()), file->second.size(), mode);
}

// guest/libc/alarm.c is not built natively (libc_under_test.hpp): no alarm is ever pending.
int sb_alarm_due_in_ms(void) { return -1; }
void sb_alarm_hold(int) {}
void sb_alarm_ring(void) { ADD_FAILURE() << "no alarm was set"; }

}  // extern "C"
