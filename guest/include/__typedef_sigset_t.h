/* sigset_t as musl defines it (room for all 64 signals). wasi-libc (2022) has
 * a one-byte placeholder that cannot hold SIGALRM (14) or SIGTERM (15), so
 * sigaddset()/sigismember() could not work; its own functions only take
 * sigset_t pointers (pselect, ppoll), so the larger type is safe to use. */
#ifndef __wasilibc___typedef_sigset_t_h
#define __wasilibc___typedef_sigset_t_h

typedef struct __sigset_t {
  unsigned long __bits[128 / sizeof(long)];
} sigset_t;

#endif
