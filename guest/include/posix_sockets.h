/*
 * posix_sockets.h — the sockbridge guest import ABI.
 *
 * A guest compiled for wasm32-wasi imports these functions from the WebAssembly
 * module "posix_sockets". The sockbridge host (web/host/) implements them in the
 * browser and forwards the network part to the relay.
 *
 * Contract, for every function below:
 *   - Integers and pointers are i32; pointers are offsets into the guest's own
 *     linear memory. The host checks every pointer and length against the size
 *     of guest memory: an out-of-range buffer fails with -SB_EFAULT and nothing
 *     is read or written.
 *   - A return value >= 0 is success. A negative value is -errno in WASI errno
 *     numbering (the SB_E* values below, equal to wasi-libc's E* constants), so
 *     a libc layer can store it in errno unchanged.
 *   - Buffers are owned by the guest; the host copies in or out during the call
 *     and keeps no reference after it returns.
 *   - Address structures use wasi-libc's layout: sockaddr_in is 16 bytes,
 *     sockaddr_in6 is 32 bytes; sin_port / sin6_port are in network byte order.
 *   - A call on a blocking socket that cannot complete yet suspends the guest
 *     (JSPI or Asyncify) until it can; it never busy-waits.
 *
 * This header is the one source of truth for the constants; the host
 * static_asserts its users against it and the guest libc layer static_asserts
 * it against wasi-libc.
 */
#ifndef SOCKBRIDGE_POSIX_SOCKETS_H
#define SOCKBRIDGE_POSIX_SOCKETS_H

#include <stddef.h>
#include <stdint.h>

/* Address families and socket types (wasi-libc numbering, not Linux's). */
#define SB_AF_UNSPEC 0
#define SB_AF_INET 1
#define SB_AF_INET6 2
#define SB_AF_UNIX 3 /* socketpair() only: a guest has no named local sockets */
#define SB_SOCK_DGRAM 5
#define SB_SOCK_STREAM 6
#define SB_SOCK_NONBLOCK 0x00004000
#define SB_SOCK_CLOEXEC 0x00002000
#define SB_SOCK_TYPE_MASK 0x0000000f

/* Guest-memory sizes of the address structures. */
#define SB_SOCKADDR_IN_SIZE 16
#define SB_SOCKADDR_IN6_SIZE 32
#define SB_SOCKADDR_UNNAMED_SIZE 2 /* an AF_UNIX pair's address: sa_family alone, as Linux reports it */

/* flags for send/recv (PEEK/WAITALL are wasi-libc's; DONTWAIT/NOSIGNAL take musl's values) */
#define SB_MSG_PEEK 1
#define SB_MSG_WAITALL 2
#define SB_MSG_DONTWAIT 0x40
#define SB_MSG_NOSIGNAL 0x4000

/* socket options: level SB_SOL_SOCKET (wasi-libc's value) or SB_IPPROTO_TCP */
#define SB_SOL_SOCKET 0x7fffffff
#define SB_IPPROTO_TCP 6
#define SB_SO_REUSEADDR 2
#define SB_SO_TYPE 3
#define SB_SO_ERROR 4
#define SB_SO_SNDBUF 7
#define SB_SO_RCVBUF 8
#define SB_SO_KEEPALIVE 9
#define SB_SO_RCVTIMEO 66 /* wasi-libc's value (time64); struct timeval: i64 seconds, i64 microseconds */
#define SB_SO_SNDTIMEO 67
#define SB_TCP_NODELAY 1

/* poll events of the import (wasi-libc's values, not the SDK <poll.h>'s, which
 * are Linux's: the libc layer translates); struct pollfd is {i32 fd, i16
 * events, i16 revents} */
#define SB_POLLIN 0x1
#define SB_POLLOUT 0x2
#define SB_POLLERR 0x1000
#define SB_POLLHUP 0x2000
#define SB_POLLNVAL 0x4000
#define SB_POLLFD_SIZE 8
#define SB_POLL_MAX_FDS 1024

