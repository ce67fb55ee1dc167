/* getservbyname / getservbyport over the built-in service table (no /etc/services in a guest). */
#include <arpa/inet.h>
#include <netdb.h>
#include <string.h>

#include "services.h"

/* The result lives in static storage until the next call, as POSIX allows. */
static struct servent* fill(const struct sb_service* service, const char* protocol) {
  static struct servent entry;
  static char name[NI_MAXSERV];
  static char protocol_name[4];
  static char* aliases[1];
  if (!service) return NULL;
  if (protocol && strcmp(protocol, "tcp") != 0 && strcmp(protocol, "udp") != 0) return NULL;
  strncpy(name, service->name, sizeof name - 1);
  strcpy(protocol_name, protocol ? protocol : "tcp");
  entry = (struct servent){name, aliases, htons(service->port), protocol_name};
  return &entry;
}

struct servent* getservbyname(const char* name, const char* protocol) {
  return fill(sb_service_by_name(name), protocol);
}

struct servent* getservbyport(int port, const char* protocol) {
  return fill(sb_service_by_port(ntohs((uint16_t)port)), protocol);
}
