#include <poll.h>
#include <sys/socket.h>

#include "alarm_wait.h"
#include "sb_result.h"

ssize_t recv(int fd, void *buffer, size_t length, int flags) {
  if (!(flags & MSG_DONTWAIT) && sb_alarm_wait(fd, POLLIN) == sb_alarm_is_due) return sb_alarm_interrupt();
  if (!(flags & MSG_WAITALL)) return sb_result(wasm_sock_recv(fd, buffer, (uint32_t)length, flags));
  size_t got = 0;
  while (got < length) {
    int32_t n = wasm_sock_recv(fd, (char *)buffer + got, (uint32_t)(length - got), flags & ~MSG_WAITALL);
    if (n < 0) return got > 0 ? (ssize_t)got : sb_result(n);
    if (n == 0) break;
    got += (size_t)n;
  }
  return (ssize_t)got;
}

/* The source is the socket's peer (a UDP socket talks to one peer at a time). */
ssize_t recvfrom(int fd, void *__restrict buffer, size_t length, int flags, struct sockaddr *__restrict address,
                 socklen_t *__restrict address_length) {
  if (!address || !address_length) return recv(fd, buffer, length, flags);
  if (!(flags & MSG_DONTWAIT) && sb_alarm_wait(fd, POLLIN) == sb_alarm_is_due) return sb_alarm_interrupt();
  uint32_t wire_length = *address_length;
  int32_t got = wasm_sock_recvfrom(fd, buffer, (uint32_t)length, flags, address, &wire_length);
  if (got >= 0) *address_length = wire_length;
  return sb_result(got);
}

/* Receives into the first non-empty iovec. */
ssize_t recvmsg(int fd, struct msghdr *message, int flags) {
  message->msg_flags = 0;
  message->msg_controllen = 0;
  for (size_t i = 0; i < (size_t)message->msg_iovlen; ++i)
    if (message->msg_iov[i].iov_len > 0) {
      socklen_t name_length = message->msg_namelen;
      ssize_t got = recvfrom(fd, message->msg_iov[i].iov_base, message->msg_iov[i].iov_len, flags,
                             message->msg_name, message->msg_name ? &name_length : NULL);
      if (got >= 0 && message->msg_name) message->msg_namelen = name_length;
      return got;
    }
  return 0;
}
