// The guest libc layer (guest/libc), compiled natively for its unit tests.
//
// How it is built (tests/unit/CMakeLists.txt, target guest_libc_native): every
// guest/libc/*.c file with the host compiler, over glibc's headers with the
// SDK's (guest/include) in front, as a guest build has them in front of
// wasi-libc's; then tests/unit/libc_shim/ in front of both, which
//   - gives the names the code compares or hands to the imports wasi-libc's
//     values (AF_INET, SOCK_*, MSG_*, E*; POLL* are Linux's in both), so the code takes the same
//     branches and passes the imports the same numbers as in a guest;
//   - sends the few glibc calls that would see those numbers or touch the
//     test process (inet_pton/inet_ntop, fcntl, fopen of /etc files) to the
//     fake in libc_fake_imports.cpp;
//   - renames every function the layer defines to sb_libc_* (sb_libc_names.h)
//     so it does not replace glibc's socket() or poll() in the test process.
// The wasm_sock_* imports are plain extern functions here (SB_IMPORT expands
// to nothing off wasm32), defined by the fake.
//
// What differs from a guest and so is not tested here: struct sizes
// (glibc's sockaddr_in6 is 28 bytes, wasi-libc's 32, so ai_addrlen and
// getnameinfo's length checks use glibc's size), 64-bit size_t/nfds_t (a
// count above 2^32 cannot reach a wasm32 guest's libc), fd_set (a bitmask in
// glibc, a list in wasi-libc; select.c only uses FD_* macros), and
// abi_checks.c (it asserts wasi-libc's struct sizes, which glibc's are not).
#ifndef SOCKBRIDGE_TESTS_LIBC_UNDER_TEST_HPP
#define SOCKBRIDGE_TESTS_LIBC_UNDER_TEST_HPP

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/types.h>

// The SDK's own headers, by path: guest/include as a whole would put the
// guest's <signal.h> and <unistd.h> in front of glibc's for the C++ library too.
#include "guest/include/net/if.h"
#include "guest/include/netdb.h"
#include "guest/include/posix_sockets.h"
#include "guest/include/syslog.h"

// The layer's functions, by their POSIX names: libc::socket is guest/libc/socket.c's socket.
namespace libc {
// clang-format off
int socket(int domain, int type, int protocol) __asm__("sb_libc_socket");
int connect(int fd, const sockaddr* address, socklen_t length) __asm__("sb_libc_connect");
int bind(int fd, const sockaddr* address, socklen_t length) __asm__("sb_libc_bind");
int listen(int fd, int backlog) __asm__("sb_libc_listen");
int accept(int fd, sockaddr* address, socklen_t* length) __asm__("sb_libc_accept");
int accept4(int fd, sockaddr* address, socklen_t* length, int flags) __asm__("sb_libc_accept4");
int shutdown(int fd, int how) __asm__("sb_libc_shutdown");
int getsockname(int fd, sockaddr* address, socklen_t* length) __asm__("sb_libc_getsockname");
int getpeername(int fd, sockaddr* address, socklen_t* length) __asm__("sb_libc_getpeername");
int setsockopt(int fd, int level, int name, const void* value, socklen_t length) __asm__("sb_libc_setsockopt");
int getsockopt(int fd, int level, int name, void* value, socklen_t* length) __asm__("sb_libc_getsockopt");
int socketpair(int domain, int type, int protocol, int fds[2]) __asm__("sb_libc_socketpair");
int pipe(int fds[2]) __asm__("sb_libc_pipe");
int pipe2(int fds[2], int flags) __asm__("sb_libc_pipe2");
int dup(int fd) __asm__("sb_libc_dup");
int dup2(int fd, int target) __asm__("sb_libc_dup2");
int dup3(int fd, int target, int flags) __asm__("sb_libc_dup3");

ssize_t send(int fd, const void* buffer, size_t length, int flags) __asm__("sb_libc_send");
ssize_t recv(int fd, void* buffer, size_t length, int flags) __asm__("sb_libc_recv");
ssize_t sendto(int fd, const void* buffer, size_t length, int flags, const sockaddr* address,
               socklen_t address_length) __asm__("sb_libc_sendto");
ssize_t recvfrom(int fd, void* buffer, size_t length, int flags, sockaddr* address,
                 socklen_t* address_length) __asm__("sb_libc_recvfrom");
ssize_t sendmsg(int fd, const msghdr* message, int flags) __asm__("sb_libc_sendmsg");
ssize_t recvmsg(int fd, msghdr* message, int flags) __asm__("sb_libc_recvmsg");

int poll(pollfd* fds, nfds_t count, int timeout_ms) __asm__("sb_libc_poll");
int select(int nfds, fd_set* readable, fd_set* writable, fd_set* failed, timeval* timeout) __asm__("sb_libc_select");

int getaddrinfo(const char* node, const char* service, const addrinfo* hints, addrinfo** out) __asm__("sb_libc_getaddrinfo");
void freeaddrinfo(addrinfo* list) __asm__("sb_libc_freeaddrinfo");
const char* gai_strerror(int code) __asm__("sb_libc_gai_strerror");
int getnameinfo(const sockaddr* address, socklen_t length, char* host, socklen_t host_length, char* service,
                socklen_t service_length, int flags) __asm__("sb_libc_getnameinfo");
hostent* gethostbyname(const char* name) __asm__("sb_libc_gethostbyname");
const char* hstrerror(int code) __asm__("sb_libc_hstrerror");
extern int h_errno __asm__("sb_libc_h_errno");
servent* getservbyname(const char* name, const char* protocol) __asm__("sb_libc_getservbyname");
servent* getservbyport(int port, const char* protocol) __asm__("sb_libc_getservbyport");
protoent* getprotobyname(const char* name) __asm__("sb_libc_getprotobyname");
protoent* getprotobynumber(int number) __asm__("sb_libc_getprotobynumber");

int inet_aton(const char* text, in_addr* out) __asm__("sb_libc_inet_aton");
in_addr_t inet_addr(const char* text) __asm__("sb_libc_inet_addr");
char* inet_ntoa(in_addr address) __asm__("sb_libc_inet_ntoa");

int gethostname(char* name, size_t length) __asm__("sb_libc_gethostname");
unsigned int if_nametoindex(const char* name) __asm__("sb_libc_if_nametoindex");
char* if_indextoname(unsigned int index, char* name) __asm__("sb_libc_if_indextoname");
struct if_nameindex* if_nameindex() __asm__("sb_libc_if_nameindex");
void if_freenameindex(struct if_nameindex* list) __asm__("sb_libc_if_freenameindex");

void openlog(const char* ident, int option, int facility) __asm__("sb_libc_openlog");
void closelog() __asm__("sb_libc_closelog");
int setlogmask(int mask) __asm__("sb_libc_setlogmask");
void syslog(int priority, const char* format, ...) __asm__("sb_libc_syslog");
// clang-format on
}  // namespace libc

#endif
