#include "sockbridge/host/socket_address.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>

namespace sb::host {
namespace {

// wasi-libc layout: family u16 @0, port u16 @2 (big-endian); IPv4 address @4;
// IPv6: flowinfo @4, address @8, scope id @24.
constexpr std::size_t port_offset = 2;
constexpr std::size_t ipv4_offset = 4;
constexpr std::size_t ipv6_offset = 8;
constexpr std::size_t ipv4_min_length = ipv4_offset + 4;
constexpr std::size_t ipv6_min_length = ipv6_offset + 16 + 4;

}  // namespace

std::string socket_address::ip_text() const {
  char text[INET6_ADDRSTRLEN] = {};
  const int native_family = family == SB_AF_INET6 ? AF_INET6 : AF_INET;
  inet_ntop(native_family, ip.data(), text, sizeof text);
  return text;
}

socket_address from_wire(const protocol::endpoint& endpoint) {
  socket_address out;
  out.family = endpoint.family == 6 ? SB_AF_INET6 : SB_AF_INET;
  out.ip = endpoint.ip;
  out.port = endpoint.port;
  return out;
}

protocol::endpoint to_wire(const socket_address& address) {
  protocol::endpoint out;
  out.family = address.family == SB_AF_INET6 ? 6 : 4;
  out.ip = address.ip;
  out.port = address.port;
  return out;
}

std::int32_t read_socket_address(const guest_memory& memory, guest_ptr addr, std::uint32_t addrlen,
                                 socket_address& out) {
  if (addrlen < 2) return SB_EINVAL;
  std::array<std::uint8_t, SB_SOCKADDR_IN6_SIZE> raw{};
  const auto length = std::min<std::size_t>(addrlen, raw.size());
  if (!memory.contains(addr, addrlen) || !memory.read(addr, std::span(raw.data(), length))) return SB_EFAULT;
  const int family = raw[0] | raw[1] << 8;
  if (family != SB_AF_INET && family != SB_AF_INET6) return SB_EAFNOSUPPORT;
  const std::size_t needed = family == SB_AF_INET ? ipv4_min_length : ipv6_min_length;
  if (length < needed) return SB_EINVAL;
  out = {};
  out.family = family;
  out.port = static_cast<std::uint16_t>(raw[port_offset] << 8 | raw[port_offset + 1]);
  if (family == SB_AF_INET)
    std::copy_n(raw.begin() + ipv4_offset, 4, out.ip.begin());
  else
    std::copy_n(raw.begin() + ipv6_offset, 16, out.ip.begin());
  return 0;
}

std::uint32_t encode_socket_address(const socket_address& address,
                                    std::array<std::uint8_t, SB_SOCKADDR_IN6_SIZE>& raw) {
  raw = {};
  const bool v4 = address.family == SB_AF_INET;
  raw[0] = static_cast<std::uint8_t>(address.family);
  if (address.family == SB_AF_UNIX) return SB_SOCKADDR_UNNAMED_SIZE;
  raw[port_offset] = static_cast<std::uint8_t>(address.port >> 8);
  raw[port_offset + 1] = static_cast<std::uint8_t>(address.port);
  std::copy_n(address.ip.begin(), v4 ? 4 : 16, raw.begin() + (v4 ? ipv4_offset : ipv6_offset));
  return v4 ? SB_SOCKADDR_IN_SIZE : SB_SOCKADDR_IN6_SIZE;
}

std::int32_t write_socket_address(guest_memory& memory, guest_ptr addr, guest_ptr addrlen_ptr,
                                  const socket_address& address) {
  auto capacity = memory.read_u32(addrlen_ptr);
  if (!capacity) return SB_EFAULT;
  std::array<std::uint8_t, SB_SOCKADDR_IN6_SIZE> raw;
  const auto full_length = encode_socket_address(address, raw);
  const auto length = std::min(*capacity, full_length);
  if (!memory.write(addr, std::span(raw.data(), length))) return SB_EFAULT;
  if (!memory.write_u32(addrlen_ptr, full_length)) return SB_EFAULT;
  return 0;
}

bool can_write_socket_address(const guest_memory& memory, guest_ptr addr, guest_ptr addrlen_ptr,
                              const socket_address& address) {
  auto capacity = memory.read_u32(addrlen_ptr);
  if (!capacity) return false;
  std::array<std::uint8_t, SB_SOCKADDR_IN6_SIZE> raw;
  return memory.contains(addr, std::min(*capacity, encode_socket_address(address, raw)));
}

}  // namespace sb::host
