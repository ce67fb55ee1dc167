#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>

/* Every NI_* flag <netdb.h> defines; any other bit is EAI_BADFLAGS. */
static const int known_flags = NI_NUMERICHOST | NI_NUMERICSERV | NI_NOFQDN | NI_NAMEREQD | NI_DGRAM;

/* Numeric only: the relay does no reverse lookups, so NI_NAMEREQD cannot be met. */
int getnameinfo(const struct sockaddr* __restrict address, socklen_t length, char* __restrict host,
                socklen_t host_length, char* __restrict service, socklen_t service_length, int flags) {
  if (flags & ~known_flags) return EAI_BADFLAGS;
  if (!(host && host_length > 0) && !(service && service_length > 0)) return EAI_NONAME;
  if (!address) return EAI_FAMILY;
  if (flags & NI_NAMEREQD) return EAI_NONAME;
  const struct sockaddr_in* v4 = (const struct sockaddr_in*)address;
  const struct sockaddr_in6* v6 = (const struct sockaddr_in6*)address;
  unsigned short port;
  const void* ip;
  if (address->sa_family == AF_INET && length >= sizeof *v4) {
    port = ntohs(v4->sin_port);
    ip = &v4->sin_addr;
  } else if (address->sa_family == AF_INET6 && length >= sizeof *v6) {
    port = ntohs(v6->sin6_port);
    ip = &v6->sin6_addr;
  } else {
    return EAI_FAMILY;
  }
  if (host && host_length > 0 && !inet_ntop(address->sa_family, ip, host, host_length)) return EAI_OVERFLOW;
  if (service && service_length > 0 && snprintf(service, service_length, "%u", port) >= (int)service_length)
    return EAI_OVERFLOW;
  return 0;
}
