/* sigemptyset, sigfillset, sigaddset, sigdelset, sigismember: the sigset_t
 * operations (sigset_t is musl's, see include/__typedef_sigset_t.h). */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <string.h>

enum { bits_per_word = sizeof(unsigned long) * CHAR_BIT };

static int valid(int signal_number) {
  if (signal_number > 0 && signal_number < _NSIG) return 1;
  errno = EINVAL;
  return 0;
}

int sigemptyset(sigset_t* set) {
  memset(set, 0, sizeof *set);
  return 0;
}

int sigfillset(sigset_t* set) {
  sigemptyset(set);
  for (int signal_number = 1; signal_number < _NSIG; ++signal_number) sigaddset(set, signal_number);
  return 0;
}

int sigaddset(sigset_t* set, int signal_number) {
  if (!valid(signal_number)) return -1;
  set->__bits[(signal_number - 1) / bits_per_word] |= 1UL << ((signal_number - 1) % bits_per_word);
  return 0;
}

int sigdelset(sigset_t* set, int signal_number) {
  if (!valid(signal_number)) return -1;
  set->__bits[(signal_number - 1) / bits_per_word] &= ~(1UL << ((signal_number - 1) % bits_per_word));
  return 0;
}

int sigismember(const sigset_t* set, int signal_number) {
  if (!valid(signal_number)) return -1;
  return (set->__bits[(signal_number - 1) / bits_per_word] >> ((signal_number - 1) % bits_per_word)) & 1;
}
