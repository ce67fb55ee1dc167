/*
 * <poll.h> for guest/libc compiled natively: glibc's struct pollfd, with
 * wasi-libc's event bits, which the poll import reads and writes.
 */
#include_next <poll.h>

#ifndef SOCKBRIDGE_LIBC_SHIM_POLL_H
#define SOCKBRIDGE_LIBC_SHIM_POLL_H

#include "posix_sockets.h"

#undef POLLIN
#undef POLLOUT
#undef POLLPRI
#undef POLLERR
#undef POLLHUP
#undef POLLNVAL

#define POLLIN SB_POLLIN
#define POLLOUT SB_POLLOUT
#define POLLPRI 0x0004 /* guest/include/poll.h's value */
#define POLLERR SB_POLLERR
#define POLLHUP SB_POLLHUP
#define POLLNVAL SB_POLLNVAL

#endif
