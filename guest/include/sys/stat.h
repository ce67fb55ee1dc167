/* <sys/stat.h> for guests: wasi-libc's, plus the declarations it hides of
 * chmod() and fchmod(), which exist only in -lsockbridge-stubs (a guest's
 * files are read-only: they fail with EROFS). Declared so that code naming
 * them compiles with their real types; without the library a program that
 * calls them fails to link, naming them. */
#ifndef SOCKBRIDGE_SYS_STAT_H
#define SOCKBRIDGE_SYS_STAT_H

#include_next <sys/stat.h>

#ifdef __cplusplus
extern "C" {
#endif

int chmod(const char* path, mode_t mode);
int fchmod(int fd, mode_t mode);

#ifdef __cplusplus
}
#endif

#endif
