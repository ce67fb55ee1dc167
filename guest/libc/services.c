/* The service table behind getaddrinfo and getservbyname: the names Debian's
 * /etc/services gives these ports, the same for TCP and UDP. */
#include "services.h"

#include <string.h>

static const struct sb_service services[] = {
    {"echo", 7},     {"discard", 9},       {"daytime", 13}, {"ftp-data", 20},    {"ftp", 21},    {"ssh", 22},
    {"telnet", 23},  {"smtp", 25},         {"time", 37},    {"whois", 43},       {"domain", 53}, {"gopher", 70},
    {"finger", 79},  {"http", 80},         {"pop3", 110},   {"nntp", 119},       {"ntp", 123},   {"imap2", 143},
    {"imap", 143},   {"ldap", 389},        {"https", 443},  {"submission", 587}, {"imaps", 993}, {"pop3s", 995},
    {"mysql", 3306}, {"postgresql", 5432}, {"ircd", 6667},  {"http-alt", 8080},
};

const struct sb_service* sb_service_by_name(const char* name) {
  for (size_t i = 0; i < sizeof services / sizeof services[0]; ++i)
    if (strcmp(services[i].name, name) == 0) return &services[i];
  return NULL;
}

const struct sb_service* sb_service_by_port(unsigned short port) {
  for (size_t i = 0; i < sizeof services / sizeof services[0]; ++i)
    if (services[i].port == port) return &services[i];
  return NULL;
}
