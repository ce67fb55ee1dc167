/* <signal.h> for guests: wasi-libc's emulated signal() and raise() (a handler
 * runs when the program raises its signal, nothing arrives from outside),
 * plus what programs written for POSIX install their handlers with:
 * sigaction() over the same handler table, and the sigset_t operations.
 * SIGALRM also comes from alarm() (<unistd.h>), at the next poll(), select(),
 * pselect() or blocking recv(), recvfrom(), accept() or connect().
 * SA_SIGINFO handlers get a siginfo_t saying the guest sent the signal itself
 * (SI_USER, its own pid and uid). sigprocmask() is not available: with no
 * signal arriving asynchronously there is nothing to block.
 * kill() and killpg() are declared here but exist only in -lsockbridge-stubs
 * (libc/stubs/kill.c: the guest's own pid raises, others are ESRCH). */
#ifndef SOCKBRIDGE_SIGNAL_H
#define SOCKBRIDGE_SIGNAL_H

#include <__typedef_sigset_t.h>
#include_next <signal.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

union sigval {
  int sival_int;
  void* sival_ptr;
};

/* What an SA_SIGINFO handler is told. A guest's signals all come from itself
 * (raise(), alarm()), so si_code is SI_USER and si_pid/si_uid are its own. */
typedef struct {
  int si_signo;
  int si_errno;
  int si_code;
  pid_t si_pid;
  uid_t si_uid;
  int si_status;
  void* si_addr;
  union sigval si_value;
} siginfo_t;

#define SI_USER 0

struct sigaction {
  union {
    void (*sa_handler)(int);
    void (*sa_sigaction)(int, siginfo_t*, void*);
  } __sa_handler;
  sigset_t sa_mask;
  int sa_flags;
};
#define sa_handler __sa_handler.sa_handler
#define sa_sigaction __sa_handler.sa_sigaction

/* Accepted flags: SA_SIGINFO (call sa_sigaction instead of sa_handler); the
 * others change nothing when signals are only raised synchronously. Any other
 * flag makes sigaction() fail with ENOTSUP. */
#define SA_NOCLDSTOP 1
#define SA_NOCLDWAIT 2
#define SA_SIGINFO 4
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000

int sigaction(int signal, const struct sigaction* __restrict action, struct sigaction* __restrict old);
int sigemptyset(sigset_t* set);
int sigfillset(sigset_t* set);
int sigaddset(sigset_t* set, int signal);
int sigdelset(sigset_t* set, int signal);
int sigismember(const sigset_t* set, int signal);

int kill(pid_t pid, int signal);
int killpg(pid_t group, int signal);

#ifdef __cplusplus
}
#endif

#endif
