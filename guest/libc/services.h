/* Internal to the libc layer: the well-known TCP/UDP service names (a subset
 * of /etc/services, which a guest does not have). */
#ifndef SOCKBRIDGE_LIBC_SERVICES_H
#define SOCKBRIDGE_LIBC_SERVICES_H

struct sb_service {
  const char* name;
  unsigned short port; /* host byte order */
};

/* The entry named name, or NULL. */
const struct sb_service* sb_service_by_name(const char* name);

/* The entry for port (host byte order), or NULL. */
const struct sb_service* sb_service_by_port(unsigned short port);

#endif
