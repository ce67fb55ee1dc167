#include <errno.h>
#include <poll.h>

#include "alarm.h"
#include "poll_events.h"
#include "sb_result.h"

/* The import with the table's events in its own bits, and the caller's back
 * after it. A table over the host's limit goes as it is, for its EINVAL. */
static int poll_import(struct pollfd fds[], nfds_t count, int timeout_ms) {
  if (!fds || count > SB_POLL_MAX_FDS) return sb_result(wasm_sock_poll(fds, (uint32_t)count, timeout_ms));
  short requested[SB_POLL_MAX_FDS];
  for (nfds_t i = 0; i < count; ++i) {
    requested[i] = fds[i].events;
    fds[i].events = sb_poll_events_to_import(fds[i].events);
  }
  const int ready = sb_result(wasm_sock_poll(fds, (uint32_t)count, timeout_ms));
  for (nfds_t i = 0; i < count; ++i) {
    fds[i].events = requested[i];
    fds[i].revents = ready < 0 ? 0 : sb_poll_events_from_import(fds[i].revents, requested[i]);
  }
  return ready;
}

/* Sockets and stdio together, with the host's readiness (wasi-libc's poll knows no sockets).
 * A pending alarm() cuts the wait short: when it is due first, SIGALRM is
 * raised and poll() fails with EINTR, as an interrupted poll() does. */
int poll(struct pollfd fds[], nfds_t count, int timeout_ms) {
  const int alarm_ms = sb_alarm_due_in_ms();
  if (alarm_ms < 0 || (timeout_ms >= 0 && timeout_ms < alarm_ms)) return poll_import(fds, count, timeout_ms);
  const int ready = poll_import(fds, count, alarm_ms);
  if (ready != 0) return ready;
  sb_alarm_ring();
  errno = EINTR;
  return -1;
}
