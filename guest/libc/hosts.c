/* /etc/hosts: "address canonical-name [aliases...]", one mapping per line. */
#include "hosts.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "config_file.h"

struct search {
  const char* name;
  int family;
  unsigned char (*slots)[SB_SOCKADDR_IN6_SIZE];
  int max;
  int found;
  char* canonical;
  size_t canonical_size;
};

static int names_match(char** words, int count, const char* name) {
  for (int i = 1; i < count; ++i)
    if (strcasecmp(words[i], name) == 0) return 1;
  return 0;
}

/* Writes the address text as a sockaddr into the next slot; 0 if it is not an address of a wanted family. */
static int store_address(struct search* search, const char* text) {
  unsigned char* slot = search->slots[search->found];
  memset(slot, 0, SB_SOCKADDR_IN6_SIZE);
  struct sockaddr_in v4 = {.sin_family = AF_INET};
  struct sockaddr_in6 v6 = {.sin6_family = AF_INET6};
  if (search->family != AF_INET6 && inet_pton(AF_INET, text, &v4.sin_addr) == 1) {
    memcpy(slot, &v4, sizeof v4);
    return 1;
  }
  if (search->family != AF_INET && inet_pton(AF_INET6, text, &v6.sin6_addr) == 1) {
    memcpy(slot, &v6, sizeof v6);
    return 1;
  }
  return 0;
}

static int visit_line(char** words, int count, void* context) {
  struct search* search = context;
  if (count < 2 || !names_match(words, count, search->name)) return 0;
  if (!store_address(search, words[0])) return 0;
  if (search->found == 0 && search->canonical && search->canonical_size > 0) {
    strncpy(search->canonical, words[1], search->canonical_size - 1);
    search->canonical[search->canonical_size - 1] = '\0';
  }
  return ++search->found == search->max;
}

int sb_hosts_lookup(const char* name, int family, unsigned char (*slots)[SB_SOCKADDR_IN6_SIZE], int max,
                    char* canonical, size_t canonical_size) {
  if (!name || !*name || max <= 0) return 0;
  struct search search = {name, family, slots, max, 0, canonical, canonical_size};
  sb_each_config_line("/etc/hosts", visit_line, &search);
  return search.found;
}