/* how for shutdown */
#define SB_SHUT_RD 1
#define SB_SHUT_WR 2
#define SB_SHUT_RDWR 3

/*
 * Every errno value the host can return, for sockets and the embedder's
 * read-only files alike: X(name, WASI number, message).
 * Expand it where a list is needed instead of copying values by hand.
 */
#define SB_ERRNO_TABLE(X)                                        \
  X(EACCES, 2, "Permission denied")                              \
  X(EADDRINUSE, 3, "Address in use")                             \
  X(EADDRNOTAVAIL, 4, "Address not available")                   \
  X(EAFNOSUPPORT, 5, "Address family not supported by protocol") \
  X(EAGAIN, 6, "Resource temporarily unavailable")               \
  X(EALREADY, 7, "Operation already in progress")                \
  X(EBADF, 8, "Bad file descriptor")                             \
  X(ECONNABORTED, 13, "Connection aborted")                      \
  X(ECONNREFUSED, 14, "Connection refused")                      \
  X(ECONNRESET, 15, "Connection reset by peer")                  \
  X(EDESTADDRREQ, 17, "Destination address required")            \
  X(EFAULT, 21, "Bad address")                                   \
  X(EHOSTUNREACH, 23, "Host is unreachable")                     \
  X(EINPROGRESS, 26, "Operation in progress")                    \
  X(EINVAL, 28, "Invalid argument")                              \
  X(EIO, 29, "I/O error")                                        \
  X(EISCONN, 30, "Socket is connected")                          \
  X(EISDIR, 31, "Is a directory")                                \
  X(EMFILE, 33, "Too many open files")                           \
  X(EMSGSIZE, 35, "Message too large")                           \
  X(ENAMETOOLONG, 37, "Filename too long")                       \
  X(ENETDOWN, 38, "Network is down")                             \
  X(ENETUNREACH, 40, "Network unreachable")                      \
  X(ENOBUFS, 42, "No buffer space available")                    \
  X(ENOENT, 44, "No such file or directory")                     \
  X(ENOMEM, 48, "Out of memory")                                 \
  X(ENOPROTOOPT, 50, "Protocol not available")                   \
  X(ENOSYS, 52, "Function not implemented")                      \
  X(ENOTCONN, 53, "Socket not connected")                        \
  X(ENOTDIR, 54, "Not a directory")                              \
  X(ENOTSOCK, 57, "Not a socket")                                \
  X(ENOTSUP, 58, "Not supported")                                \
  X(EPERM, 63, "Operation not permitted")                        \
  X(EPIPE, 64, "Broken pipe")                                    \
  X(EPROTO, 65, "Protocol error")                                \
  X(EPROTONOSUPPORT, 66, "Protocol not supported")               \
  X(EPROTOTYPE, 67, "Protocol wrong type for socket")            \
  X(EROFS, 69, "Read-only file system")                          \
  X(ESPIPE, 70, "Invalid seek")                                  \
  X(ETIMEDOUT, 73, "Operation timed out")                        \
  X(ENOTCAPABLE, 76, "Capabilities insufficient")

#define SB_DEFINE_ERRNO(name, number, message) SB_##name = number,
enum sb_errno { SB_ESUCCESS = 0, SB_ERRNO_TABLE(SB_DEFINE_ERRNO) };
#undef SB_DEFINE_ERRNO

/*
 * The imports, one row each: X(name, mode, parameters). Every import returns
 * int32_t (>= 0 or -errno, as above). mode is `blocking` for a call that may
 * wait for the network or stdin (the guest is suspended by JSPI or Asyncify
 * meanwhile, so Asyncify must instrument it) and `immediate` for one that
 * always returns at once.
 *
 * These tables are the one list of imports; nothing else names them:
 *   - below, each posix_sockets row declares wasm_sock_<name>;
 *   - the host (web/host/src/emscripten_exports.cpp) static_asserts that its
 *     export sb_sock_<name> / sb_wasi_<name> takes the row's parameters
 *     (pointers as i32 guest offsets) and hands both tables to shim-js, whose
 *     import object (shim-js/src/imports.js) is built from them;
 *   - bin/sockbridge-asyncify expands the blocking rows into the Asyncify
 *     import list (the SDK's share/sockbridge/asyncify-imports too).
 * So adding an import is one row here plus the host's implementation.
 */
