/* kill, killpg for -lsockbridge-stubs. A guest is the only process it can see:
 * kill() of its own pid (getpid(), or 0 or -getpid() for its process group) raises the
 * signal in the guest (raise(), wasi-libc's emulated handler table, the one
 * signal() and sigaction() fill), and signal 0 just answers that it exists.
 * Any other pid names a process that does not exist for the guest: ESRCH, as
 * POSIX answers for "no process or process group can be found". An invalid
 * signal number is EINVAL first. */
#include <errno.h>
#include <signal.h>
#include <unistd.h>

static int valid_signal(int signal_number) { return signal_number >= 0 && signal_number < _NSIG; }

static int signal_self(int signal_number) {
  if (signal_number == 0) return 0;
  return raise(signal_number);
}

/* Its own process group is the guest alone: 0 and -getpid() name it too. */
static int names_self(pid_t pid) { return pid == 0 || pid == getpid() || pid == -getpid(); }

int kill(pid_t pid, int signal_number) {
  if (!valid_signal(signal_number)) {
    errno = EINVAL;
    return -1;
  }
  if (names_self(pid)) return signal_self(signal_number);
  errno = ESRCH;
  return -1;
}

int killpg(pid_t group, int signal_number) {
  if (group < 0) {
    errno = EINVAL;
    return -1;
  }
  return kill(-group, signal_number);
}
