/*
 * net/if.h for sockbridge guests (wasi-libc has none). A guest sees no
 * network interfaces of its own (its sockets live on the relay's host), so
 * if_nametoindex() answers 0 with ENXIO for every name, if_indextoname()
 * NULL with ENXIO, and if_nameindex() an empty list. Code that only uses
 * interface names for IPv6 scope ids or to print them keeps working.
 * Implemented in guest/libc/if_nameindex.c.
 */
#ifndef SOCKBRIDGE_NET_IF_H
#define SOCKBRIDGE_NET_IF_H

#ifdef __cplusplus
extern "C" {
#endif

#define IF_NAMESIZE 16
#define IFNAMSIZ IF_NAMESIZE

struct if_nameindex {
  unsigned int if_index;
  char *if_name;
};

unsigned int if_nametoindex(const char *name);
char *if_indextoname(unsigned int index, char *name);
struct if_nameindex *if_nameindex(void);
void if_freenameindex(struct if_nameindex *list);

#ifdef __cplusplus
}
#endif

#endif
