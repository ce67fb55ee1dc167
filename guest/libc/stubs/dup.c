/* dup, dup2, dup3 for -lsockbridge-stubs. WASI preview1 has no call that
 * makes a second descriptor for an open file description, and the host
 * kernel's fd table gives each descriptor one owner (a socket's state, a
 * file's offset), so a guest cannot duplicate one: ENOSYS at run time.
 * What can be answered without a copy is answered as POSIX says: a descriptor
 * that is not open is EBADF, and dup2(fd, fd) of an open fd returns fd
 * (dup3(fd, fd) is EINVAL, as Linux answers it). */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static int is_open(int fd) { return fd >= 0 && fcntl(fd, F_GETFL) != -1; }

static int fail(int error) {
  errno = error;
  return -1;
}

int dup(int fd) { return fail(is_open(fd) ? ENOSYS : EBADF); }

int dup2(int fd, int target) {
  if (!is_open(fd) || target < 0) return fail(EBADF);
  if (fd == target) return target;
  return fail(ENOSYS);
}

int dup3(int fd, int target, int flags) {
  if (fd == target || (flags & ~O_CLOEXEC)) return fail(EINVAL);
  return dup2(fd, target);
}
