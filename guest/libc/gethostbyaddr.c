#include <netdb.h>

/* No name for any address: the relay does no reverse lookups (include/netdb.h). */
struct hostent* gethostbyaddr(const void* address, socklen_t length, int family) {
  (void)address;
  (void)length;
  (void)family;
  h_errno = HOST_NOT_FOUND;
  return NULL;
}
