/* Monotonic milliseconds and what is left of a deadline (0 means "none"). */
#ifndef SOCKBRIDGE_LIBCURL_DEADLINE_H
#define SOCKBRIDGE_LIBCURL_DEADLINE_H

#include <stdint.h>
#include <time.h>

static inline int64_t deadline_now_ms(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* The earlier of two deadlines, where 0 is no deadline. */
static inline int64_t deadline_earlier(int64_t a, int64_t b) {
  if (a == 0) return b;
  if (b == 0) return a;
  return a < b ? a : b;
}

/* A poll() timeout for deadline: -1 for none, else the milliseconds left (0 once passed). */
static inline int deadline_poll_timeout(int64_t deadline) {
  if (deadline == 0) return -1;
  const int64_t left = deadline - deadline_now_ms();
  if (left <= 0) return 0;
  return left > 0x7fffffff ? 0x7fffffff : (int)left;
}

#endif
