/* dup, dup2, dup3: another fd for the same open object, from the host's fd
 * table (posix_sockets.h, wasm_sock_dup). */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "sb_result.h"

int dup(int fd) { return sb_result(wasm_sock_dup(fd, 0)); }

int dup2(int fd, int target) { return sb_result(wasm_sock_dup2(fd, target)); }

/* Linux's answer: the same fd twice is EINVAL, and O_CLOEXEC the one flag
 * (without effect: a guest execs nothing). */
int dup3(int fd, int target, int flags) {
  if (fd == target || (flags & ~O_CLOEXEC)) {
    errno = EINVAL;
    return -1;
  }
  return dup2(fd, target);
}
