/* getaddrinfo / freeaddrinfo: the guest's /etc/hosts first (if the embedder
 * supplied one), then the relay's resolver (wasm_sock_getaddrinfo). */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "hosts.h"
#include "posix_sockets.h"
#include "services.h"

enum { max_results = 16 };

/* Every AI_* flag <netdb.h> defines; any other bit is EAI_BADFLAGS. */
static const int known_flags =
    AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_V4MAPPED | AI_ALL | AI_ADDRCONFIG | AI_NUMERICSERV;

/* One allocation per result: the addrinfo and its sockaddr together. */
struct result {
  struct addrinfo info;
  struct sockaddr_in6 address;
};

/* The port of service in host order; -1 if unknown. */
static int service_port(const char* service, int numeric_only, int socktype) {
  if (!service || !*service) return 0;
  char* end;
  long port = strtol(service, &end, 10);
  if (*end == '\0') return port >= 0 && port <= 65535 ? (int)port : -1;
  if (numeric_only) return -1;
  const char* protocol = socktype == SOCK_STREAM ? "tcp" : socktype == SOCK_DGRAM ? "udp" : NULL;
  const struct sb_service* known = sb_service_by_name(service, protocol);
  return known ? known->port : -1;
}

static int eai_from_errno(int32_t result) {
  switch (-result) {
    case SB_ENOENT:
      return EAI_NONAME;
    case SB_EAGAIN:
      return EAI_AGAIN;
    case SB_EAFNOSUPPORT:
      return EAI_FAMILY;
    case SB_EPERM:
      return EAI_FAIL; /* the relay's policy: asking again will not help */
    default:
      return EAI_FAIL;
  }
}

/* Fills slots with the addresses of node (or the wildcard/loopback address if node is NULL). */
static int32_t lookup(const char* node, int family, int flags, unsigned char (*slots)[SB_SOCKADDR_IN6_SIZE]) {
  if (node) {
    struct in6_addr probe;
    const int numeric = inet_pton(AF_INET, node, &probe) == 1 || inet_pton(AF_INET6, node, &probe) == 1;
    if ((flags & AI_NUMERICHOST) && !numeric) return -SB_ENOENT;
    if (!numeric) {
      const int listed = sb_hosts_lookup(node, family, slots, max_results, NULL, 0);
      if (listed > 0) return listed;
    }
    return wasm_sock_getaddrinfo(node, (uint32_t)strlen(node), family, slots, max_results);
  }
  const int v6 = family == AF_INET6;
  const char* wildcard = (flags & AI_PASSIVE) ? (v6 ? "::" : "0.0.0.0") : (v6 ? "::1" : "127.0.0.1");
  return wasm_sock_getaddrinfo(wildcard, (uint32_t)strlen(wildcard), v6 ? AF_INET6 : AF_INET, slots, 1);
}

int getaddrinfo(const char* __restrict node, const char* __restrict service, const struct addrinfo* __restrict hints,
                struct addrinfo** __restrict out) {
  const int family = hints ? hints->ai_family : AF_UNSPEC;
  const int flags = hints ? hints->ai_flags : 0;
  const int socktype = hints ? hints->ai_socktype : 0;
  if (!node && !service) return EAI_NONAME;
  if ((flags & ~known_flags) || ((flags & AI_CANONNAME) && !node)) return EAI_BADFLAGS;
  if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6) return EAI_FAMILY;
  if (socktype != 0 && socktype != SOCK_STREAM && socktype != SOCK_DGRAM) return EAI_SOCKTYPE;
  const int port = service_port(service, flags & AI_NUMERICSERV, socktype);
  if (port < 0) return (flags & AI_NUMERICSERV) ? EAI_NONAME : EAI_SERVICE;

  unsigned char slots[max_results][SB_SOCKADDR_IN6_SIZE];
  int32_t count = lookup(node, family, flags, slots);
  if (count < 0) return eai_from_errno(count);
  if (count == 0) return EAI_NONAME;

  struct addrinfo *head = NULL, **tail = &head;
  for (int32_t i = 0; i < count; ++i) {
    struct result* r = calloc(1, sizeof *r);
    if (!r) {
      freeaddrinfo(head);
      return EAI_MEMORY;
    }
    memcpy(&r->address, slots[i], sizeof r->address);
    r->address.sin6_port = htons((uint16_t)port); /* same offset in sockaddr_in */
    const int v6 = r->address.sin6_family == AF_INET6;
    r->info.ai_family = v6 ? AF_INET6 : AF_INET;
    r->info.ai_socktype = socktype ? socktype : SOCK_STREAM;
    r->info.ai_protocol = r->info.ai_socktype == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
    r->info.ai_addrlen = v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    r->info.ai_addr = (struct sockaddr*)&r->address;
    if (i == 0 && (flags & AI_CANONNAME) && node) r->info.ai_canonname = strdup(node);
    *tail = &r->info;
    tail = &r->info.ai_next;
  }
  *out = head;
  return 0;
}

void freeaddrinfo(struct addrinfo* list) {
  while (list) {
    struct addrinfo* next = list->ai_next;
    free(list->ai_canonname);
    free(list); /* the addrinfo is the first member of its struct result */
    list = next;
  }
}
