/* sigaction: installs sa_handler in wasi-libc's emulated handler table, the
 * one signal() and raise() use, so the three agree. An SA_SIGINFO handler is
 * kept here and a trampoline goes in the table, which calls it with a
 * siginfo_t for a signal the guest sent itself (SI_USER, its own pid and uid:
 * nothing else can send one). Flags whose effect a guest could notice are
 * refused with ENOTSUP. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "stubs/guest_ids.h"

static const int accepted_flags = SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_RESTART | SA_NODEFER;

static void (*siginfo_handlers[_NSIG])(int, siginfo_t*, void*);

static void siginfo_trampoline(int signal_number) {
  siginfo_t info;
  memset(&info, 0, sizeof info);
  info.si_signo = signal_number;
  info.si_code = SI_USER;
  info.si_pid = getpid();
  info.si_uid = SB_GUEST_UID;
  siginfo_handlers[signal_number](signal_number, &info, 0);
}

int sigaction(int signal_number, const struct sigaction* __restrict action, struct sigaction* __restrict old) {
  if (signal_number <= 0 || signal_number >= _NSIG || signal_number == SIGKILL || signal_number == SIGSTOP) {
    errno = EINVAL;
    return -1;
  }
  if (action && (action->sa_flags & ~accepted_flags)) {
    errno = ENOTSUP;
    return -1;
  }
  void (*previous_siginfo)(int, siginfo_t*, void*) = siginfo_handlers[signal_number];
  void (*previous)(int);
  if (!action) {
    previous = signal(signal_number, SIG_DFL);
    signal(signal_number, previous);
  } else if (action->sa_flags & SA_SIGINFO) {
    siginfo_handlers[signal_number] = action->sa_sigaction;
    previous = signal(signal_number, siginfo_trampoline);
  } else {
    previous = signal(signal_number, action->sa_handler);
  }
  if (old) {
    memset(old, 0, sizeof *old);
    if (previous == siginfo_trampoline) {
      old->sa_sigaction = previous_siginfo;
      old->sa_flags = SA_SIGINFO;
    } else {
      old->sa_handler = previous;
    }
  }
  return 0;
}
