/* wait, waitpid for -lsockbridge-stubs: a guest never has a child process
 * (fork() and exec fail), so there is never one to wait for: ECHILD, as POSIX
 * answers a process without children. Unknown option bits are EINVAL first,
 * as on Linux. */
#include <errno.h>
#include <sys/wait.h>

static const int known_options = WNOHANG | WUNTRACED | WCONTINUED;

pid_t waitpid(pid_t pid, int* status, int options) {
  (void)pid, (void)status;
  errno = (options & ~known_options) ? EINVAL : ECHILD;
  return -1;
}

pid_t wait(int* status) { return waitpid(-1, status, 0); }
