/*
 * poll.h for sockbridge guests: wasi-libc's header (whose poll() the SDK's
 * libc layer replaces with one that knows sockets), with Linux's event values
 * instead of wasi-libc's (POLLOUT is 4 here, 2 in wasi-libc), so code that
 * assumes them (lighttpd's poll backend static_asserts them) builds, and the
 * band and priority events wasi-libc leaves out. The libc layer translates to
 * and from the poll import's SB_POLL* bits (posix_sockets.h), which stay
 * wasi-libc's. POLLPRI, the band events and POLLRDHUP may be asked for and are
 * never reported: the relay carries no out-of-band data.
 */
#ifndef SOCKBRIDGE_POLL_H
#define SOCKBRIDGE_POLL_H

#include_next <poll.h>

#undef POLLIN
#undef POLLPRI
#undef POLLOUT
#undef POLLERR
#undef POLLHUP
#undef POLLNVAL
#undef POLLRDNORM
#undef POLLRDBAND
#undef POLLWRNORM
#undef POLLWRBAND
#undef POLLMSG
#undef POLLRDHUP

#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020
#define POLLRDNORM 0x040
#define POLLRDBAND 0x080
#define POLLWRNORM 0x100
#define POLLWRBAND 0x200
#define POLLMSG 0x400
#define POLLRDHUP 0x2000

#endif
