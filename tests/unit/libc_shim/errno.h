/*
 * <errno.h> for guest/libc compiled natively: glibc's errno, with the E*
 * names in WASI numbering as the libc sees them in a guest, so that errno = EINVAL
 * there stores SB_EINVAL, as an -errno result passed through does.
 */
#include_next <errno.h>

#ifndef SOCKBRIDGE_LIBC_SHIM_ERRNO_H
#define SOCKBRIDGE_LIBC_SHIM_ERRNO_H

#include "posix_sockets.h"

#undef EACCES
#undef EADDRINUSE
#undef EADDRNOTAVAIL
#undef EAFNOSUPPORT
#undef EAGAIN
#undef EALREADY
#undef EBADF
#undef ECONNABORTED
#undef ECONNREFUSED
#undef ECONNRESET
#undef EDESTADDRREQ
#undef EFAULT
#undef EHOSTUNREACH
#undef EINPROGRESS
#undef EINVAL
#undef EIO
#undef EISCONN
#undef EISDIR
#undef EMFILE
#undef EMSGSIZE
#undef ENAMETOOLONG
#undef ENETDOWN
#undef ENETUNREACH
#undef ENOBUFS
#undef ENOENT
#undef ENOMEM
#undef ENOPROTOOPT
#undef ENOSYS
#undef ENOTCONN
#undef ENOTDIR
#undef ENOTSOCK
#undef ENOTSUP
#undef EPERM
#undef EPIPE
#undef EPROTO
#undef EPROTONOSUPPORT
#undef EPROTOTYPE
#undef EROFS
#undef ESPIPE
#undef ETIMEDOUT
#undef ENOTCAPABLE
#undef EOPNOTSUPP
#undef EWOULDBLOCK
#undef ENXIO

#define EACCES SB_EACCES
#define EADDRINUSE SB_EADDRINUSE
#define EADDRNOTAVAIL SB_EADDRNOTAVAIL
#define EAFNOSUPPORT SB_EAFNOSUPPORT
#define EAGAIN SB_EAGAIN
#define EALREADY SB_EALREADY
#define EBADF SB_EBADF
#define ECONNABORTED SB_ECONNABORTED
#define ECONNREFUSED SB_ECONNREFUSED
#define ECONNRESET SB_ECONNRESET
#define EDESTADDRREQ SB_EDESTADDRREQ
#define EFAULT SB_EFAULT
#define EHOSTUNREACH SB_EHOSTUNREACH
#define EINPROGRESS SB_EINPROGRESS
#define EINVAL SB_EINVAL
#define EIO SB_EIO
#define EISCONN SB_EISCONN
#define EISDIR SB_EISDIR
#define EMFILE SB_EMFILE
#define EMSGSIZE SB_EMSGSIZE
#define ENAMETOOLONG SB_ENAMETOOLONG
#define ENETDOWN SB_ENETDOWN
#define ENETUNREACH SB_ENETUNREACH
#define ENOBUFS SB_ENOBUFS
#define ENOENT SB_ENOENT
#define ENOMEM SB_ENOMEM
#define ENOPROTOOPT SB_ENOPROTOOPT
#define ENOSYS SB_ENOSYS
#define ENOTCONN SB_ENOTCONN
#define ENOTDIR SB_ENOTDIR
#define ENOTSOCK SB_ENOTSOCK
#define ENOTSUP SB_ENOTSUP
#define EPERM SB_EPERM
#define EPIPE SB_EPIPE
#define EPROTO SB_EPROTO
#define EPROTONOSUPPORT SB_EPROTONOSUPPORT
#define EPROTOTYPE SB_EPROTOTYPE
#define EROFS SB_EROFS
#define ESPIPE SB_ESPIPE
#define ETIMEDOUT SB_ETIMEDOUT
#define ENOTCAPABLE SB_ENOTCAPABLE
#define EOPNOTSUPP SB_ENOTSUP /* one value in wasi-libc */
#define EWOULDBLOCK SB_EAGAIN
#define ENXIO 60 /* not in posix_sockets.h (the host never returns it); wasi-libc's value */

#endif
