// The host kernel as seen from JavaScript: C exports called by shim-js, and
// the three JS hooks the kernel needs (guest memory size/copy, stdio).
// shim-js sets Module.sbGuestMemory (the guest's WebAssembly.Memory) and
// Module.sbStdio(fd, Uint8Array) before the guest runs.
#include <emscripten/emscripten.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "posix_sockets.h"
#include "sockbridge/host/kernel.hpp"
#include "sockbridge/host/wasi.hpp"

// clang-format off
EM_JS(double, sb_js_guest_size, (), {
  return Module.sbGuestMemory ? Module.sbGuestMemory.buffer.byteLength : 0;
});
EM_JS(void, sb_js_guest_read, (std::uint32_t offset, std::uint8_t* host, std::uint32_t length), {
  HEAPU8.set(new Uint8Array(Module.sbGuestMemory.buffer, offset >>> 0, length >>> 0), host >>> 0);
});
EM_JS(void, sb_js_guest_write, (std::uint32_t offset, const std::uint8_t* host, std::uint32_t length), {
  new Uint8Array(Module.sbGuestMemory.buffer, offset >>> 0, length >>> 0)
      .set(HEAPU8.subarray(host >>> 0, (host >>> 0) + (length >>> 0)));
});
EM_JS(void, sb_js_stdio, (std::int32_t fd, const std::uint8_t* bytes, std::uint32_t length), {
  Module.sbStdio(fd, HEAPU8.slice(bytes >>> 0, (bytes >>> 0) + (length >>> 0)));
});
// clang-format on

namespace {

using namespace sb::host;

class js_guest_memory final : public guest_memory {
 public:
  std::uint64_t size() const override { return static_cast<std::uint64_t>(sb_js_guest_size()); }

 protected:
  void copy_from_guest(guest_ptr offset, std::span<std::uint8_t> out) const override {
    sb_js_guest_read(offset, out.data(), static_cast<std::uint32_t>(out.size()));
  }
  void copy_to_guest(guest_ptr offset, std::span<const std::uint8_t> in) override {
    sb_js_guest_write(offset, in.data(), static_cast<std::uint32_t>(in.size()));
  }
};

class js_stdio final : public stdio_sink {
 public:
  void write(std::int32_t fd, std::span<const std::uint8_t> bytes) override {
    sb_js_stdio(fd, bytes.data(), static_cast<std::uint32_t>(bytes.size()));
  }
};

// One host module instance serves one guest, so the kernel is a singleton here.
struct host_state {
  js_guest_memory memory;
  js_stdio stdio;
  kernel sockets{memory};
  wasi_preview1 wasi{memory, sockets, stdio};
  std::vector<std::string> args;
  std::vector<std::string> environ;
};

host_state& state() {
  static host_state instance;
  return instance;
}

}  // namespace

#define SB_EXPORT extern "C" EMSCRIPTEN_KEEPALIVE

SB_EXPORT std::int32_t sb_would_block() { return would_block; }

SB_EXPORT void sb_add_arg(const char* arg) {
  state().args.emplace_back(arg);
  state().wasi.set_args(state().args);
}

SB_EXPORT void sb_add_env(const char* entry) {
  state().environ.emplace_back(entry);
  state().wasi.set_environ(state().environ);
}

// Adds a read-only file for the guest (path absolute, bytes copied); call
// before the guest starts. Returns 0 or a WASI errno (wasi_preview1::add_file).
SB_EXPORT std::int32_t sb_add_file(const char* path, const std::uint8_t* data, std::uint32_t length) {
  return state().wasi.add_file(path, std::vector<std::uint8_t>(data, data + length));
}

SB_EXPORT const char* sb_strerror(std::int32_t errno_value) {
  switch (errno_value) {
#define SB_X(name, number, message) \
  case number:                      \
    return message;
    SB_ERRNO_TABLE(SB_X)
#undef SB_X
  }
  return "Unknown error";
}

