/* pselect: select() with a timespec and a signal mask for the wait. wasi-libc's
 * own pselect goes straight to poll_oneoff; this one goes through the libc
 * layer's poll(), so a pending alarm() is delivered here too. SIGALRM, the one
 * signal that can arrive while a guest waits, stays pending during the wait
 * when sigmask blocks it. */
#include <errno.h>
#include <signal.h>
#include <sys/select.h>

#include "alarm.h"

int pselect(int nfds, fd_set* __restrict readable, fd_set* __restrict writable, fd_set* __restrict failed,
            const struct timespec* __restrict timeout, const sigset_t* __restrict sigmask) {
  struct timeval wait;
  if (timeout) {
    if (timeout->tv_sec < 0 || timeout->tv_nsec < 0 || timeout->tv_nsec >= 1000000000) {
      errno = EINVAL;
      return -1;
    }
    wait = (struct timeval){.tv_sec = timeout->tv_sec, .tv_usec = (timeout->tv_nsec + 999) / 1000};
  }
  const int hold_alarm = sigmask && sigismember(sigmask, SIGALRM) == 1;
  if (hold_alarm) sb_alarm_hold(1);
  const int ready = select(nfds, readable, writable, failed, timeout ? &wait : 0);
  if (hold_alarm) sb_alarm_hold(0);
  return ready;
}
