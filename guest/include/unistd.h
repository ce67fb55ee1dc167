/* <unistd.h> for guests: wasi-libc's, plus alarm(), pipe() and dup(), which wasi-libc hides. */
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

/* Another fd for the same open object (posix_sockets.h, wasm_sock_dup):
 * sockets, pipe ends, files and stdio alike; the object stays open until its
 * last fd is closed. dup2 closes target first and may name 0, 1 or 2; dup3
 * is EINVAL for the same fd twice or a flag other than O_CLOEXEC. */
int dup(int fd);
int dup2(int fd, int target);
int dup3(int fd, int target, int flags);

/* What wasi-libc hides because a WASI program cannot have it: processes,
 * users. Declared so that code which names them on paths
 * a guest never takes (daemonizing, CGI, dropping privileges) compiles with
 * their real types; they exist only in -lsockbridge-stubs, where each fails
 * at run time with the errno a system without the facility gives
 * (libc/stubs/). Without that library a program that calls one fails to
 * link, naming it (share/sockbridge/unsupported-symbols). */
pid_t fork(void);
pid_t vfork(void);
int daemon(int keep_directory, int keep_stdio);
int execve(const char* path, char* const argv[], char* const envp[]);
int execv(const char* path, char* const argv[]);
int execvp(const char* file, char* const argv[]);
int execvpe(const char* file, char* const argv[], char* const envp[]);
int execl(const char* path, const char* argument, ...);
int execlp(const char* file, const char* argument, ...);
int execle(const char* path, const char* argument, ...);
int fexecve(int fd, char* const argv[], char* const envp[]);
int fchdir(int fd);
uid_t getuid(void);
uid_t geteuid(void);
gid_t getgid(void);
gid_t getegid(void);
int setuid(uid_t uid);
int seteuid(uid_t uid);
int setgid(gid_t gid);
int setegid(gid_t gid);
pid_t getppid(void);
pid_t setsid(void);

#ifdef __cplusplus
}
#endif

#endif
