/* The ABI header's constants must equal wasi-libc's: one definition, checked here. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include "posix_sockets.h"

#define SB_CHECK(name) _Static_assert(SB_##name == name, #name " differs between posix_sockets.h and wasi-libc");
SB_CHECK(AF_INET)
SB_CHECK(AF_INET6)
SB_CHECK(AF_UNSPEC)
SB_CHECK(AF_UNIX)
SB_CHECK(SOCK_STREAM)
SB_CHECK(SOCK_DGRAM)
SB_CHECK(SOCK_NONBLOCK)
SB_CHECK(SOCK_CLOEXEC)
SB_CHECK(SOL_SOCKET)
SB_CHECK(SO_REUSEADDR)
SB_CHECK(SO_TYPE)
SB_CHECK(SO_ERROR)
SB_CHECK(SO_SNDBUF)
SB_CHECK(SO_RCVBUF)
SB_CHECK(SO_KEEPALIVE)
SB_CHECK(SO_RCVTIMEO)
SB_CHECK(SO_SNDTIMEO)
SB_CHECK(IPPROTO_TCP)
SB_CHECK(TCP_NODELAY)
SB_CHECK(MSG_PEEK)
SB_CHECK(MSG_WAITALL)
SB_CHECK(MSG_DONTWAIT)
SB_CHECK(MSG_NOSIGNAL)
/* The poll import's SB_POLL* bits are wasi-libc's (its <__header_poll.h>),
 * while the SDK's <poll.h> gives programs Linux's values, which poll.c and
 * alarm_wait.c translate (poll_events.h): check both ends. */
#define SB_CHECK_WASI_POLL(name, wasi) _Static_assert(SB_##name == wasi, #name " differs from wasi-libc's");
SB_CHECK_WASI_POLL(POLLIN, 0x1)
SB_CHECK_WASI_POLL(POLLOUT, 0x2)
SB_CHECK_WASI_POLL(POLLERR, 0x1000)
SB_CHECK_WASI_POLL(POLLHUP, 0x2000)
SB_CHECK_WASI_POLL(POLLNVAL, 0x4000)
#define SB_CHECK_LINUX_POLL(name, linux) _Static_assert(name == linux, #name " is not Linux's value");
SB_CHECK_LINUX_POLL(POLLIN, 0x001)
SB_CHECK_LINUX_POLL(POLLPRI, 0x002)
SB_CHECK_LINUX_POLL(POLLOUT, 0x004)
SB_CHECK_LINUX_POLL(POLLERR, 0x008)
SB_CHECK_LINUX_POLL(POLLHUP, 0x010)
SB_CHECK_LINUX_POLL(POLLNVAL, 0x020)
SB_CHECK_LINUX_POLL(POLLRDNORM, 0x040)
SB_CHECK_LINUX_POLL(POLLWRNORM, 0x100)
_Static_assert(sizeof(struct sockaddr_in) == SB_SOCKADDR_IN_SIZE, "sockaddr_in size");
_Static_assert(sizeof(struct sockaddr_in6) == SB_SOCKADDR_IN6_SIZE, "sockaddr_in6 size");
_Static_assert(sizeof(struct pollfd) == SB_POLLFD_SIZE, "pollfd size");

#define SB_CHECK_ERRNO(name, number, message) _Static_assert(name == number, #name " differs from wasi-libc");
SB_ERRNO_TABLE(SB_CHECK_ERRNO)
