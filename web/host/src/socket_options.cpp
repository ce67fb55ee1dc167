// setsockopt / getsockopt / getsockname / getpeername for the kernel.
#include <utility>

#include "sockbridge/host/kernel.hpp"

namespace sb::host {
namespace {

constexpr std::int32_t error(std::int32_t errno_value) { return -errno_value; }

constexpr std::uint32_t int_option_bytes = 4;
constexpr std::uint32_t timeval_bytes = 16;  // wasi-libc: i64 tv_sec, i64 tv_usec

// Pointer to the int-valued option `name` at `level`, or null if it is not one.
template <class Socket>
auto int_option(Socket& s, std::int32_t level, std::int32_t name) -> decltype(&s.send_buffer_bytes) {
  if (level == SB_IPPROTO_TCP) return nullptr;
  switch (name) {
    case SB_SO_SNDBUF:
      return &s.send_buffer_bytes;
    case SB_SO_RCVBUF:
      return &s.receive_buffer_bytes;
    default:
      return nullptr;
  }
}

// Pointer to the boolean option `name` at `level`, or null.
template <class Socket>
auto flag_option(Socket& s, std::int32_t level, std::int32_t name) -> decltype(&s.keepalive) {
  if (level == SB_IPPROTO_TCP) return name == SB_TCP_NODELAY ? &s.no_delay : nullptr;
  switch (name) {
    case SB_SO_REUSEADDR:
      return &s.reuse_address;
    case SB_SO_KEEPALIVE:
      return &s.keepalive;
    default:
      return nullptr;
  }
}

template <class Socket>
auto timeout_option(Socket& s, std::int32_t level, std::int32_t name) -> decltype(&s.receive_timeout_ms) {
  if (level != SB_SOL_SOCKET) return nullptr;
  if (name == SB_SO_RCVTIMEO) return &s.receive_timeout_ms;
  if (name == SB_SO_SNDTIMEO) return &s.send_timeout_ms;
  return nullptr;
}

std::int64_t read_i64(const std::uint8_t* raw) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = value << 8 | raw[i];
  return static_cast<std::int64_t>(value);
}

void write_i64(std::uint8_t* raw, std::int64_t value) {
  for (int i = 0; i < 8; ++i) raw[i] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(value) >> (8 * i));
}

}  // namespace

std::int32_t kernel::sock_setsockopt(std::int32_t fd, std::int32_t level, std::int32_t name, guest_ptr value,
                                     std::uint32_t len) {
  std::int32_t err = 0;
  socket* s = find_socket(fd, err);
  if (!s) return err;
  if (level != SB_SOL_SOCKET && level != SB_IPPROTO_TCP) return error(SB_ENOPROTOOPT);
  if (auto* timeout = timeout_option(*s, level, name)) {
    std::uint8_t raw[timeval_bytes];
    if (len < timeval_bytes) return error(SB_EINVAL);
    if (!memory_.read(value, raw)) return error(SB_EFAULT);
    const auto seconds = read_i64(raw);
    const auto micros = read_i64(raw + 8);
    if (seconds < 0 || micros < 0 || micros >= 1'000'000) return error(SB_EINVAL);
    // Round up so that a 1 µs timeout is not "no timeout".
    *timeout = static_cast<std::uint64_t>(seconds) * 1000 + static_cast<std::uint64_t>(micros + 999) / 1000;
    return 0;
  }
  auto* flag = flag_option(*s, level, name);
  auto* number = int_option(*s, level, name);
  if (!flag && !number) return error(SB_ENOPROTOOPT);
  if (len < int_option_bytes) return error(SB_EINVAL);
  auto raw = memory_.read_u32(value);
  if (!raw) return error(SB_EFAULT);
  if (flag) *flag = *raw != 0;
  if (number) *number = static_cast<std::int32_t>(*raw);
  return 0;
}

std::int32_t kernel::sock_getsockopt(std::int32_t fd, std::int32_t level, std::int32_t name, guest_ptr value,
                                     guest_ptr len_ptr) {
  std::int32_t err = 0;
  socket* s = find_socket(fd, err);
  if (!s) return err;
  auto capacity = memory_.read_u32(len_ptr);
  if (!capacity) return error(SB_EFAULT);
  if (level != SB_SOL_SOCKET && level != SB_IPPROTO_TCP) return error(SB_ENOPROTOOPT);

  if (auto* timeout = timeout_option(*s, level, name)) {
    if (*capacity < timeval_bytes) return error(SB_EINVAL);
    std::uint8_t raw[timeval_bytes];
    write_i64(raw, static_cast<std::int64_t>(*timeout / 1000));
    write_i64(raw + 8, static_cast<std::int64_t>(*timeout % 1000 * 1000));
    if (!memory_.write(value, raw) || !memory_.write_u32(len_ptr, timeval_bytes)) return error(SB_EFAULT);
    return 0;
  }
  std::int32_t result = 0;
  if (auto* flag = flag_option(*s, level, name))
    result = *flag ? 1 : 0;
  else if (auto* number = int_option(*s, level, name))
    result = *number;
  else if (level == SB_SOL_SOCKET && name == SB_SO_TYPE)
    result = s->type;
  else if (level == SB_SOL_SOCKET && name == SB_SO_ERROR)
    result = s->pending_error;  // cleared below, once it was written
  else
    return error(SB_ENOPROTOOPT);
  if (*capacity < int_option_bytes) return error(SB_EINVAL);
  if (!memory_.write_u32(value, static_cast<std::uint32_t>(result)) || !memory_.write_u32(len_ptr, int_option_bytes))
    return error(SB_EFAULT);
  if (level == SB_SOL_SOCKET && name == SB_SO_ERROR) s->pending_error = 0;
  return 0;
}

std::int32_t kernel::sock_getpeername(std::int32_t fd, guest_ptr addr, guest_ptr addrlen_ptr) {
  std::int32_t err = 0;
  socket* s = find_socket(fd, err);
  if (!s) return err;
  if (!is_connected(s->state)) return error(SB_ENOTCONN);
  return error(write_socket_address(memory_, addr, addrlen_ptr, s->peer));
}

std::int32_t kernel::sock_getsockname(std::int32_t fd, guest_ptr addr, guest_ptr addrlen_ptr) {
  std::int32_t err = 0;
  socket* s = find_socket(fd, err);
  if (!s) return err;
  socket_address local = s->local;
  local.family = s->domain;
  return error(write_socket_address(memory_, addr, addrlen_ptr, local));
}

}  // namespace sb::host
