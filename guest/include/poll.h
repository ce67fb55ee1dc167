/*
 * poll.h for sockbridge guests: wasi-libc's header (whose poll() the SDK's
 * libc layer replaces with one that knows sockets), plus the event names
 * wasi-libc leaves out. POLLPRI and the band events may be asked for and are
 * never reported: the relay carries no out-of-band data.
 */
#ifndef SOCKBRIDGE_POLL_H
#define SOCKBRIDGE_POLL_H

#include_next <poll.h>

#ifndef POLLPRI
#define POLLPRI 0x0004
#define POLLRDBAND 0x0008
#define POLLWRBAND 0x0010
#endif

#endif
