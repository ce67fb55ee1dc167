#include <sys/socket.h>

#include "sb_result.h"

/* how is in Unix numbering (see include/sys/socket.h); the import takes WASI's. */
int shutdown(int fd, int how) {
  switch (how) {
    case SHUT_RD:
      return sb_result(wasm_sock_shutdown(fd, SB_SHUT_RD));
    case SHUT_WR:
      return sb_result(wasm_sock_shutdown(fd, SB_SHUT_WR));
    case SHUT_RDWR:
      return sb_result(wasm_sock_shutdown(fd, SB_SHUT_RDWR));
    default:
      errno = EINVAL;
      return -1;
  }
}
