/* <stdlib.h> for guests: wasi-libc's, plus the declarations it hides of
 * mkstemp(), mkostemp() and mkstemps(), which exist only in -lsockbridge-stubs
 * (a guest cannot create files: they fail with EROFS). Declared so that code
 * naming them compiles with their real types; without the library a program
 * that calls them fails to link, naming them. */
#ifndef SOCKBRIDGE_STDLIB_H
#define SOCKBRIDGE_STDLIB_H

#include_next <stdlib.h>

#ifdef __cplusplus
extern "C" {
#endif

int mkstemp(char* pattern);
int mkostemp(char* pattern, int flags);
int mkstemps(char* pattern, int suffix_length);

#ifdef __cplusplus
}
#endif

#endif