/* clang-format off */
#define SB_POSIX_SOCKETS_IMPORTS(X)                                                                              \
  X(socket,      immediate, (int32_t domain, int32_t type, int32_t protocol))                                    \
  X(connect,     blocking,  (int32_t fd, const void *addr, uint32_t addrlen))                                    \
  X(send,        blocking,  (int32_t fd, const void *buf, uint32_t len, int32_t flags))                          \
  X(recv,        blocking,  (int32_t fd, void *buf, uint32_t len, int32_t flags))                                \
  X(sendto,      blocking,  (int32_t fd, const void *buf, uint32_t len, int32_t flags, const void *addr,         \
                             uint32_t addrlen))                                                                  \
  X(recvfrom,    blocking,  (int32_t fd, void *buf, uint32_t len, int32_t flags, void *addr, uint32_t *addrlen)) \
  X(bind,        blocking,  (int32_t fd, const void *addr, uint32_t addrlen))                                    \
  X(listen,      blocking,  (int32_t fd, int32_t backlog))                                                       \
  X(accept,      blocking,  (int32_t fd, void *addr, uint32_t *addrlen))                                         \
  X(close,       immediate, (int32_t fd))                                                                        \
  X(setsockopt,  immediate, (int32_t fd, int32_t level, int32_t name, const void *value, uint32_t len))          \
  X(getsockopt,  immediate, (int32_t fd, int32_t level, int32_t name, void *value, uint32_t *len))               \
  X(getpeername, immediate, (int32_t fd, void *addr, uint32_t *addrlen))                                         \
  X(getsockname, immediate, (int32_t fd, void *addr, uint32_t *addrlen))                                         \
  X(shutdown,    immediate, (int32_t fd, int32_t how))                                                           \
  X(getaddrinfo, blocking,  (const char *name, uint32_t name_len, int32_t family, void *out, uint32_t max))      \
  X(poll,        blocking,  (void *fds, uint32_t nfds, int32_t timeout_ms))                                      \
  X(pipe,        immediate, (int32_t *fds, int32_t flags))                                                       \
  X(socketpair,  immediate, (int32_t domain, int32_t type, int32_t protocol, int32_t *fds))                      \
  X(dup,         immediate, (int32_t fd, int32_t lowest))                                                        \
  X(dup2,        immediate, (int32_t fd, int32_t target))

/* The wasi_snapshot_preview1 functions the host serves (the rest return
 * ENOSYS; proc_exit, which never returns, is served apart). Guests call them
 * through wasi-libc, so nothing here declares them. */
