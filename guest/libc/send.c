#include <sys/socket.h>

#include "sb_result.h"

ssize_t send(int fd, const void *buffer, size_t length, int flags) {
  return sb_result(wasm_sock_send(fd, buffer, (uint32_t)length, flags));
}

/* UDP: one datagram to address (the socket's peer if NULL). TCP: address is ignored. */
ssize_t sendto(int fd, const void *buffer, size_t length, int flags, const struct sockaddr *address,
               socklen_t address_length) {
  return sb_result(wasm_sock_sendto(fd, buffer, (uint32_t)length, flags, address, address ? address_length : 0));
}

/* One iovec is sent per call (a short count is a valid result). */
ssize_t sendmsg(int fd, const struct msghdr *message, int flags) {
  for (size_t i = 0; i < (size_t)message->msg_iovlen; ++i)
    if (message->msg_iov[i].iov_len > 0)
      return sendto(fd, message->msg_iov[i].iov_base, message->msg_iov[i].iov_len, flags, message->msg_name,
                    message->msg_namelen);
  return 0;
}
