/*
 * <limits.h> for guest/libc compiled natively: glibc defines IOV_MAX only in
 * X/Open mode; wasi-libc always does, as 1024.
 */
#include_next <limits.h>

#ifndef IOV_MAX
#define IOV_MAX 1024
#endif
