/*
 * Force-included (-include) into every guest/libc/stubs file of the native
 * build, as sb_libc_names.h is into the libc layer: the stubs define POSIX
 * names (fork, getuid, kill…) that would replace glibc's in the test
 * process. Each gets an sb_stubs_ prefix; libc_stubs_test.cpp names them back.
 */
#define chmod sb_stubs_chmod
#define daemon sb_stubs_daemon
#define execl sb_stubs_execl
#define execle sb_stubs_execle
#define execlp sb_stubs_execlp
#define execv sb_stubs_execv
#define execve sb_stubs_execve
#define execvp sb_stubs_execvp
#define execvpe sb_stubs_execvpe
#define fchdir sb_stubs_fchdir
#define fchmod sb_stubs_fchmod
#define fexecve sb_stubs_fexecve
#define fork sb_stubs_fork
#define getegid sb_stubs_getegid
#define geteuid sb_stubs_geteuid
#define getgid sb_stubs_getgid
#define getppid sb_stubs_getppid
#define getuid sb_stubs_getuid
#define kill sb_stubs_kill
#define killpg sb_stubs_killpg
#define mkostemp sb_stubs_mkostemp
#define mkstemp sb_stubs_mkstemp
#define mkstemps sb_stubs_mkstemps
#define setegid sb_stubs_setegid
#define seteuid sb_stubs_seteuid
#define setgid sb_stubs_setgid
#define setsid sb_stubs_setsid
#define setuid sb_stubs_setuid
#define system sb_stubs_system
#define tzset sb_stubs_tzset
#define vfork sb_stubs_vfork
#define wait sb_stubs_wait
#define waitpid sb_stubs_waitpid
