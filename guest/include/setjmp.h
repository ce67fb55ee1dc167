/*
 * <setjmp.h> for sockbridge guests. wasi-libc (2022) has none: WebAssembly
 * code cannot read or rewrite its own call stack, so setjmp() cannot simply
 * save registers as it does on a CPU. Here it is built on Binaryen's Asyncify,
 * the way Ruby's WASI port does it (guest/libc/setjmp.c):
 *
 *   setjmp(env)       unwinds the whole call stack, from setjmp's caller down
 *                     to the program's _start, into a snapshot kept for env
 *                     (every frame's locals and where it was in its code), and
 *                     at once rewinds it: the program goes on, setjmp returns 0.
 *   longjmp(env, v)   unwinds the current stack (thrown away) and rewinds env's
 *                     snapshot, so the setjmp() call returns again, with v (1
 *                     when v is 0), with the C stack pointer as it was then.
 *
 * sockbridge-cc lowers a program that uses them with `wasm-opt --asyncify`
 * for its JSPI build too (the Asyncify build has it anyway).
 *
 * Limits:
 *   - A snapshot holds at most SOCKBRIDGE_SETJMP_SNAPSHOT_BYTES of frames
 *     (8 KiB: a few dozen frames of optimised code); setjmp() deeper than that
 *     traps with "unreachable". It is allocated with malloc() at a jmp_buf's
 *     first setjmp() and reused by every later setjmp() on the same jmp_buf;
 *     it is never freed (a jmp_buf has no end of life to free it at).
 *     longjmp() unwinds into one static 64 KiB buffer: from deeper than that
 *     it traps too.
 *   - After longjmp(), local variables held in WebAssembly locals have the
 *     values they had when setjmp() was called; variables in memory (volatile
 *     ones, arrays, anything whose address was taken) keep their latest values.
 *     C leaves non-volatile locals changed since setjmp() indeterminate, so
 *     correct programs do not notice.
 *   - Cost: setjmp() and longjmp() each walk the whole stack (under a
 *     microsecond for a shallow one in Node 20), and Asyncify instruments every
 *     function that may be on the stack at a setjmp(): netcat's code is 14 %
 *     larger, and a call-heavy loop (qsort, snprintf) ran 20-40 % slower.
 *   - There is no signal mask, so sigsetjmp()'s savemask is ignored, and
 *     jmp_buf must not be copied (the snapshot belongs to its address).
 */
#ifndef SOCKBRIDGE_SETJMP_H
#define SOCKBRIDGE_SETJMP_H

#ifdef __cplusplus
extern "C" {
#endif

#define SOCKBRIDGE_SETJMP_SNAPSHOT_BYTES 8192

struct __sockbridge_jmp_buf {
  /* Asyncify's data header ({position, end} of the snapshot): must come first. */
  unsigned long __position;
  unsigned long __end;
  unsigned long __snapshot;     /* the malloc()ed snapshot */
  unsigned long __snapshot_end; /* where its frames end: a rewind starts there */
  unsigned long __check;        /* __snapshot bound to this jmp_buf's address */
  unsigned long __stack_pointer;
  int __value;
};

typedef struct __sockbridge_jmp_buf jmp_buf[1];
typedef struct __sockbridge_jmp_buf sigjmp_buf[1];

int __sockbridge_setjmp(struct __sockbridge_jmp_buf* env) __attribute__((returns_twice));
_Noreturn void __sockbridge_longjmp(struct __sockbridge_jmp_buf* env, int value);

#define setjmp(env) __sockbridge_setjmp(env)
#define _setjmp(env) __sockbridge_setjmp(env)
#define sigsetjmp(env, savemask) __sockbridge_setjmp(env)
#define longjmp(env, value) __sockbridge_longjmp(env, value)
#define _longjmp(env, value) __sockbridge_longjmp(env, value)
#define siglongjmp(env, value) __sockbridge_longjmp(env, value)

#ifdef __cplusplus
}
#endif

#endif
