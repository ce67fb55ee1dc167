/*
 * netdb.h for sockbridge guests (wasi-libc has none): name resolution through
 * the relay. Values follow musl, so code written for Linux behaves the same.
 */
#ifndef SOCKBRIDGE_NETDB_H
#define SOCKBRIDGE_NETDB_H

#include <netinet/in.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

struct addrinfo {
  int ai_flags;
  int ai_family;
  int ai_socktype;
  int ai_protocol;
  socklen_t ai_addrlen;
  struct sockaddr* ai_addr;
  char* ai_canonname;
  struct addrinfo* ai_next;
};

#define AI_PASSIVE 0x01
#define AI_CANONNAME 0x02
#define AI_NUMERICHOST 0x04
#define AI_V4MAPPED 0x08
#define AI_ALL 0x10
#define AI_ADDRCONFIG 0x20
#define AI_NUMERICSERV 0x400

#define NI_NUMERICHOST 0x01
#define NI_NUMERICSERV 0x02
#define NI_NOFQDN 0x04
#define NI_NAMEREQD 0x08
#define NI_DGRAM 0x10
#define NI_MAXHOST 255
#define NI_MAXSERV 32

#define EAI_BADFLAGS -1
#define EAI_NONAME -2
#define EAI_AGAIN -3
#define EAI_FAIL -4
#define EAI_NODATA -5
#define EAI_FAMILY -6
#define EAI_SOCKTYPE -7
#define EAI_SERVICE -8
#define EAI_MEMORY -10
#define EAI_SYSTEM -11
#define EAI_OVERFLOW -12

/* Resolves node (a name, looked up by the relay under its policy, or an IP
 * literal) and service (a port number or a few well-known names). The list
 * is allocated; release it with freeaddrinfo. Returns 0 or an EAI_* code. */
int getaddrinfo(const char* __restrict node, const char* __restrict service, const struct addrinfo* __restrict hints,
                struct addrinfo** __restrict result);
void freeaddrinfo(struct addrinfo* list);
const char* gai_strerror(int code);

/* Numeric only: host is always the address text, service the port number. */
int getnameinfo(const struct sockaddr* __restrict address, socklen_t length, char* __restrict host,
                socklen_t host_length, char* __restrict service, socklen_t service_length, int flags);

struct hostent {
  char* h_name;
  char** h_aliases;
  int h_addrtype;
  int h_length;
  char** h_addr_list;
};
#define h_addr h_addr_list[0]

#define HOST_NOT_FOUND 1
#define TRY_AGAIN 2
#define NO_RECOVERY 3
#define NO_DATA 4
extern int h_errno;

/* For old code: IPv4 only, one static result per call (not thread-safe, as POSIX allows). */
struct hostent* gethostbyname(const char* name);
/* Always NULL with h_errno HOST_NOT_FOUND: the relay does no reverse lookups
 * (callers fall back to the numeric address, as for an address without a name). */
struct hostent* gethostbyaddr(const void* address, socklen_t length, int family);
const char* hstrerror(int code);

struct servent {
  char* s_name;
  char** s_aliases;
  int s_port; /* network byte order */
  char* s_proto;
};

/* Well-known services from a built-in table (a guest has no /etc/services);
 * protocol "tcp", "udp" or NULL. One static result per call. */
struct servent* getservbyname(const char* name, const char* protocol);
struct servent* getservbyport(int port, const char* protocol);

struct protoent {
  char* p_name;
  char** p_aliases;
  int p_proto;
};

/* ip, icmp, tcp, udp and ipv6 from a built-in table. One static result per call. */
struct protoent* getprotobyname(const char* name);
struct protoent* getprotobynumber(int number);

#ifdef __cplusplus
}
#endif

#endif
