#include <sys/socket.h>

#include "sb_result.h"

int getsockname(int fd, struct sockaddr* __restrict address, socklen_t* __restrict length) {
  return sb_result(wasm_sock_getsockname(fd, address, length));
}

int getpeername(int fd, struct sockaddr* __restrict address, socklen_t* __restrict length) {
  return sb_result(wasm_sock_getpeername(fd, address, length));
}
