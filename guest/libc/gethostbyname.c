/* gethostbyname: the guest's /etc/hosts first (if the embedder supplied one), then the relay. */
#include <netdb.h>
#include <string.h>

#include "hosts.h"
#include "posix_sockets.h"

int h_errno;

enum { max_addresses = 8 };

/* IPv4 only, like the original; the result lives in static storage until the next call. */
struct hostent* gethostbyname(const char* name) {
  static struct hostent entry;
  static char canonical[NI_MAXHOST + 1];
  static struct in_addr addresses[max_addresses];
  static char* address_list[max_addresses + 1];
  static char* aliases[1];
  unsigned char slots[max_addresses][SB_SOCKADDR_IN6_SIZE];

  strncpy(canonical, name, NI_MAXHOST);
  int32_t count = sb_hosts_lookup(name, SB_AF_INET, slots, max_addresses, canonical, sizeof canonical);
  if (count == 0) count = wasm_sock_getaddrinfo(name, (uint32_t)strlen(name), SB_AF_INET, slots, max_addresses);
  if (count <= 0) {
    h_errno = count == -SB_EAGAIN ? TRY_AGAIN : HOST_NOT_FOUND;
    return NULL;
  }
  for (int32_t i = 0; i < count; ++i) {
    memcpy(&addresses[i], &((struct sockaddr_in*)slots[i])->sin_addr, sizeof addresses[i]);
    address_list[i] = (char*)&addresses[i];
  }
  address_list[count] = NULL;
  entry = (struct hostent){canonical, aliases, AF_INET, sizeof(struct in_addr), address_list};
  return &entry;
}

const char* hstrerror(int code) {
  switch (code) {
    case HOST_NOT_FOUND:
      return "Unknown host";
    case TRY_AGAIN:
      return "Host name lookup failure, try again";
    case NO_RECOVERY:
      return "Unknown server error";
    case NO_DATA:
      return "No address associated with name";
    default:
      return "Unknown error";
  }
}
