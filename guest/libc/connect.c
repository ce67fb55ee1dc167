#include <sys/socket.h>

#include "sb_result.h"

int connect(int fd, const struct sockaddr *address, socklen_t length) {
  return sb_result(wasm_sock_connect(fd, address, length));
}