// posix_sockets imports, one per row of SB_POSIX_SOCKETS_IMPORTS (checked below).
SB_EXPORT std::int32_t sb_sock_socket(std::int32_t d, std::int32_t t, std::int32_t p) {
  return state().sockets.sock_socket(d, t, p);
}
SB_EXPORT std::int32_t sb_sock_connect(std::int32_t fd, guest_ptr a, std::uint32_t l) {
  return state().sockets.sock_connect(fd, a, l);
}
SB_EXPORT std::int32_t sb_sock_send(std::int32_t fd, guest_ptr b, std::uint32_t l, std::int32_t f) {
  return state().sockets.sock_send(fd, b, l, f);
}
SB_EXPORT std::int32_t sb_sock_recv(std::int32_t fd, guest_ptr b, std::uint32_t l, std::int32_t f) {
  return state().sockets.sock_recv(fd, b, l, f);
}
SB_EXPORT std::int32_t sb_sock_sendto(std::int32_t fd, guest_ptr b, std::uint32_t l, std::int32_t f, guest_ptr a,
                                      std::uint32_t al) {
  return state().sockets.sock_sendto(fd, b, l, f, a, al);
}
SB_EXPORT std::int32_t sb_sock_recvfrom(std::int32_t fd, guest_ptr b, std::uint32_t l, std::int32_t f, guest_ptr a,
                                        guest_ptr al) {
  return state().sockets.sock_recvfrom(fd, b, l, f, a, al);
}
SB_EXPORT std::int32_t sb_sock_bind(std::int32_t fd, guest_ptr a, std::uint32_t l) {
  return state().sockets.sock_bind(fd, a, l);
}
SB_EXPORT std::int32_t sb_sock_listen(std::int32_t fd, std::int32_t backlog) {
  return state().sockets.sock_listen(fd, backlog);
}
SB_EXPORT std::int32_t sb_sock_accept(std::int32_t fd, guest_ptr a, guest_ptr l) {
  return state().sockets.sock_accept(fd, a, l);
}
SB_EXPORT std::int32_t sb_sock_close(std::int32_t fd) { return state().sockets.sock_close(fd); }
SB_EXPORT std::int32_t sb_sock_setsockopt(std::int32_t fd, std::int32_t level, std::int32_t name, guest_ptr v,
                                          std::uint32_t l) {
  return state().sockets.sock_setsockopt(fd, level, name, v, l);
}
SB_EXPORT std::int32_t sb_sock_getsockopt(std::int32_t fd, std::int32_t level, std::int32_t name, guest_ptr v,
                                          guest_ptr l) {
  return state().sockets.sock_getsockopt(fd, level, name, v, l);
}
SB_EXPORT std::int32_t sb_sock_getpeername(std::int32_t fd, guest_ptr a, guest_ptr l) {
  return state().sockets.sock_getpeername(fd, a, l);
}
SB_EXPORT std::int32_t sb_sock_getsockname(std::int32_t fd, guest_ptr a, guest_ptr l) {
  return state().sockets.sock_getsockname(fd, a, l);
}
SB_EXPORT std::int32_t sb_sock_shutdown(std::int32_t fd, std::int32_t how) {
  return state().sockets.sock_shutdown(fd, how);
}
SB_EXPORT std::int32_t sb_sock_getaddrinfo(guest_ptr name, std::uint32_t len, std::int32_t family, guest_ptr out,
                                           std::uint32_t max) {
  return state().sockets.sock_getaddrinfo(name, len, family, out, max);
}
SB_EXPORT std::int32_t sb_sock_pipe(guest_ptr fds, std::int32_t flags) { return state().sockets.sock_pipe(fds, flags); }
SB_EXPORT std::int32_t sb_sock_socketpair(std::int32_t d, std::int32_t t, std::int32_t p, guest_ptr fds) {
  return state().sockets.sock_socketpair(d, t, p, fds);
}
SB_EXPORT std::int32_t sb_sock_dup(std::int32_t fd, std::int32_t lowest) { return state().wasi.dup(fd, lowest); }
SB_EXPORT std::int32_t sb_sock_dup2(std::int32_t fd, std::int32_t target) { return state().wasi.dup2(fd, target); }
SB_EXPORT std::int32_t sb_sock_poll(guest_ptr fds, std::uint32_t n, std::int32_t timeout_ms) {
  return state().sockets.sock_poll(fds, n, timeout_ms);
}
// After a would_block: ms until the kernel wants a retry without traffic (a timeout), or -1.
SB_EXPORT std::int32_t sb_wake_after_ms() {
  return static_cast<std::int32_t>(std::min<std::int64_t>(state().sockets.wake_after_ms(), INT32_MAX));
}

