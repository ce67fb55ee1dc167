/* alarm: a guest cannot be interrupted, so SIGALRM is raised when the guest
 * next waits in poll(), select() or pselect() (poll.c shortens that wait to the alarm),
 * which is where programs that use alarm() for timeouts spend their time. */
#include <limits.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "alarm.h"

/* CLOCK_MONOTONIC milliseconds at which SIGALRM is due; 0 when no alarm is set. */
static long long due_at_ms;
static int held;

static long long now_ms(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

unsigned alarm(unsigned seconds) {
  const long long now = now_ms();
  /* Rounded up, as Linux does: a pending alarm never reports 0 seconds left. */
  unsigned left = 0;
  if (due_at_ms) left = due_at_ms > now ? (unsigned)((due_at_ms - now + 999) / 1000) : 1;
  due_at_ms = seconds ? now + (long long)seconds * 1000 : 0;
  return left;
}

void sb_alarm_hold(int hold) { held = hold; }

int sb_alarm_due_in_ms(void) {
  if (!due_at_ms || held) return -1;
  const long long left = due_at_ms - now_ms();
  /* alarm() takes up to UINT_MAX seconds, far more milliseconds than an int
   * holds: a far alarm reports INT_MAX (about 24.8 days) rather than a
   * truncated value that would ring it early or never. */
  if (left > INT_MAX) return INT_MAX;
  return left > 0 ? (int)left : 0;
}

void sb_alarm_ring(void) {
  due_at_ms = 0;
  raise(SIGALRM);
}
