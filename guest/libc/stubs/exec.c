/* The exec family and system() for -lsockbridge-stubs: a WASI guest
 * cannot start another program, so each fails at run time with ENOSYS and the
 * guest goes on running (an exec that fails returns, as POSIX says).
 * system(NULL) answers 0, POSIX's "no command processor is available", so
 * programs that ask first never try; system(command) then fails with -1 and
 * ENOSYS. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static int no_program_runs(void) {
  errno = ENOSYS;
  return -1;
}

int execve(const char* path, char* const argv[], char* const envp[]) {
  (void)path, (void)argv, (void)envp;
  return no_program_runs();
}

int execv(const char* path, char* const argv[]) {
  (void)path, (void)argv;
  return no_program_runs();
}

int execvp(const char* file, char* const argv[]) {
  (void)file, (void)argv;
  return no_program_runs();
}

int execvpe(const char* file, char* const argv[], char* const envp[]) {
  (void)file, (void)argv, (void)envp;
  return no_program_runs();
}

/* The variadic forms need not read their arguments: nothing is run. */
int execl(const char* path, const char* argument, ...) {
  (void)path, (void)argument;
  return no_program_runs();
}

int execlp(const char* file, const char* argument, ...) {
  (void)file, (void)argument;
  return no_program_runs();
}

int execle(const char* path, const char* argument, ...) {
  (void)path, (void)argument;
  return no_program_runs();
}

int fexecve(int fd, char* const argv[], char* const envp[]) {
  (void)fd, (void)argv, (void)envp;
  return no_program_runs();
}

int system(const char* command) {
  if (!command) return 0;
  return no_program_runs();
}