// wasi_snapshot_preview1 imports, one per row of SB_WASI_IMPORTS (checked below).
SB_EXPORT std::int32_t sb_wasi_args_sizes_get(guest_ptr c, guest_ptr s) { return state().wasi.args_sizes_get(c, s); }
SB_EXPORT std::int32_t sb_wasi_args_get(guest_ptr v, guest_ptr b) { return state().wasi.args_get(v, b); }
SB_EXPORT std::int32_t sb_wasi_environ_sizes_get(guest_ptr c, guest_ptr s) {
  return state().wasi.environ_sizes_get(c, s);
}
SB_EXPORT std::int32_t sb_wasi_environ_get(guest_ptr v, guest_ptr b) { return state().wasi.environ_get(v, b); }
SB_EXPORT std::int32_t sb_wasi_clock_res_get(std::uint32_t id, guest_ptr r) {
  return state().wasi.clock_res_get(id, r);
}
SB_EXPORT std::int32_t sb_wasi_clock_time_get(std::uint32_t id, std::uint64_t precision, guest_ptr t) {
  return state().wasi.clock_time_get(id, precision, t);
}
SB_EXPORT std::int32_t sb_wasi_random_get(guest_ptr b, std::uint32_t l) { return state().wasi.random_get(b, l); }
SB_EXPORT std::int32_t sb_wasi_fd_write(std::int32_t fd, guest_ptr i, std::uint32_t n, guest_ptr w) {
  return state().wasi.fd_write(fd, i, n, w);
}
SB_EXPORT std::int32_t sb_wasi_fd_read(std::int32_t fd, guest_ptr i, std::uint32_t n, guest_ptr r) {
  return state().wasi.fd_read(fd, i, n, r);
}
SB_EXPORT std::int32_t sb_wasi_fd_close(std::int32_t fd) { return state().wasi.fd_close(fd); }
SB_EXPORT std::int32_t sb_wasi_fd_fdstat_get(std::int32_t fd, guest_ptr s) { return state().wasi.fd_fdstat_get(fd, s); }
SB_EXPORT std::int32_t sb_wasi_fd_seek(std::int32_t fd, std::int64_t o, std::uint32_t w, guest_ptr n) {
  return state().wasi.fd_seek(fd, o, w, n);
}
SB_EXPORT std::int32_t sb_wasi_fd_prestat_get(std::int32_t fd, guest_ptr p) {
  return state().wasi.fd_prestat_get(fd, p);
}
SB_EXPORT std::int32_t sb_wasi_fd_prestat_dir_name(std::int32_t fd, guest_ptr p, std::uint32_t l) {
  return state().wasi.fd_prestat_dir_name(fd, p, l);
}
SB_EXPORT std::int32_t sb_wasi_path_open(std::int32_t dirfd, std::uint32_t lookup, guest_ptr p, std::uint32_t l,
                                         std::uint32_t oflags, std::uint64_t base, std::uint64_t inheriting,
                                         std::uint32_t fdflags, guest_ptr fd_out) {
  return state().wasi.path_open(dirfd, lookup, p, l, oflags, base, inheriting, fdflags, fd_out);
}
SB_EXPORT std::int32_t sb_wasi_fd_pread(std::int32_t fd, guest_ptr i, std::uint32_t n, std::uint64_t o, guest_ptr r) {
  return state().wasi.fd_pread(fd, i, n, o, r);
}
SB_EXPORT std::int32_t sb_wasi_fd_tell(std::int32_t fd, guest_ptr o) { return state().wasi.fd_tell(fd, o); }
SB_EXPORT std::int32_t sb_wasi_fd_filestat_get(std::int32_t fd, guest_ptr s) {
  return state().wasi.fd_filestat_get(fd, s);
}
SB_EXPORT std::int32_t sb_wasi_path_filestat_get(std::int32_t dirfd, std::uint32_t lookup, guest_ptr p, std::uint32_t l,
                                                 guest_ptr s) {
  return state().wasi.path_filestat_get(dirfd, lookup, p, l, s);
}
SB_EXPORT std::int32_t sb_wasi_fd_readdir(std::int32_t fd, guest_ptr b, std::uint32_t l, std::uint64_t cookie,
                                          guest_ptr used) {
  return state().wasi.fd_readdir(fd, b, l, cookie, used);
}
SB_EXPORT std::int32_t sb_wasi_fd_fdstat_set_flags(std::int32_t fd, std::uint32_t flags) {
  return state().wasi.fd_fdstat_set_flags(fd, flags);
}
SB_EXPORT std::int32_t sb_wasi_poll_oneoff(guest_ptr in, guest_ptr out, std::uint32_t n, guest_ptr nevents) {
  return state().wasi.poll_oneoff(in, out, n, nevents);
}
SB_EXPORT std::int32_t sb_wasi_sched_yield() { return state().wasi.sched_yield(); }
SB_EXPORT void sb_wasi_proc_exit(std::int32_t code) { state().wasi.proc_exit(code); }