#define SB_WASI_IMPORTS(X)                                                                                          \
  X(args_get,            immediate, (uint8_t **argv, uint8_t *argv_buf))                                            \
  X(args_sizes_get,      immediate, (uint32_t *argc, uint32_t *argv_buf_size))                                      \
  X(environ_get,         immediate, (uint8_t **env, uint8_t *env_buf))                                              \
  X(environ_sizes_get,   immediate, (uint32_t *count, uint32_t *environ_buf_size))                                  \
  X(clock_res_get,       immediate, (uint32_t clock_id, uint64_t *resolution))                                      \
  X(clock_time_get,      immediate, (uint32_t clock_id, uint64_t precision, uint64_t *time))                        \
  X(random_get,          immediate, (uint8_t *buf, uint32_t buf_len))                                               \
  X(fd_read,             blocking,  (int32_t fd, const void *iovs, uint32_t iovs_len, uint32_t *nread))             \
  X(fd_write,            blocking,  (int32_t fd, const void *iovs, uint32_t iovs_len, uint32_t *nwritten))          \
  X(fd_close,            immediate, (int32_t fd))                                                                   \
  X(fd_fdstat_get,       immediate, (int32_t fd, void *stat))                                                       \
  X(fd_fdstat_set_flags, immediate, (int32_t fd, uint32_t flags))                                                   \
  X(fd_seek,             immediate, (int32_t fd, int64_t offset, uint32_t whence, uint64_t *new_offset))            \
  X(fd_tell,             immediate, (int32_t fd, uint64_t *offset))                                                 \
  X(fd_pread,            immediate, (int32_t fd, const void *iovs, uint32_t iovs_len, uint64_t offset,              \
                                     uint32_t *nread))                                                              \
  X(fd_filestat_get,     immediate, (int32_t fd, void *filestat))                                                   \
  X(fd_readdir,          immediate, (int32_t fd, void *buf, uint32_t buf_len, uint64_t cookie, uint32_t *buf_used)) \
  X(fd_prestat_get,      immediate, (int32_t fd, void *prestat))                                                    \
  X(fd_prestat_dir_name, immediate, (int32_t fd, char *path, uint32_t path_len))                                    \
  X(path_open,           immediate, (int32_t dirfd, uint32_t lookup_flags, const char *path, uint32_t path_len,     \
                                     uint32_t oflags, uint64_t rights_base, uint64_t rights_inheriting,             \
                                     uint32_t fdflags, int32_t *fd))                                                \
  X(path_filestat_get,   immediate, (int32_t dirfd, uint32_t lookup_flags, const char *path, uint32_t path_len,     \
                                     void *filestat))                                                               \
  X(poll_oneoff,         blocking,  (const void *in, void *out, uint32_t nsubscriptions, uint32_t *nevents))        \
  X(sched_yield,         immediate, (void))
/* clang-format on */

#ifdef __wasm32__
#define SB_IMPORT(name) __attribute__((import_module("posix_sockets"), import_name(#name)))
#else
#define SB_IMPORT(name)
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define SB_DECLARE_IMPORT(name, mode, parameters) SB_IMPORT(name) int32_t wasm_sock_##name parameters;
SB_POSIX_SOCKETS_IMPORTS(SB_DECLARE_IMPORT)
#undef SB_DECLARE_IMPORT

#ifdef __cplusplus
}
#endif

/* What each posix_sockets import does, in the order of the table. */

/* wasm_sock_socket:
 * Creates a socket. domain: SB_AF_INET/SB_AF_INET6; type: SB_SOCK_STREAM (TCP) or SB_SOCK_DGRAM (UDP)
 * (optionally | SB_SOCK_NONBLOCK). Returns the new fd (>= 3).
 * Errors: EAFNOSUPPORT, EPROTOTYPE, EPROTONOSUPPORT, EMFILE. */

/* wasm_sock_connect:
 * Connects to addr (a sockaddr_in or sockaddr_in6 of addrlen bytes).
 * Blocking sockets return 0 once connected. Errors: EBADF, ENOTSOCK, EFAULT,
 * EINVAL (bad length), EAFNOSUPPORT, EISCONN, ENETUNREACH (relay gone), and
 * one errno per relay close reason (protocol/PROTOCOL.md): ECONNREFUSED,
 * EHOSTUNREACH, ETIMEDOUT, ECONNRESET, EPERM (relay policy denied the target),
 * ENOBUFS (relay limit reached), EACCES (relay login refused), EIO (no reason given). */

/* wasm_sock_send:
 * Sends up to len bytes; returns how many were queued. Errors: EBADF, ENOTSOCK,
 * EFAULT, ENOTCONN, EPIPE (peer or relay gone, or shut down for writing). */

/* wasm_sock_recv:
 * Receives up to len bytes; returns the count, 0 at orderly end of stream.
 * Errors: EBADF, ENOTSOCK, EFAULT, ENOTCONN, ECONNRESET, EAGAIN (non-blocking). */

