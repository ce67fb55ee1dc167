#include <errno.h>
#include <poll.h>

#include "alarm.h"
#include "sb_result.h"

/* Sockets and stdio together, with the host's readiness (wasi-libc's poll knows no sockets).
 * A pending alarm() cuts the wait short: when it is due first, SIGALRM is
 * raised and poll() fails with EINTR, as an interrupted poll() does. */
int poll(struct pollfd fds[], nfds_t count, int timeout_ms) {
  const int alarm_ms = sb_alarm_due_in_ms();
  if (alarm_ms < 0 || (timeout_ms >= 0 && timeout_ms < alarm_ms))
    return sb_result(wasm_sock_poll(fds, (uint32_t)count, timeout_ms));
  const int ready = sb_result(wasm_sock_poll(fds, (uint32_t)count, alarm_ms));
  if (ready != 0) return ready;
  sb_alarm_ring();
  errno = EINTR;
  return -1;
}
