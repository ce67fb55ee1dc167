/* <sys/wait.h> for guests (wasi-libc has none): the names code that manages
 * child processes compiles against. A guest never has a child (it cannot
 * fork or exec), so wait() and waitpid() exist only in -lsockbridge-stubs,
 * where they fail with ECHILD; without that library a program that calls
 * them fails to link, naming them (share/sockbridge/unsupported-symbols).
 * The option bits and status macros are Linux's (and musl's) values; a
 * C library that already defines one (glibc, in the SDK's native tests) keeps its own. */
#ifndef SOCKBRIDGE_SYS_WAIT_H
#define SOCKBRIDGE_SYS_WAIT_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef WNOHANG
#define WNOHANG 1
#endif
#ifndef WUNTRACED
#define WUNTRACED 2
#endif
#ifndef WCONTINUED
#define WCONTINUED 8
#endif

#ifndef WEXITSTATUS
#define WEXITSTATUS(status) (((status)&0xff00) >> 8)
#endif
#ifndef WTERMSIG
#define WTERMSIG(status) ((status)&0x7f)
#endif
#ifndef WSTOPSIG
#define WSTOPSIG(status) WEXITSTATUS(status)
#endif
#ifndef WIFEXITED
#define WIFEXITED(status) (!WTERMSIG(status))
#endif
#ifndef WIFSTOPPED
#define WIFSTOPPED(status) ((short)((((status)&0xffff) * 0x10001U) >> 8) > 0x7f00)
#endif
#ifndef WIFSIGNALED
#define WIFSIGNALED(status) (((status)&0xffff) - 1U < 0xffu)
#endif
#ifndef WIFCONTINUED
#define WIFCONTINUED(status) ((status) == 0xffff)
#endif

pid_t wait(int* status);
pid_t waitpid(pid_t pid, int* status, int options);

#ifdef __cplusplus
}
#endif

#endif
