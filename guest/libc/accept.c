#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>

#include "alarm_wait.h"
#include "sb_result.h"

int accept(int fd, struct sockaddr* __restrict address, socklen_t* __restrict length) {
  if (sb_alarm_wait(fd, POLLIN) == sb_alarm_is_due) return sb_alarm_interrupt();
  return sb_result(wasm_sock_accept(fd, address, length));
}

int accept4(int fd, struct sockaddr* __restrict address, socklen_t* __restrict length, int flags) {
  if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) {
    errno = EINVAL;
    return -1;
  }
  int accepted = accept(fd, address, length);
  if (accepted >= 0 && (flags & SOCK_NONBLOCK) && fcntl(accepted, F_SETFL, O_NONBLOCK) != 0) {
    wasm_sock_close(accepted); /* the caller never learns the fd: it must not stay open */
    return -1;
  }
  return accepted;
}
