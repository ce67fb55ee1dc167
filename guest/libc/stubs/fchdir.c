/* fchdir for -lsockbridge-stubs. wasi-libc's chdir() works by keeping the
 * working directory as a path, and a WASI descriptor cannot say which path it
 * was opened at, so there is no directory to change to: a descriptor that is
 * not open is EBADF, as POSIX says, and any other fails at run time with
 * ENOSYS. chdir(path) is wasi-libc's and works. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int fchdir(int fd) {
  errno = fd >= 0 && fcntl(fd, F_GETFL) != -1 ? ENOSYS : EBADF;
  return -1;
}
