#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>

#include "alarm.h"
#include "alarm_wait.h"
#include "sb_result.h"

/* The connect import waits for the outcome and cannot be cut short, so with an
 * alarm() pending a blocking socket connects without blocking and waits for the
 * outcome, or the alarm, in poll (as Linux does, an interrupted connect goes on
 * and fails with EINTR). The socket blocks again before the SIGALRM handler runs. */
static int connect_until_alarm(int fd, const struct sockaddr* address, socklen_t length, int flags) {
  if (fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) return -1;
  const int32_t started = wasm_sock_connect(fd, address, length);
  const enum sb_alarm_wait_result waited =
      started == -EINPROGRESS ? sb_alarm_wait_until_due(fd, POLLOUT) : sb_alarm_none;
  fcntl(fd, F_SETFL, flags);
  if (waited == sb_alarm_none) return sb_result(started);
  if (waited == sb_alarm_is_due) return sb_alarm_interrupt();
  int error = 0;
  socklen_t error_length = sizeof error;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &error_length) != 0) return -1;
  if (error == 0) return 0;
  errno = error;
  return -1;
}

int connect(int fd, const struct sockaddr* address, socklen_t length) {
  const int flags = sb_alarm_due_in_ms() < 0 ? -1 : fcntl(fd, F_GETFL);
  if (flags < 0 || (flags & O_NONBLOCK)) return sb_result(wasm_sock_connect(fd, address, length));
  return connect_until_alarm(fd, address, length, flags);
}
