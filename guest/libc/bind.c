#include <sys/socket.h>

#include "sb_result.h"

int bind(int fd, const struct sockaddr* address, socklen_t length) {
  return sb_result(wasm_sock_bind(fd, address, length));
}
