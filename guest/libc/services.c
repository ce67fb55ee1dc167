/* The service table behind getaddrinfo and getservbyname: /etc/services
 * ("name port/protocol [aliases...]") when the guest has one, else the names
 * Debian's /etc/services gives these ports, the same for TCP and UDP. */
#include "services.h"

#include <stdlib.h>
#include <string.h>

#include "config_file.h"

static const struct builtin {
  const char* name;
  unsigned short port;
} services[] = {
    {"echo", 7},     {"discard", 9},       {"daytime", 13}, {"ftp-data", 20},    {"ftp", 21},    {"ssh", 22},
    {"telnet", 23},  {"smtp", 25},         {"time", 37},    {"whois", 43},       {"domain", 53}, {"gopher", 70},
    {"finger", 79},  {"http", 80},         {"pop3", 110},   {"nntp", 119},       {"ntp", 123},   {"imap2", 143},
    {"imap", 143},   {"ldap", 389},        {"https", 443},  {"submission", 587}, {"imaps", 993}, {"pop3s", 995},
    {"mysql", 3306}, {"postgresql", 5432}, {"ircd", 6667},  {"http-alt", 8080},
};

/* What is searched for in /etc/services, and the entry found there. */
struct search {
  const char* name; /* NULL: search by port */
  unsigned short port;
  const char* protocol;
  struct sb_service found;
};

static char found_name[256];
static char found_protocol[32];

/* "80/tcp" → port and protocol; 0 if malformed. */
static int parse_port(char* text, unsigned short* port, char** protocol) {
  char* slash = strchr(text, '/');
  if (!slash) return 0;
  *slash = '\0';
  char* end;
  const long value = strtol(text, &end, 10);
  if (end == text || *end || value < 0 || value > 65535) return 0;
  *port = (unsigned short)value;
  *protocol = slash + 1;
  return 1;
}

static int names_match(char** words, int count, const char* name) {
  if (strcmp(words[0], name) == 0) return 1;
  for (int i = 2; i < count; ++i)
    if (strcmp(words[i], name) == 0) return 1;
  return 0;
}

static int visit_line(char** words, int count, void* context) {
  struct search* search = context;
  unsigned short port;
  char* protocol;
  if (count < 2 || !parse_port(words[1], &port, &protocol)) return 0;
  if (search->protocol && strcmp(protocol, search->protocol) != 0) return 0;
  if (search->name ? !names_match(words, count, search->name) : port != search->port) return 0;
  strncpy(found_name, words[0], sizeof found_name - 1);
  strncpy(found_protocol, protocol, sizeof found_protocol - 1);
  search->found = (struct sb_service){found_name, port, found_protocol};
  return 1;
}

/* 1: the file answered (found or not, in *result); 0: the guest has no /etc/services. */
static int search_file(struct search* search, const struct sb_service** result) {
  const int outcome = sb_each_config_line("/etc/services", visit_line, search);
  if (outcome < 0) return 0;
  *result = outcome > 0 ? &search->found : NULL;
  return 1;
}

/* The result of the last call: a file's entry or a built-in one. */
static struct search search;

/* Searches /etc/services, or else the built-in table. */
static const struct sb_service* find(const char* name, unsigned short port, const char* protocol) {
  const struct sb_service* result;
  search = (struct search){name, port, protocol, {0}};
  if (search_file(&search, &result)) return result;
  for (size_t i = 0; i < sizeof services / sizeof services[0]; ++i) {
    if (name ? strcmp(services[i].name, name) != 0 : services[i].port != port) continue;
    search.found = (struct sb_service){services[i].name, services[i].port, NULL};
    return &search.found;
  }
  return NULL;
}

const struct sb_service* sb_service_by_name(const char* name, const char* protocol) { return find(name, 0, protocol); }

const struct sb_service* sb_service_by_port(unsigned short port, const char* protocol) {
  return find(NULL, port, protocol);
}
