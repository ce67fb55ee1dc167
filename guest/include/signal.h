/* <signal.h> for guests: wasi-libc's emulated signal() and raise() (a handler
 * runs when the program raises its signal, nothing arrives from outside),
 * plus what programs written for POSIX install their handlers with:
 * sigaction() over the same handler table, and the sigset_t operations.
 * SIGALRM also comes from alarm() (<unistd.h>), at the next poll(), select(),
 * pselect() or blocking recv(), recvfrom(), accept() or connect().
 * sigprocmask() and SA_SIGINFO handlers are not available: with no signal
 * arriving asynchronously there is nothing to block or to describe. */
#ifndef SOCKBRIDGE_SIGNAL_H
#define SOCKBRIDGE_SIGNAL_H

#include_next <signal.h>
#include <__typedef_sigset_t.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sigaction {
  void (*sa_handler)(int);
  sigset_t sa_mask;
  int sa_flags;
};

/* Accepted flags: none of them changes anything when signals are only raised
 * synchronously. Any other flag makes sigaction() fail with ENOTSUP. */
#define SA_NOCLDSTOP 1
#define SA_NOCLDWAIT 2
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000

int sigaction(int signal, const struct sigaction *__restrict action, struct sigaction *__restrict old);
int sigemptyset(sigset_t *set);
int sigfillset(sigset_t *set);
int sigaddset(sigset_t *set, int signal);
int sigdelset(sigset_t *set, int signal);
int sigismember(const sigset_t *set, int signal);

#ifdef __cplusplus
}
#endif

#endif