/* wasm_sock_sendto:
 * send with a destination. On a UDP socket (SB_SOCK_DGRAM) each call is one
 * datagram. A socket that was not connect()ed sends from a UDP port of its own
 * on the relay host (bound at the first sendto if bind() did not), so replies
 * from every peer arrive; a datagram to an address the relay's policy forbids
 * is dropped. On a plain Wisp relay, or a socket connect()ed first, an addr
 * different from the current peer re-targets the socket (only addr's replies
 * arrive). On a TCP socket addr is ignored. addr may be NULL (addrlen 0).
 * Errors: those of send, plus EMSGSIZE (datagram over 65507 bytes),
 * EDESTADDRREQ (UDP without a peer), EAFNOSUPPORT, ECONNREFUSED (a connected
 * socket's last datagram met a closed port), EPERM (relay policy), EINVAL. */

/* wasm_sock_recvfrom:
 * recv that also writes the sender to addr/addrlen if addr is not NULL (a TCP
 * socket's peer; a UDP datagram's own sender). On a UDP socket each call
 * returns one datagram; bytes beyond len are discarded. Errors: those of recv,
 * plus ECONNREFUSED (connected UDP). */

/* wasm_sock_bind:
 * Binds a local address. A TCP socket records it for listen(). A UDP socket
 * gets the port on the relay host now (blocking until the relay answers; port
 * 0 = any): EPERM (the relay does not allow that port), EADDRINUSE,
 * EADDRNOTAVAIL, ENETUNREACH (relay gone). Errors: EBADF, ENOTSOCK, EFAULT,
 * EAFNOSUPPORT (not the socket's family), EINVAL (bad length, already bound,
 * connected or listening). */

/* wasm_sock_listen:
 * Marks a socket as listening: the relay opens a real listening socket on
 * its host (the bound port, or any if 0; getsockname tells which) and
 * forwards inbound connections. Errors: EBADF, ENOTSOCK, EINVAL, EPERM
 * (relay policy), EADDRINUSE, EADDRNOTAVAIL, ENOTSUP (a UDP socket, or a relay
 * without the sockbridge extension). */

/* wasm_sock_accept:
 * Accepts a connection (blocking until one arrives unless non-blocking);
 * addr/addrlen may be 0. Returns the new fd. Errors: EBADF, ENOTSOCK,
 * EINVAL (not listening), EAGAIN, EMFILE, EFAULT. */

/* wasm_sock_close:
 * Closes a socket and releases its fd. Errors: EBADF, ENOTSOCK. */

/* wasm_sock_setsockopt:
 * Sets an option. Accepted: SO_REUSEADDR, SO_KEEPALIVE, SO_SNDBUF, SO_RCVBUF,
 * TCP_NODELAY (int), SO_RCVTIMEO / SO_SNDTIMEO (struct timeval; 0 = none).
 * Errors: EBADF, ENOTSOCK, EFAULT, EINVAL (value too short), ENOPROTOOPT
 * (unknown level or option). */

/* wasm_sock_getsockopt:
 * Reads an option into value (*len bytes available; *len is set to the size
 * written). SO_ERROR returns and clears the pending error (e.g. the result of
 * a non-blocking connect). Errors: EBADF, ENOTSOCK, EFAULT, EINVAL, ENOPROTOOPT. */

/* wasm_sock_getpeername:
 * The peer's address of a connected socket, truncated to *addrlen bytes;
 * *addrlen is set to the full size. Errors: EBADF, ENOTSOCK, EFAULT, ENOTCONN. */

/* wasm_sock_getsockname:
 * The socket's local address (the bound one, or the unspecified address of its
 * family until the relay reports the real one). Errors: EBADF, ENOTSOCK, EFAULT. */

/* wasm_sock_shutdown:
 * Stops sending (SB_SHUT_WR: the peer sees end of stream, the socket still
 * receives), receiving (SB_SHUT_RD), or both. Errors: EBADF, ENOTSOCK,
 * EINVAL (bad how), ENOTCONN, ENOTSUP (relay without the sockbridge extension). */

