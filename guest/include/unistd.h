/* <unistd.h> for guests: wasi-libc's, plus alarm() and pipe(), which wasi-libc hides. */
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

/* A local pipe inside the host (posix_sockets.h, wasm_sock_pipe): fds[0]
 * reads what fds[1] writes, 64 KiB at most in between. pipe2's flags:
 * O_NONBLOCK, O_CLOEXEC (no effect); others are EINVAL. */
int pipe(int fds[2]);
int pipe2(int fds[2], int flags);

#ifdef __cplusplus
}
#endif

#endif
