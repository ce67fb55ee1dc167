/* getservbyname / getservbyport over /etc/services, or the built-in service table (services.c). */
#include <arpa/inet.h>
#include <netdb.h>
#include <string.h>

#include "services.h"

/* The result lives in static storage until the next call, as POSIX allows. */
static struct servent* fill(const struct sb_service* service, const char* protocol) {
  static struct servent entry;
  static char name[NI_MAXSERV];
  static char protocol_name[32];
  static char* aliases[1];
  if (!service) return NULL;
  /* The built-in table serves TCP and UDP alike. */
  if (!service->protocol && protocol && strcmp(protocol, "tcp") != 0 && strcmp(protocol, "udp") != 0) return NULL;
  strncpy(name, service->name, sizeof name - 1);
  const char* found_protocol = service->protocol ? service->protocol : protocol ? protocol : "tcp";
  strncpy(protocol_name, found_protocol, sizeof protocol_name - 1);
  entry = (struct servent){name, aliases, htons(service->port), protocol_name};
  return &entry;
}

struct servent* getservbyname(const char* name, const char* protocol) {
  return fill(sb_service_by_name(name, protocol), protocol);
}

struct servent* getservbyport(int port, const char* protocol) {
  return fill(sb_service_by_port(ntohs((uint16_t)port), protocol), protocol);
}
