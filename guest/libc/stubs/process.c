/* fork, vfork, daemon for -lsockbridge-stubs: a WASI guest is one process and
 * cannot make another, so each fails at run time with ENOSYS.
 *
 * ENOSYS rather than EAGAIN: POSIX's EAGAIN says "try again later" (a process
 * limit was hit), and servers that fork per client or per worker retry or
 * back off on it; no later attempt will ever succeed here. ENOSYS ("not
 * supported on this platform", as Linux answers fork() without an MMU) tells
 * the program, and the person reading its error message, that it never will.
 * daemon() fails as its fork() would: the guest cannot detach from its embedder. */
#include <errno.h>
#include <sys/types.h>
#include <unistd.h>

pid_t fork(void) {
  errno = ENOSYS;
  return -1;
}

pid_t vfork(void) {
  errno = ENOSYS;
  return -1;
}

int daemon(int keep_directory, int keep_stdio) {
  (void)keep_directory, (void)keep_stdio;
  errno = ENOSYS;
  return -1;
}
