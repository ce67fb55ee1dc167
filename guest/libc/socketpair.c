/* socketpair: two connected AF_UNIX stream sockets kept by the host; the host
 * answers the other families and types with their POSIX errno. */
#include <sys/socket.h>

#include "sb_result.h"

int socketpair(int domain, int type, int protocol, int fds[2]) {
  return sb_result(wasm_sock_socketpair(domain, type, protocol, fds));
}
