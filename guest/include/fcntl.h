/* <fcntl.h> for guests: wasi-libc's, plus F_DUPFD, which POSIX code names
 * to get a descriptor at or above a number. The fcntl() is still wasi-libc's,
 * so fcntl(fd, F_DUPFD, n) fails at run time with EINVAL, its answer to every
 * command it does not know (dup() and dup2() work: <unistd.h>); the name lets
 * such code compile. Linux's and musl's value, which no wasi-libc command uses. */
#ifndef SOCKBRIDGE_FCNTL_H
#define SOCKBRIDGE_FCNTL_H

#include_next <fcntl.h>

#ifndef F_DUPFD
#define F_DUPFD 0
#endif

#endif
