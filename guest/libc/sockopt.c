#include <sys/socket.h>

#include "sb_result.h"

int setsockopt(int fd, int level, int name, const void* value, socklen_t length) {
  return sb_result(wasm_sock_setsockopt(fd, level, name, value, length));
}

int getsockopt(int fd, int level, int name, void* __restrict value, socklen_t* __restrict length) {
  return sb_result(wasm_sock_getsockopt(fd, level, name, value, length));
}
