/*
 * Force-included (-include) into every guest/libc file of the native build.
 * The libc layer defines POSIX names (socket, poll, getaddrinfo, syslog…);
 * compiled natively they would interpose glibc's and the sanitizers' own
 * definitions for the whole test process. Each gets an sb_libc_ prefix here,
 * declarations in glibc's headers included, and libc_under_test.hpp names
 * them back as libc::socket, libc::poll… for the tests.
 * A new public function in guest/libc needs a line here (nm on the library
 * shows any name left without the prefix).
 */
#define accept sb_libc_accept
#define accept4 sb_libc_accept4
#define bind sb_libc_bind
#define closelog sb_libc_closelog
#define connect sb_libc_connect
#define dup sb_libc_dup
#define dup2 sb_libc_dup2
#define dup3 sb_libc_dup3
#define freeaddrinfo sb_libc_freeaddrinfo
#define gai_strerror sb_libc_gai_strerror
#define getaddrinfo sb_libc_getaddrinfo
#define gethostbyname sb_libc_gethostbyname
#define gethostname sb_libc_gethostname
#define getnameinfo sb_libc_getnameinfo
#define getpeername sb_libc_getpeername
#define getprotobyname sb_libc_getprotobyname
#define getprotobynumber sb_libc_getprotobynumber
#define getservbyname sb_libc_getservbyname
#define getservbyport sb_libc_getservbyport
#define getsockname sb_libc_getsockname
#define getsockopt sb_libc_getsockopt
#define h_errno sb_libc_h_errno
#define hstrerror sb_libc_hstrerror
#define if_freenameindex sb_libc_if_freenameindex
#define if_indextoname sb_libc_if_indextoname
#define if_nameindex sb_libc_if_nameindex
#define if_nametoindex sb_libc_if_nametoindex
#define inet_addr sb_libc_inet_addr
#define inet_aton sb_libc_inet_aton
#define inet_ntoa sb_libc_inet_ntoa
#define listen sb_libc_listen
#define openlog sb_libc_openlog
#define pipe sb_libc_pipe
#define pipe2 sb_libc_pipe2
#define poll sb_libc_poll
#define recv sb_libc_recv
#define recvfrom sb_libc_recvfrom
#define recvmsg sb_libc_recvmsg
#define select sb_libc_select
#define send sb_libc_send
#define sendmsg sb_libc_sendmsg
#define sendto sb_libc_sendto
#define setlogmask sb_libc_setlogmask
#define setsockopt sb_libc_setsockopt
#define shutdown sb_libc_shutdown
#define socket sb_libc_socket
#define socketpair sb_libc_socketpair
#define syslog sb_libc_syslog
#define vsyslog sb_libc_vsyslog
