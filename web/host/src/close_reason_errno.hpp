// How a Wisp close reason reads to the guest: the errno a pending connect
// fails with, and the errno a connected socket reports afterwards
// (0 = orderly end of stream: recv returns 0).
#pragma once

#include <cstdint>

#include "posix_sockets.h"
#include "sockbridge/protocol/wisp.hpp"

namespace sb::host {

// X(reason, errno while connecting, errno once connected)
//
// One reason, one errno, so a guest can tell why a connection failed. The
// exceptions are where POSIX has one word for two reasons: both timeouts are
// ETIMEDOUT, the three refused logins are EACCES. Once connected, the reasons
// that carry no cause (unspecified, and network_error, which plain Wisp peers
// send for a reset) read as ECONNRESET, as a dropped TCP connection does
// (but network_error on an optimistic connect nothing has answered yet is
// ECONNREFUSED: kernel::on_stream_closed).
#define SB_CLOSE_REASON_ERRNO(X)                                     \
  X(unspecified, SB_EIO, SB_ECONNRESET)                              \
  X(voluntary, SB_ECONNABORTED, 0)                                   \
  X(network_error, SB_ENETDOWN, SB_ECONNRESET)                       \
  X(incompatible_extensions, SB_EPROTONOSUPPORT, SB_EPROTONOSUPPORT) \
  X(invalid_info, SB_EINVAL, SB_EINVAL)                              \
  X(unreachable, SB_EHOSTUNREACH, SB_EHOSTUNREACH)                   \
  X(connect_timeout, SB_ETIMEDOUT, SB_ETIMEDOUT)                     \
  X(refused, SB_ECONNREFUSED, SB_ECONNREFUSED)                       \
  X(transfer_timeout, SB_ETIMEDOUT, SB_ETIMEDOUT)                    \
  X(blocked, SB_EPERM, SB_EPERM)                                     \
  X(throttled, SB_ENOBUFS, SB_ENOBUFS)                               \
  X(client_error, SB_EPROTO, SB_EPROTO)                              \
  X(auth_bad_password, SB_EACCES, SB_EACCES)                         \
  X(auth_bad_signature, SB_EACCES, SB_EACCES)                        \
  X(auth_required, SB_EACCES, SB_EACCES)                             \
  X(address_in_use, SB_EADDRINUSE, SB_EADDRINUSE)                    \
  X(address_not_available, SB_EADDRNOTAVAIL, SB_EADDRNOTAVAIL)       \
  X(name_not_found, SB_ENOENT, SB_ENOENT)                            \
  X(connection_reset, SB_ECONNRESET, SB_ECONNRESET)

// A reason this table does not know (a newer relay) reads as unspecified.
inline std::int32_t connect_errno(protocol::close_reason reason) {
  switch (reason) {
#define SB_X(name, connecting, connected) \
  case protocol::close_reason::name:      \
    return connecting;
    SB_CLOSE_REASON_ERRNO(SB_X)
#undef SB_X
  }
  return SB_EIO;
}

inline std::int32_t connected_errno(protocol::close_reason reason) {
  switch (reason) {
#define SB_X(name, connecting, connected) \
  case protocol::close_reason::name:      \
    return connected;
    SB_CLOSE_REASON_ERRNO(SB_X)
#undef SB_X
  }
  return SB_ECONNRESET;
}

}  // namespace sb::host
