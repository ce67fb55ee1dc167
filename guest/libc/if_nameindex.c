/* Interface names: a guest has no interfaces of its own (see <net/if.h>). */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>

unsigned int if_nametoindex(const char* name) {
  (void)name;
  errno = ENXIO;
  return 0;
}

char* if_indextoname(unsigned int index, char* name) {
  (void)index;
  (void)name;
  errno = ENXIO;
  return NULL;
}

struct if_nameindex* if_nameindex(void) {
  /* An empty list: one terminating entry. */
  return calloc(1, sizeof(struct if_nameindex));
}

void if_freenameindex(struct if_nameindex* list) { free(list); }
