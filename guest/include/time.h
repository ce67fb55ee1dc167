/* <time.h> for guests: wasi-libc's, plus the declaration it hides of tzset(),
 * which exists only in -lsockbridge-stubs, where it does nothing: wasi-libc
 * keeps every time in UTC. Without the library a program that calls it fails
 * to link, naming it. */
#ifndef SOCKBRIDGE_TIME_H
#define SOCKBRIDGE_TIME_H

#include_next <time.h>

#ifdef __cplusplus
extern "C" {
#endif

void tzset(void);

#ifdef __cplusplus
}
#endif

#endif
