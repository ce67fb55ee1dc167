/* crt1.o, the program entry point sockbridge-cc links instead of wasi-libc's
 * crt1-command.o (-nostartfiles): the same _start, but weak, so that a program
 * that uses setjmp() gets the one in setjmp.c, which must be the outermost
 * frame (setjmp.c says why). A program without setjmp() starts exactly as with
 * wasi-libc's: wasm-ld wraps this _start in the calls to the constructors and
 * destructors, as it wraps wasi-libc's.
 *
 * WebAssembly only: the native build of the libc layer (tests/unit) compiles
 * every file here. */
#ifdef __wasm__
#include <stdlib.h>

int __original_main(void);

__attribute__((weak, export_name("_start"))) void _start(void) {
  const int status = __original_main();
  if (status != 0) exit(status);
}
#endif
