/*
 * netinet/in.h for sockbridge guests: wasi-libc's header plus the option
 * levels Linux code passes to setsockopt() by their <sys/socket.h> names.
 * Options at these levels are answered by the host: those it cannot honour
 * fail with ENOPROTOOPT, never with a silent success.
 */
#ifndef SOCKBRIDGE_NETINET_IN_H
#define SOCKBRIDGE_NETINET_IN_H

#include_next <netinet/in.h>

#ifndef SOL_IP
#define SOL_IP 0
#define SOL_IPV6 41
#define SOL_ICMPV6 58
#endif
#ifndef SOL_TCP
#define SOL_TCP 6
#define SOL_UDP 17
#endif

#endif
