/* <unistd.h> for guests: wasi-libc's, plus alarm(), which wasi-libc hides. */
#ifndef SOCKBRIDGE_UNISTD_H
#define SOCKBRIDGE_UNISTD_H

#include_next <unistd.h>

#ifdef __cplusplus
extern "C" {
#endif

/* SIGALRM after `seconds`, delivered (raise()) when the guest next waits in
 * poll(), select(), pselect(), or on a blocking socket in recv(), recvfrom(),
 * accept() or connect(), which then fail with EINTR unless the handler
 * longjmp()s out (<setjmp.h>); a guest is never interrupted elsewhere (read()
 * on a socket, sleep()). 0 cancels. Returns the seconds left of the previous alarm. */
unsigned alarm(unsigned seconds);

#ifdef __cplusplus
}
#endif

#endif
