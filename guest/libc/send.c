#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "msg_checks.h"
#include "sb_result.h"

ssize_t send(int fd, const void* buffer, size_t length, int flags) {
  if (!sb_msg_flags_known(flags)) return -1;
  return sb_result(wasm_sock_send(fd, buffer, (uint32_t)length, sb_send_flags(flags)));
}

/* UDP: one datagram to address (the socket's peer if NULL). TCP: address is ignored. */
ssize_t sendto(int fd, const void* buffer, size_t length, int flags, const struct sockaddr* address,
               socklen_t address_length) {
  if (!sb_msg_flags_known(flags)) return -1;
  return sb_result(
      wasm_sock_sendto(fd, buffer, (uint32_t)length, sb_send_flags(flags), address, address ? address_length : 0));
}

/* One call for the whole message, so a datagram in several iovecs stays one
 * datagram: iovecs are gathered into a buffer first (at most
 * sb_gather_limit_bytes; a stream takes a short count past that). */
ssize_t sendmsg(int fd, const struct msghdr* message, int flags) {
  if (!sb_msghdr_valid(message) || !sb_msg_flags_known(flags)) return -1;
  const struct iovec* nonempty;
  const size_t total = sb_msghdr_bytes(message, &nonempty);
  if (nonempty || total == 0)
    return sendto(fd, nonempty ? nonempty->iov_base : NULL, nonempty ? nonempty->iov_len : 0, flags, message->msg_name,
                  message->msg_namelen);
  char* gathered = malloc(total);
  if (!gathered) {
    errno = ENOBUFS;
    return -1;
  }
  size_t copied = 0;
  for (size_t i = 0; copied < total; ++i) {
    const size_t room = total - copied;
    const size_t piece = message->msg_iov[i].iov_len < room ? message->msg_iov[i].iov_len : room;
    if (piece > 0) memcpy(gathered + copied, message->msg_iov[i].iov_base, piece);
    copied += piece;
  }
  const ssize_t sent = sendto(fd, gathered, total, flags, message->msg_name, message->msg_namelen);
  free(gathered);
  return sent;
}
