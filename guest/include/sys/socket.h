/*
 * sys/socket.h for sockbridge guests: wasi-libc's header, plus the
 * declarations wasi-libc (2022) leaves out because WASI preview1 has no
 * sockets. The functions are implemented in guest/libc over posix_sockets.h.
 */
#ifndef SOCKBRIDGE_SYS_SOCKET_H
#define SOCKBRIDGE_SYS_SOCKET_H

/* wasi-libc declares its socket address structures _Alignas(max_align_t),
 * which <stddef.h> leaves out in C99 mode (-std=c99 is common in Makefiles). */
#if !defined(__cplusplus) && (!defined(__STDC_VERSION__) || __STDC_VERSION__ < 201112L)
#include <__stddef_max_align_t.h>
#endif

/* glibc's <sys/socket.h> brings in <sys/types.h> (and with it fd_set and
 * select() in the default and GNU modes); programs written on Linux rely on it. */
#include <sys/types.h>

#include_next <sys/socket.h>

#include "posix_sockets.h"

/* Option and flag values wasi-libc hides (they exist only in its upstream branch). */
#ifndef SO_REUSEADDR
#define SO_REUSEADDR SB_SO_REUSEADDR
#define SO_ERROR SB_SO_ERROR
#define SO_SNDBUF SB_SO_SNDBUF
#define SO_RCVBUF SB_SO_RCVBUF
#define SO_KEEPALIVE SB_SO_KEEPALIVE
#define SO_LINGER 13
#define SO_REUSEPORT 15
#define SO_RCVLOWAT 18
#define SO_SNDLOWAT 19
#define SO_ACCEPTCONN 30
#endif
#ifndef SO_RCVTIMEO
#define SO_RCVTIMEO SB_SO_RCVTIMEO
#define SO_SNDTIMEO SB_SO_SNDTIMEO
#endif
#ifndef MSG_DONTWAIT
/* Not wasi-libc's MSG_PEEK bit (1), which Linux's MSG_OOB value would alias. */
#define MSG_OOB 0x0100
#define MSG_DONTROUTE 0x0004
#define MSG_DONTWAIT SB_MSG_DONTWAIT
#define MSG_NOSIGNAL SB_MSG_NOSIGNAL
#endif
/* Every Unix numbers shutdown()'s how 0, 1, 2, and old code passes the bare
 * numbers (shutdown(fd, 1) to stop sending); wasi-libc numbers them 1, 2, 3,
 * which would turn that call into SHUT_RD. Guests use the Unix values and
 * guest/libc/shutdown.c maps them onto the import's SB_SHUT_*. */
#undef SHUT_RD
#undef SHUT_WR
#undef SHUT_RDWR
#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2

#ifndef PF_INET
#define PF_UNSPEC AF_UNSPEC
#define PF_INET AF_INET
#define PF_INET6 AF_INET6
#define PF_UNIX AF_UNIX
#define PF_LOCAL AF_UNIX
#define AF_LOCAL AF_UNIX
#endif
#ifndef SOMAXCONN
#define SOMAXCONN 128
#endif

#ifdef __cplusplus
extern "C" {
#endif

int socket(int domain, int type, int protocol);
int bind(int fd, const struct sockaddr* address, socklen_t length);
int connect(int fd, const struct sockaddr* address, socklen_t length);
int listen(int fd, int backlog);
int getsockname(int fd, struct sockaddr* __restrict address, socklen_t* __restrict length);
int getpeername(int fd, struct sockaddr* __restrict address, socklen_t* __restrict length);
ssize_t sendto(int fd, const void* buffer, size_t length, int flags, const struct sockaddr* address,
               socklen_t address_length);
ssize_t recvfrom(int fd, void* __restrict buffer, size_t length, int flags, struct sockaddr* __restrict address,
                 socklen_t* __restrict address_length);
ssize_t sendmsg(int fd, const struct msghdr* message, int flags);
ssize_t recvmsg(int fd, struct msghdr* message, int flags);
int setsockopt(int fd, int level, int name, const void* value, socklen_t length);
/* AF_UNIX + SOCK_STREAM: two connected local sockets inside the host (posix_sockets.h,
 * wasm_sock_socketpair). SOCK_DGRAM pairs and AF_INET/AF_INET6 pairs fail with EOPNOTSUPP. */
int socketpair(int domain, int type, int protocol, int fds[2]);

#ifdef __cplusplus
}
#endif

#endif
