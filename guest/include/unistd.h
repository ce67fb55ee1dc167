/* <unistd.h> for guests: wasi-libc's, plus alarm(), which wasi-libc hides. */
#ifndef SOCKBRIDGE_UNISTD_H
#define SOCKBRIDGE_UNISTD_H

#include_next <unistd.h>

#ifdef __cplusplus
extern "C" {
#endif

/* SIGALRM after `seconds`, delivered (raise()) when the guest next waits in
 * poll(), select() or pselect(), which then fail with EINTR; a guest is
 * never interrupted elsewhere. 0 cancels. Returns the seconds left of the previous alarm. */
unsigned alarm(unsigned seconds);

#ifdef __cplusplus
}
#endif

#endif
