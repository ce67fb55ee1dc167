/* Internal to the libc layer: the checks send.c and recv.c make before an
 * import sees a call's flags or a struct msghdr. */
#ifndef SOCKBRIDGE_LIBC_MSG_CHECKS_H
#define SOCKBRIDGE_LIBC_MSG_CHECKS_H

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <sys/socket.h>

/* The most bytes sendmsg/recvmsg move through a buffer of their own when a
 * message spans several iovecs: more than a UDP datagram can hold, so a
 * datagram is never cut; a stream gets the rest as a short count. */
enum { sb_gather_limit_bytes = 65536 };

/* Every MSG_* flag the SDK's <sys/socket.h> defines is let through. Another
 * bit is EOPNOTSUPP, as POSIX says for flags a socket does not support,
 * instead of being silently ignored. */
static inline int sb_msg_flags_known(int flags) {
  if (!(flags & ~(MSG_OOB | MSG_PEEK | MSG_DONTROUTE | MSG_WAITALL | MSG_DONTWAIT | MSG_NOSIGNAL))) return 1;
  errno = EOPNOTSUPP;
  return 0;
}

/* The relay carries no urgent data: a send with MSG_OOB goes in band (what
 * telnet-like clients need to keep working), a receive asking for it is
 * EINVAL, as Linux answers when no urgent byte is waiting. */
static inline int sb_send_flags(int flags) { return flags & ~MSG_OOB; }
static inline int sb_recv_flags_valid(int flags) {
  if (!sb_msg_flags_known(flags)) return 0;
  if (!(flags & MSG_OOB)) return 1;
  errno = EINVAL;
  return 0;
}

/* A message the import calls can use: EFAULT for a NULL message, or a NULL
 * msg_iov with iovecs; EMSGSIZE for more than IOV_MAX iovecs (a negative count too). */
static inline int sb_msghdr_valid(const struct msghdr* message) {
  if (!message || (!message->msg_iov && message->msg_iovlen != 0)) {
    errno = EFAULT;
    return 0;
  }
  if ((size_t)message->msg_iovlen > IOV_MAX) {
    errno = EMSGSIZE;
    return 0;
  }
  return 1;
}

/* The bytes the iovecs of message hold, at most sb_gather_limit_bytes; *nonempty
 * is the only iovec with bytes, or NULL when there are none or several. */
static inline size_t sb_msghdr_bytes(const struct msghdr* message, const struct iovec** nonempty) {
  size_t total = 0;
  int parts = 0;
  *nonempty = NULL;
  for (size_t i = 0; i < (size_t)message->msg_iovlen; ++i) {
    const size_t length = message->msg_iov[i].iov_len;
    if (length == 0) continue;
    *nonempty = ++parts == 1 ? &message->msg_iov[i] : NULL;
    total += length < sb_gather_limit_bytes - total ? length : sb_gather_limit_bytes - total;
  }
  return total;
}

#endif
