/* pipe, pipe2: a one-way byte queue between two fds, kept by the host. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "sb_result.h"

int pipe2(int fds[2], int flags) {
  if (flags & ~(O_NONBLOCK | O_CLOEXEC)) {
    errno = EINVAL;
    return -1;
  }
  return sb_result(wasm_sock_pipe(fds, (flags & O_NONBLOCK) ? SB_SOCK_NONBLOCK : 0));
}

int pipe(int fds[2]) { return pipe2(fds, 0); }
