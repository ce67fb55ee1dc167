/*
 * <sys/socket.h> for guest/libc compiled natively: the SDK's header over
 * glibc's, with wasi-libc's numbering of the names the libc layer compares or
 * passes to the imports (AF_INET is 2 in glibc and 1 in a guest).
 */
#include_next <sys/socket.h>

#ifndef SOCKBRIDGE_LIBC_SHIM_SYS_SOCKET_H
#define SOCKBRIDGE_LIBC_SHIM_SYS_SOCKET_H

#include "posix_sockets.h"

#undef AF_UNSPEC
#undef AF_INET
#undef AF_INET6
#undef SOCK_STREAM
#undef SOCK_DGRAM
#undef SOCK_NONBLOCK
#undef SOCK_CLOEXEC
#undef SOL_SOCKET
#undef SO_TYPE
#undef SO_ERROR
#undef MSG_OOB
#undef MSG_PEEK
#undef MSG_DONTROUTE
#undef MSG_WAITALL
#undef MSG_DONTWAIT
#undef MSG_NOSIGNAL

#define AF_UNSPEC SB_AF_UNSPEC
#define AF_INET SB_AF_INET
#define AF_INET6 SB_AF_INET6
#define SOCK_STREAM SB_SOCK_STREAM
#define SOCK_DGRAM SB_SOCK_DGRAM
#define SOCK_NONBLOCK SB_SOCK_NONBLOCK
#define SOCK_CLOEXEC SB_SOCK_CLOEXEC
#define SOL_SOCKET SB_SOL_SOCKET
#define SO_TYPE SB_SO_TYPE
#define SO_ERROR SB_SO_ERROR
#define MSG_OOB 0x0100 /* guest/include/sys/socket.h's value */
#define MSG_PEEK SB_MSG_PEEK
#define MSG_DONTROUTE 0x0004 /* guest/include/sys/socket.h's value */
#define MSG_WAITALL SB_MSG_WAITALL
#define MSG_DONTWAIT SB_MSG_DONTWAIT
#define MSG_NOSIGNAL SB_MSG_NOSIGNAL

#endif
