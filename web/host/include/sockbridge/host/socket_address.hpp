// socket_address: an IPv4 or IPv6 endpoint as the guest sees it, and the
// codec between it and the guest's sockaddr_in / sockaddr_in6 bytes
// (wasi-libc layout, port in network byte order).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "posix_sockets.h"
#include "sockbridge/host/guest_memory.hpp"
#include "sockbridge/protocol/wisp.hpp"

namespace sb::host {

struct socket_address {
  std::int32_t family = SB_AF_UNSPEC;  // SB_AF_INET or SB_AF_INET6; SB_AF_UNIX: a local pair's unnamed address
  std::array<std::uint8_t, 16> ip{};   // first 4 bytes used for IPv4
  std::uint16_t port = 0;              // host byte order

  // The address as text a resolver accepts: "192.0.2.1" or "2001:db8::1".
  std::string ip_text() const;
  bool operator==(const socket_address&) const = default;
};

// Between the guest's view and the wire's endpoint (sockbridge extension packets).
socket_address from_wire(const protocol::endpoint& endpoint);
protocol::endpoint to_wire(const socket_address& address);

// Reads a sockaddr of addrlen bytes at addr. Returns 0 or a positive errno:
// EFAULT (outside guest memory), EINVAL (length too short for its family),
// EAFNOSUPPORT (neither AF_INET nor AF_INET6).
std::int32_t read_socket_address(const guest_memory& memory, guest_ptr addr, std::uint32_t addrlen,
                                 socket_address& out);

// The guest-memory bytes of address (sockaddr_in or sockaddr_in6); returns their length.
std::uint32_t encode_socket_address(const socket_address& address, std::array<std::uint8_t, SB_SOCKADDR_IN6_SIZE>& raw);

// Writes address to addr, truncated to *addrlen_ptr bytes as POSIX says, and
// stores the full length in *addrlen_ptr. Returns 0 or EFAULT.
std::int32_t write_socket_address(guest_memory& memory, guest_ptr addr, guest_ptr addrlen_ptr,
                                  const socket_address& address);

// True if write_socket_address with these arguments would not fault: a call
// checks its out-parameters with it before it consumes a connection or bytes.
bool can_write_socket_address(const guest_memory& memory, guest_ptr addr, guest_ptr addrlen_ptr,
                              const socket_address& address);

}  // namespace sb::host
