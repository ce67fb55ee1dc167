/* sigaction: installs sa_handler in wasi-libc's emulated handler table, the
 * one signal() and raise() use, so the three agree. SA_SIGINFO and the other
 * flags whose effect a guest could notice are refused with ENOTSUP. */
#include <errno.h>
#include <signal.h>
#include <string.h>

static const int accepted_flags = SA_NOCLDSTOP | SA_NOCLDWAIT | SA_RESTART | SA_NODEFER;

int sigaction(int signal_number, const struct sigaction *__restrict action, struct sigaction *__restrict old) {
  if (signal_number <= 0 || signal_number >= _NSIG || signal_number == SIGKILL || signal_number == SIGSTOP) {
    errno = EINVAL;
    return -1;
  }
  if (action && (action->sa_flags & ~accepted_flags)) {
    errno = ENOTSUP;
    return -1;
  }
  void (*previous)(int) = signal(signal_number, action ? action->sa_handler : SIG_DFL);
  if (!action) signal(signal_number, previous);
  if (old) {
    memset(old, 0, sizeof *old);
    old->sa_handler = previous;
  }
  return 0;
}
