/* Internal to the libc layer: turn an import's -errno result into POSIX's -1 + errno. */
#ifndef SOCKBRIDGE_LIBC_RESULT_H
#define SOCKBRIDGE_LIBC_RESULT_H

#include <errno.h>
#include <stdint.h>

#include "posix_sockets.h"

static inline int sb_result(int32_t result) {
  if (result >= 0) return result;
  errno = -result;
  return -1;
}

#endif
