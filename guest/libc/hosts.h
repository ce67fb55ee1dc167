/* Internal to the libc layer: names from the guest's /etc/hosts, looked up
 * before the relay is asked (getaddrinfo, gethostbyname). */
#ifndef SOCKBRIDGE_LIBC_HOSTS_H
#define SOCKBRIDGE_LIBC_HOSTS_H

#include <stddef.h>

#include "posix_sockets.h"

/* Fills up to max slots with the addresses (sockaddr_in or sockaddr_in6,
 * port 0) of every /etc/hosts line naming name, as its canonical name or an
 * alias, compared without case; family AF_INET or AF_INET6 keeps only that
 * family's lines, AF_UNSPEC keeps both. canonical (if not NULL) gets the
 * first matching line's canonical name. Returns the number of addresses:
 * 0 when the name is not there or the guest has no /etc/hosts. */
int sb_hosts_lookup(const char* name, int family, unsigned char (*slots)[SB_SOCKADDR_IN6_SIZE], int max,
                    char* canonical, size_t canonical_size);

#endif
