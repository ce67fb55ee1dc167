/* getprotobyname / getprotobynumber over a built-in table (a guest has no /etc/protocols). */
#include <netdb.h>
#include <string.h>

static const struct {
  const char* name;
  const char* alias;
  int number;
} protocols[] = {{"ip", "IP", 0}, {"icmp", "ICMP", 1}, {"tcp", "TCP", 6}, {"udp", "UDP", 17}, {"ipv6", "IPv6", 41}};

/* The result lives in static storage until the next call, as POSIX allows. */
static struct protoent* fill(size_t index) {
  static struct protoent entry;
  static char name[8];
  static char alias[8];
  static char* aliases[2] = {alias, NULL};
  strcpy(name, protocols[index].name);
  strcpy(alias, protocols[index].alias);
  entry = (struct protoent){name, aliases, protocols[index].number};
  return &entry;
}

struct protoent* getprotobyname(const char* name) {
  for (size_t i = 0; i < sizeof protocols / sizeof protocols[0]; ++i)
    if (strcmp(protocols[i].name, name) == 0 || strcmp(protocols[i].alias, name) == 0) return fill(i);
  return NULL;
}

struct protoent* getprotobynumber(int number) {
  for (size_t i = 0; i < sizeof protocols / sizeof protocols[0]; ++i)
    if (protocols[i].number == number) return fill(i);
  return NULL;
}
