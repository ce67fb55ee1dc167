#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/select.h>

#include "sb_result.h"

/* The timeout in poll's milliseconds, rounded up; -1 (forever) for none, INT_MAX at most; -2 if invalid. */
static int timeout_ms(const struct timeval* timeout) {
  if (!timeout) return -1;
  if (timeout->tv_sec < 0 || timeout->tv_usec < 0 || timeout->tv_usec >= 1000000) return -2;
  if (timeout->tv_sec >= INT_MAX / 1000) return INT_MAX;
  return (int)(timeout->tv_sec * 1000 + (timeout->tv_usec + 999) / 1000);
}

/* select() in terms of poll(). wasi-libc's fd_set is a list of fds, not a bitmask. */
int select(int nfds, fd_set* __restrict readable, fd_set* __restrict writable, fd_set* __restrict failed,
           struct timeval* __restrict timeout) {
  const int wait_ms = timeout_ms(timeout);
  if (nfds < 0 || nfds > FD_SETSIZE || wait_ms == -2) {
    errno = EINVAL;
    return -1;
  }
  struct pollfd table[FD_SETSIZE];
  int count = 0;
  for (int fd = 0; fd < nfds; ++fd) {
    short events = 0;
    if (readable && FD_ISSET(fd, readable)) events |= POLLIN;
    if (writable && FD_ISSET(fd, writable)) events |= POLLOUT;
    if (failed && FD_ISSET(fd, failed)) events |= POLLERR;
    if (events) table[count++] = (struct pollfd){.fd = fd, .events = events};
  }
  int ready = poll(table, (nfds_t)count, wait_ms);
  if (ready < 0) return -1;
  if (readable) FD_ZERO(readable);
  if (writable) FD_ZERO(writable);
  if (failed) FD_ZERO(failed);
  int marked = 0;
  for (int i = 0; i < count; ++i) {
    short got = table[i].revents;
    if (got & POLLNVAL) {
      errno = EBADF;
      return -1;
    }
    if (readable && (table[i].events & POLLIN) && (got & (POLLIN | POLLHUP | POLLERR)))
      FD_SET(table[i].fd, readable), ++marked;
    if (writable && (table[i].events & POLLOUT) && (got & (POLLOUT | POLLERR))) FD_SET(table[i].fd, writable), ++marked;
    if (failed && (table[i].events & POLLERR) && (got & POLLERR)) FD_SET(table[i].fd, failed), ++marked;
  }
  return marked;
}
