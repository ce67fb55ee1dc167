/* sb_alarm_wait, sb_alarm_interrupt: alarm() for the calls that wait in one
 * import (alarm_wait.h). The import itself cannot be cut short, so while an
 * alarm is pending these calls first wait for their socket in the poll import,
 * which takes a timeout; with no alarm they are the same single import as
 * before. A socket's own SO_RCVTIMEO is not combined with the alarm: with
 * both, the socket waits for the alarm before its timeout starts. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>

#include "alarm.h"
#include "alarm_wait.h"
#include "poll_events.h"
#include "sb_result.h"

enum sb_alarm_wait_result sb_alarm_wait(int fd, short events) {
  if (sb_alarm_due_in_ms() < 0) return sb_alarm_none;
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || (flags & O_NONBLOCK)) return sb_alarm_none;
  return sb_alarm_wait_until_due(fd, events);
}

enum sb_alarm_wait_result sb_alarm_wait_until_due(int fd, short events) {
  /* poll can wake a millisecond early (it rounds); the alarm is due only at 0. */
  for (int due_in_ms; (due_in_ms = sb_alarm_due_in_ms()) > 0;) {
    struct pollfd watched = {.fd = fd, .events = sb_poll_events_to_import(events)};
    if (wasm_sock_poll(&watched, 1, due_in_ms) != 0) return sb_alarm_ready;
  }
  return sb_alarm_is_due;
}

int sb_alarm_interrupt(void) {
  sb_alarm_ring();
  errno = EINTR;
  return -1;
}
