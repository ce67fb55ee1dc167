/* setjmp and longjmp over Binaryen's Asyncify (include/setjmp.h says what
 * they do and their limits), and the _start a program that uses them needs.
 *
 * Asyncify can stop unwinding only in a function it did not instrument, the
 * outermost frame: the _start below, which replaces crt1.c's weak one when
 * this file is linked (only programs that call setjmp() link it). It runs the
 * program; when the program returns to it because setjmp() or longjmp()
 * unwound the stack, it stops the unwind and starts the rewind that setjmp()
 * or longjmp() asked for, and runs the program again, which rewinds.
 *
 * When the guest waits for the network in the Asyncify build, shim-js unwinds
 * the stack too: the program returns here with nothing asked for, _start
 * returns, and shim-js calls _start again to rewind. So _start keeps no state
 * of its own between calls.
 *
 * WebAssembly only: the native build of the libc layer (tests/unit) compiles
 * every file here and has no Asyncify. */
#ifdef __wasm__
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>

#define ASYNCIFY(name) __attribute__((import_module("asyncify"), import_name(name)))
ASYNCIFY("start_unwind") void asyncify_start_unwind(void* data);
ASYNCIFY("stop_unwind") void asyncify_stop_unwind(void);
ASYNCIFY("start_rewind") void asyncify_start_rewind(void* data);
ASYNCIFY("stop_rewind") void asyncify_stop_rewind(void);

/* What the next return to _start is for. */
static enum {
  running,
  capturing, /* setjmp() unwound into its snapshot: rewind it at once */
  jumping,   /* longjmp() unwound into scratch: rewind the snapshot */
  resuming,  /* rewinding: setjmp() returns (0 after capturing, the value after jumping) */
} phase = running;
static int jump_pending;
static struct __sockbridge_jmp_buf* target;

/* longjmp() unwinds the stack it leaves into here: Asyncify must write the
 * frames somewhere, and nothing reads them back. As large as shim-js's buffer
 * for the same frames (sockbridge_asyncify_data). */
static struct {
  uintptr_t position, end;
  unsigned char frames[64 * 1024];
} scratch;

static uintptr_t stack_pointer(void) {
  uintptr_t sp;
  __asm__ volatile(".globaltype __stack_pointer, i32\n\tglobal.get __stack_pointer\n\tlocal.set %0" : "=r"(sp));
  return sp;
}

static void set_stack_pointer(uintptr_t sp) {
  __asm__ volatile(".globaltype __stack_pointer, i32\n\tlocal.get %0\n\tglobal.set __stack_pointer" : : "r"(sp));
}

/* The check binds a snapshot to its jmp_buf's address: a jmp_buf on the stack
 * starts as whatever was there, and only a matching pair is taken as ours (a
 * jmp_buf reused at the same address keeps its snapshot instead of leaking one). */
static uintptr_t check_of(const struct __sockbridge_jmp_buf* env) {
  return env->__snapshot ^ (uintptr_t)env ^ 0x5b5e7a9bu;
}

int __sockbridge_setjmp(struct __sockbridge_jmp_buf* env) {
  if (phase == resuming && env == target) {
    asyncify_stop_rewind();
    phase = running;
    if (!jump_pending) return 0;
    jump_pending = 0;
    set_stack_pointer(env->__stack_pointer);
    return env->__value;
  }
  if (!env->__snapshot || env->__check != check_of(env)) {
    env->__snapshot = (uintptr_t)malloc(SOCKBRIDGE_SETJMP_SNAPSHOT_BYTES);
    if (!env->__snapshot) abort();
    env->__check = check_of(env);
  }
  env->__position = env->__snapshot;
  env->__end = env->__snapshot + SOCKBRIDGE_SETJMP_SNAPSHOT_BYTES;
  env->__stack_pointer = stack_pointer();
  target = env;
  phase = capturing;
  asyncify_start_unwind(env);
  return 0; /* never seen: Asyncify returns from every frame up to _start */
}

/* Asyncify does not instrument a function that starts an unwind: it returns
 * from asyncify_start_unwind() and runs on. So the unwind starts here, and
 * longjmp(), which Asyncify does instrument, returns as soon as this does. */
__attribute__((noinline)) static void unwind_into_scratch(void) {
  scratch.position = (uintptr_t)scratch.frames;
  scratch.end = (uintptr_t)scratch.frames + sizeof scratch.frames;
  asyncify_start_unwind(&scratch);
}

_Noreturn void __sockbridge_longjmp(struct __sockbridge_jmp_buf* env, int value) {
  env->__value = value ? value : 1;
  target = env;
  phase = jumping;
  unwind_into_scratch();
  __builtin_unreachable();
}

/* What wasi-libc's crt1 and wasm-ld's command wrapper do, in a function of
 * its own so that Asyncify instruments it (_start must stay uninstrumented).
 * Calling the constructors here also tells wasm-ld not to wrap _start. */
void __wasm_call_ctors(void);
void __wasm_call_dtors(void);
int __original_main(void);

__attribute__((noinline)) static void run_command(void) {
  __wasm_call_ctors();
  const int status = __original_main();
  if (status != 0) exit(status);
  __wasm_call_dtors();
}

__attribute__((export_name("_start"))) void _start(void) {
  for (;;) {
    run_command();
    if (phase == capturing) {
      asyncify_stop_unwind();
      target->__snapshot_end = target->__position;
      jump_pending = 0;
    } else if (phase == jumping) {
      asyncify_stop_unwind();
      target->__position = target->__snapshot_end;
      jump_pending = 1;
    } else {
      return; /* the program ended, or shim-js is unwinding to wait */
    }
    phase = resuming;
    asyncify_start_rewind(target);
  }
}
#endif