/* wasm_sock_getaddrinfo:
 * Resolves a host name (name_len bytes, no NUL needed) at the relay, or here
 * if it is an IP literal. family: SB_AF_UNSPEC, SB_AF_INET or SB_AF_INET6.
 * Writes up to max addresses at out, each a SB_SOCKADDR_IN6_SIZE-byte slot
 * holding a sockaddr_in or sockaddr_in6 with port 0; returns the count.
 * Errors: ENOENT (no such name), EPERM (relay policy forbids the name's
 * addresses), EAGAIN (relay busy, or its lookup timed out), ENETUNREACH (relay unreachable),
 * ENOTSUP (relay cannot resolve), EINVAL (empty or too long name), EFAULT. */

/* wasm_sock_poll:
 * Waits for events on sockets and stdio (fds 0-2) together, like POSIX poll():
 * timeout_ms < 0 waits forever, 0 returns at once. Returns the number of
 * entries with non-zero revents. Unknown fds get SB_POLLNVAL.
 * Errors: EFAULT (array outside memory), EINVAL (nfds > SB_POLL_MAX_FDS). */

/*
 * Local pipes and socket pairs: two fds of the guest's own fd table joined by
 * byte queues inside the host, each direction holding up to 64 KiB (Linux's
 * default pipe size). Nothing goes to the relay. read()/write() (and, for a
 * pair, send()/recv()/shutdown()) work on them as POSIX says: a read of an
 * empty queue blocks (or EAGAIN when non-blocking) until the other end writes,
 * and returns 0 once the other end is closed; a write to a full queue blocks
 * (EAGAIN) and a write whose reader is closed fails with EPIPE (no SIGPIPE).
 * poll()/select() see them. The guest is single-threaded: a blocking read on
 * a pipe that only the same guest writes waits forever, as it would on Unix;
 * use poll() with a timeout or O_NONBLOCK.
 * The two new fds are written to fds[0] and fds[1] (i32 each); on error
 * nothing is created or written.
 */

/* wasm_sock_pipe:
 * pipe(): fds[0] is the read end, fds[1] the write end. flags: 0 or
 * SB_SOCK_NONBLOCK (both ends non-blocking) | SB_SOCK_CLOEXEC (ignored: a guest
 * execs nothing). Socket calls on a pipe end fail with ENOTSOCK; reading the
 * write end or writing the read end fails with EBADF.
 * Errors: EFAULT (fds outside memory), EINVAL (other flag bits), EMFILE. */

/* wasm_sock_socketpair:
 * socketpair(): two connected SB_AF_UNIX stream sockets, each reading what the
 * other writes. type: SB_SOCK_STREAM, optionally | SB_SOCK_NONBLOCK |
 * SB_SOCK_CLOEXEC; protocol 0. getsockname/getpeername give an unnamed
 * address (SB_SOCKADDR_UNNAMED_SIZE bytes). Errors: EFAULT, EMFILE, EINVAL
 * (other type bits), ENOTSUP (SB_SOCK_DGRAM, and the SB_AF_INET/SB_AF_INET6
 * families, which have no pairs), EAFNOSUPPORT (other families), EPROTOTYPE
 * (other types), EPROTONOSUPPORT (protocol not 0). */

/*
 * Descriptor copies: a new fd naming the same open object as fd — a stdio
 * stream, a socket, a pipe end, a file or directory (one read offset for
 * both), /dev/null — as POSIX dup() does. The object belongs to every fd
 * naming it: closing one fd leaves the others working, and the object (a
 * socket's relay stream, a pipe end) is released when its last fd closes.
 * O_NONBLOCK belongs to the object, so it is shared too. Nothing is written
 * to guest memory.
 */

/* wasm_sock_dup:
 * dup() and fcntl(F_DUPFD): the new fd is the lowest free fd >= lowest.
 * Errors: EBADF (fd not open), EINVAL (lowest negative or above the host's
 * fd limit), EMFILE (no free fd). */

/* wasm_sock_dup2:
 * dup2(): makes target name fd's object, closing what target named first
 * (silently, as POSIX says; target may be 0, 1 or 2: stdout pointed at
 * /dev/null). Returns target; fd == target returns target and changes
 * nothing. Errors: EBADF (fd not open, or target negative or above the
 * host's fd limit). */

#endif /* SOCKBRIDGE_POSIX_SOCKETS_H */
