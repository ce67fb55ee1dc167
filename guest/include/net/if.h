/*
 * net/if.h for sockbridge guests (wasi-libc has none). A guest sees no
 * network interfaces of its own (its sockets live on the relay's host), so
 * if_nametoindex() answers 0 with ENXIO for every name, if_indextoname()
 * NULL with ENXIO, and if_nameindex() an empty list. Code that only uses
 * interface names for IPv6 scope ids or to print them keeps working.
 * Implemented in guest/libc/if_nameindex.c. struct ifreq and struct ifconf
 * (Linux's layout) are here for code that asks about an interface with
 * ioctl(SIOCGIF…) (<sys/ioctl.h>): it compiles, and the ioctl fails.
 */
#ifndef SOCKBRIDGE_NET_IF_H
#define SOCKBRIDGE_NET_IF_H

#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IF_NAMESIZE 16
#define IFNAMSIZ IF_NAMESIZE

#define IFF_UP 0x1
#define IFF_BROADCAST 0x2
#define IFF_LOOPBACK 0x8
#define IFF_POINTOPOINT 0x10
#define IFF_RUNNING 0x40
#define IFF_MULTICAST 0x1000

struct ifreq {
  char ifr_name[IFNAMSIZ];
  union {
    struct sockaddr ifru_addr;
    struct sockaddr ifru_dstaddr;
    struct sockaddr ifru_broadaddr;
    struct sockaddr ifru_netmask;
    struct sockaddr ifru_hwaddr;
    short ifru_flags;
    int ifru_ivalue;
    int ifru_mtu;
    char ifru_slave[IFNAMSIZ];
    char ifru_newname[IFNAMSIZ];
    char* ifru_data;
  } ifr_ifru;
};
#define ifr_addr ifr_ifru.ifru_addr
#define ifr_dstaddr ifr_ifru.ifru_dstaddr
#define ifr_broadaddr ifr_ifru.ifru_broadaddr
#define ifr_netmask ifr_ifru.ifru_netmask
#define ifr_hwaddr ifr_ifru.ifru_hwaddr
#define ifr_flags ifr_ifru.ifru_flags
#define ifr_ifindex ifr_ifru.ifru_ivalue
#define ifr_metric ifr_ifru.ifru_ivalue
#define ifr_mtu ifr_ifru.ifru_mtu
#define ifr_slave ifr_ifru.ifru_slave
#define ifr_newname ifr_ifru.ifru_newname
#define ifr_data ifr_ifru.ifru_data

struct ifconf {
  int ifc_len;
  union {
    char* ifcu_buf;
    struct ifreq* ifcu_req;
  } ifc_ifcu;
};
#define ifc_buf ifc_ifcu.ifcu_buf
#define ifc_req ifc_ifcu.ifcu_req

struct if_nameindex {
  unsigned int if_index;
  char* if_name;
};

unsigned int if_nametoindex(const char* name);
char* if_indextoname(unsigned int index, char* name);
struct if_nameindex* if_nameindex(void);
void if_freenameindex(struct if_nameindex* list);

#ifdef __cplusplus
}
#endif

#endif
