/* Internal to the libc layer: TCP/UDP service names and ports, from the
 * guest's /etc/services when the embedder supplies one, else from a built-in
 * table of the common ones. */
#ifndef SOCKBRIDGE_LIBC_SERVICES_H
#define SOCKBRIDGE_LIBC_SERVICES_H

struct sb_service {
  const char* name;     /* official name */
  unsigned short port;  /* host byte order */
  const char* protocol; /* "tcp", "udp", …; NULL for a built-in entry (it serves both) */
};

/* The service named name (its official name or an alias) for protocol (NULL:
 * any), or NULL. With /etc/services present only that file is searched, as on
 * a real system. The result stays valid until the next call. */
const struct sb_service* sb_service_by_name(const char* name, const char* protocol);

/* The service on port (host byte order) for protocol (NULL: any), or NULL. */
const struct sb_service* sb_service_by_port(unsigned short port, const char* protocol);

#endif
