#include <poll.h>

#include "sb_result.h"

/* Sockets and stdio together, with the host's readiness (wasi-libc's poll knows no sockets). */
int poll(struct pollfd fds[], nfds_t count, int timeout_ms) {
  return sb_result(wasm_sock_poll(fds, (uint32_t)count, timeout_ms));
}
