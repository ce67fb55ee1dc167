// How a Wisp close reason reads to the guest: the errno a pending connect
// fails with, and the errno a connected socket reports afterwards
// (0 = orderly end of stream: recv returns 0).
#pragma once

#include <cstdint>

#include "posix_sockets.h"
#include "sockbridge/protocol/wisp.hpp"

namespace sb::host {

// X(reason, errno while connecting, errno once connected)
#define SB_CLOSE_REASON_ERRNO(X)                         \
  X(unspecified, SB_ECONNREFUSED, SB_ECONNRESET)         \
  X(voluntary, SB_ECONNREFUSED, 0)                       \
  X(network_error, SB_ECONNREFUSED, SB_ECONNRESET)       \
  X(incompatible_extensions, SB_EPROTONOSUPPORT, SB_ECONNRESET) \
  X(invalid_info, SB_EINVAL, SB_ECONNRESET)              \
  X(unreachable, SB_EHOSTUNREACH, SB_ECONNRESET)         \
  X(connect_timeout, SB_ETIMEDOUT, SB_ETIMEDOUT)         \
  X(refused, SB_ECONNREFUSED, SB_ECONNRESET)             \
  X(transfer_timeout, SB_ETIMEDOUT, SB_ETIMEDOUT)        \
  X(blocked, SB_EACCES, SB_ECONNRESET)                   \
  X(throttled, SB_ECONNREFUSED, SB_ECONNRESET)           \
  X(client_error, SB_ECONNABORTED, SB_ECONNABORTED)      \
  X(auth_bad_password, SB_EACCES, SB_ECONNRESET)         \
  X(auth_bad_signature, SB_EACCES, SB_ECONNRESET)        \
  X(auth_required, SB_EACCES, SB_ECONNRESET)             \
  X(address_in_use, SB_EADDRINUSE, SB_ECONNRESET)        \
  X(address_not_available, SB_EADDRNOTAVAIL, SB_ECONNRESET) \
  X(name_not_found, SB_EHOSTUNREACH, SB_ECONNRESET)      \
  X(connection_reset, SB_ECONNREFUSED, SB_ECONNRESET)

inline std::int32_t connect_errno(protocol::close_reason reason) {
  switch (reason) {
#define SB_X(name, connecting, connected) \
  case protocol::close_reason::name:      \
    return connecting;
    SB_CLOSE_REASON_ERRNO(SB_X)
#undef SB_X
  }
  return SB_ECONNREFUSED;
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