namespace {

// An import's parameters as the host export takes them: a pointer into guest
// memory arrives as its i32 offset.
template <class T>
struct at_host {
  using type = T;
};
template <class T>
struct at_host<T*> {
  using type = guest_ptr;
};
template <class Import>
struct host_export;
template <class... Parameters>
struct host_export<std::int32_t(Parameters...)> {
  using type = std::int32_t(typename at_host<Parameters>::type...);
};

}  // namespace

// Every row of posix_sockets.h's import tables has its export above, with the
// row's parameters: a missing or different export does not compile.
#define SB_CHECK_EXPORT(export_name, parameters)                                                   \
  static_assert(std::is_same_v<host_export<std::int32_t parameters>::type, decltype(export_name)>, \
                #export_name " must take the parameters of its row in posix_sockets.h");
#define SB_CHECK_SOCK(name, mode, parameters) SB_CHECK_EXPORT(sb_sock_##name, parameters)
#define SB_CHECK_WASI(name, mode, parameters) SB_CHECK_EXPORT(sb_wasi_##name, parameters)
SB_POSIX_SOCKETS_IMPORTS(SB_CHECK_SOCK)
SB_WASI_IMPORTS(SB_CHECK_WASI)
#undef SB_CHECK_SOCK
#undef SB_CHECK_WASI
#undef SB_CHECK_EXPORT

// The import tables for shim-js (imports.js builds the guest's import object
// from them): one line per import, "module name host_export blocking|immediate".
SB_EXPORT const char* sb_import_table() {
#define SB_SOCK_ROW(name, mode, parameters) "posix_sockets " #name " _sb_sock_" #name " " #mode "\n"
#define SB_WASI_ROW(name, mode, parameters) "wasi_snapshot_preview1 " #name " _sb_wasi_" #name " " #mode "\n"
  return SB_POSIX_SOCKETS_IMPORTS(SB_SOCK_ROW) SB_WASI_IMPORTS(SB_WASI_ROW);
#undef SB_SOCK_ROW
#undef SB_WASI_ROW
}

// Closes every socket the guest left open (after it returned or trapped).
SB_EXPORT void sb_close_all() { state().sockets.close_all(); }

// stdin: attach once if the embedder supplies stdin, then push bytes / close.
SB_EXPORT void sb_stdin_attach() { state().sockets.attach_stdin(); }
SB_EXPORT void sb_stdin_push(const std::uint8_t* data, std::uint32_t length) {
  state().sockets.push_stdin(std::span(data, length));
}
SB_EXPORT void sb_stdin_close() { state().sockets.close_stdin(); }

// Credentials for the relay's Wisp password authentication; 0 if the username
// is longer than 255 bytes. Call before the WebSocket opens.
SB_EXPORT std::int32_t sb_set_relay_credentials(const char* username, const char* password) {
  return state().sockets.set_relay_credentials(username, password) ? 1 : 0;
}

// Key authentication (Wisp 0x03): sb_use_relay_key says the embedder holds an
// Ed25519 key (call before the WebSocket opens). After each frame, a non-zero
// sb_key_challenge_length() asks the embedder to sign the bytes at
// sb_key_challenge_data() (copy them: they live until the next kernel call),
// then to call sb_answer_key_challenge with the SHA-256 of its raw public key
// and the signature (returns 1, or 0 if no challenge awaits any more or a size
// is wrong), or sb_refuse_key_challenge with why it cannot.
SB_EXPORT void sb_use_relay_key() { state().sockets.use_relay_key(); }
SB_EXPORT std::uint32_t sb_key_challenge_length() {
  return static_cast<std::uint32_t>(state().sockets.key_challenge().size());
}
SB_EXPORT const std::uint8_t* sb_key_challenge_data() { return state().sockets.key_challenge().data(); }
SB_EXPORT std::int32_t sb_answer_key_challenge(const std::uint8_t* key_hash, std::uint32_t key_hash_length,
                                               const std::uint8_t* signature, std::uint32_t signature_length) {
  return state().sockets.answer_key_challenge(std::span(key_hash, key_hash_length),
                                              std::span(signature, signature_length))
             ? 1
             : 0;
}
SB_EXPORT void sb_refuse_key_challenge(const char* why) { state().sockets.refuse_key_challenge(why); }

// Transport.
// One binary message from the relay, the way shim-js hands it in: write its
// length bytes at sb_frame_buffer(length) (read HEAPU8 after the call: memory
// may grow), then call sb_on_frame_buffer(). The kernel owns that buffer, so
// a TCP stream's DATA is queued for recv() without a copy. sb_on_frame takes
// the message from memory the caller owns and copies what it keeps.
SB_EXPORT std::uint8_t* sb_frame_buffer(std::uint32_t length) { return state().sockets.frame_buffer(length); }
SB_EXPORT void sb_on_frame_buffer() { state().sockets.on_frame_buffer(); }
SB_EXPORT void sb_on_frame(const std::uint8_t* data, std::uint32_t length) {
  state().sockets.on_frame(std::span(data, length));
}
SB_EXPORT void sb_on_transport_closed() { state().sockets.on_transport_closed(); }
// 1 once the link to the relay is gone (link_state::closed), else 0: shim-js
// asks this rather than keeping a copy of the enum's numbering.
SB_EXPORT std::int32_t sb_link_closed() { return state().sockets.link() == link_state::closed ? 1 : 0; }
SB_EXPORT const char* sb_link_message() { return state().sockets.link_message().c_str(); }

namespace {

const char* state_name(socket_state state) {
  switch (state) {
    case socket_state::created:
      return "created";
    case socket_state::connecting:
      return "connecting";
    case socket_state::unconfirmed:
      return "connected (unconfirmed)";
    case socket_state::connected:
      return "connected";
    case socket_state::peer_finished:
      return "peer finished";
    case socket_state::listen_pending:
      return "opening listener";
    case socket_state::listening:
      return "listening";
    case socket_state::bind_pending:
      return "binding";
    case socket_state::bound:
      return "bound";
    case socket_state::closed:
      return "closed";
  }
  return "unknown";
}

const char* kind_name(const socket& s) {
  if (s.type == pipe_type) return s.local_in ? "pipe (read end)" : "pipe (write end)";
  if (s.is_local()) return "socket pair";
  if (s.type == SB_SOCK_DGRAM) return "UDP";
  return s.state == socket_state::listening || s.state == socket_state::listen_pending ? "TCP listener" : "TCP";
}

std::string endpoint_text(const socket_address& address) {
  if (address.family == SB_AF_UNSPEC || address.family == SB_AF_UNIX) return "";
  const auto ip = address.ip_text();
  return address.family == SB_AF_INET6 ? "[" + ip + "]:" + std::to_string(address.port)
                                       : ip + ":" + std::to_string(address.port);
}

}  // namespace

// The guest's sockets as JSON for the page's socket table:
// [{"fd":3,"kind":"TCP","state":"connected","local":"…","peer":"…","bytesIn":0,"bytesOut":0}, …]
// The pointer stays valid until the next call.
SB_EXPORT const char* sb_socket_table() {
  static std::string json;
  json = "[";
  for (const auto& [fd, socket] : state().sockets.open_sockets()) {
    const auto& s = *socket;
    const bool listener = s.state == socket_state::listening || s.state == socket_state::listen_pending;
    if (json.size() > 1) json += ",";
    json += "{\"fd\":" + std::to_string(fd) + ",\"kind\":\"" + kind_name(s) + "\",\"state\":\"" + state_name(s.state) +
            "\",\"local\":\"" + endpoint_text(s.local) + "\",\"peer\":\"" + (listener ? "" : endpoint_text(s.peer)) +
            "\",\"bytesIn\":" + std::to_string(s.bytes_received) + ",\"bytesOut\":" + std::to_string(s.bytes_sent) +
            "}";
  }
  json += "]";
  return json.c_str();
}

// Outgoing frames: while sb_outgoing_length() > 0, send the bytes at
// sb_outgoing_data() as one binary message, then sb_outgoing_pop().
SB_EXPORT std::uint32_t sb_outgoing_length() {
  auto& k = state().sockets;
  return k.has_outgoing() ? static_cast<std::uint32_t>(k.next_outgoing().size()) : 0;
}
SB_EXPORT const std::uint8_t* sb_outgoing_data() { return state().sockets.next_outgoing().data(); }
SB_EXPORT void sb_outgoing_pop() { state().sockets.pop_outgoing(); }
