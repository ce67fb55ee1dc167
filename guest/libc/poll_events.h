/* Internal to the libc layer: <poll.h>'s event bits (Linux's) to and from the
 * poll import's (SB_POLL*, wasi-libc's), for every pollfd the layer hands to
 * wasm_sock_poll. */
#ifndef SOCKBRIDGE_LIBC_POLL_EVENTS_H
#define SOCKBRIDGE_LIBC_POLL_EVENTS_H

#include <poll.h>

#include "posix_sockets.h"

/* What the host is asked for: reading (POLLIN, POLLRDNORM) and writing
 * (POLLOUT, POLLWRNORM); errors and hang-ups are reported unasked. */
static inline short sb_poll_events_to_import(short events) {
  short asked = 0;
  if (events & (POLLIN | POLLRDNORM)) asked |= SB_POLLIN;
  if (events & (POLLOUT | POLLWRNORM)) asked |= SB_POLLOUT;
  return asked;
}

/* The host's revents in <poll.h>'s bits; a readable or writable fd reports
 * the names it was asked by (POLLIN, POLLRDNORM or both), as Linux does. */
static inline short sb_poll_events_from_import(short revents, short requested) {
  short got = 0;
  if (revents & SB_POLLIN) got |= requested & (POLLIN | POLLRDNORM);
  if (revents & SB_POLLOUT) got |= requested & (POLLOUT | POLLWRNORM);
  if (revents & SB_POLLERR) got |= POLLERR;
  if (revents & SB_POLLHUP) got |= POLLHUP;
  if (revents & SB_POLLNVAL) got |= POLLNVAL;
  return got;
}

#endif
