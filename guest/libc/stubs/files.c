/* chmod, fchmod, mkstemp, mkostemp, mkstemps for -lsockbridge-stubs. Every
 * file a guest can name is in its embedder's read-only tree (or it has no file
 * system at all), so changing a mode or creating a temporary file fails at run
 * time with EROFS, POSIX's "read-only file system", the answer open(O_CREAT)
 * already gives there. Checks that come first in POSIX come first here: a
 * descriptor that is not open is EBADF, a pattern that does not end in
 * XXXXXX is EINVAL (and is left as it was). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int fail(int error) {
  errno = error;
  return -1;
}

int chmod(const char* path, mode_t mode) {
  (void)path, (void)mode;
  return fail(EROFS);
}

int fchmod(int fd, mode_t mode) {
  (void)mode;
  return fail(fd >= 0 && fcntl(fd, F_GETFL) != -1 ? EROFS : EBADF);
}

int mkstemps(char* pattern, int suffix_length) {
  size_t length = strlen(pattern);
  if (suffix_length < 0 || length < 6 + (size_t)suffix_length) return fail(EINVAL);
  if (memcmp(pattern + length - suffix_length - 6, "XXXXXX", 6) != 0) return fail(EINVAL);
  return fail(EROFS);
}

int mkstemp(char* pattern) { return mkstemps(pattern, 0); }

int mkostemp(char* pattern, int flags) {
  (void)flags;
  return mkstemps(pattern, 0);
}
