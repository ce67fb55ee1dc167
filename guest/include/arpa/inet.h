/*
 * arpa/inet.h for sockbridge guests: wasi-libc's header, plus the IPv4 text
 * helpers it leaves out (implemented in guest/libc/inet_addr.c).
 */
#ifndef SOCKBRIDGE_ARPA_INET_H
#define SOCKBRIDGE_ARPA_INET_H

#include_next <arpa/inet.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The address in network byte order, or INADDR_NONE (-1) if text is not an IPv4 address. */
in_addr_t inet_addr(const char* text);

/* Dotted-quad text in static storage, overwritten by the next call. */
char* inet_ntoa(struct in_addr address);

#ifdef __cplusplus
}
#endif

#endif
