#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "alarm_wait.h"
#include "msg_checks.h"
#include "sb_result.h"

/* MSG_WAITALL is this layer's loop, and a stream's only: on a datagram socket
 * it would join datagrams, so there a receive returns one, as on Linux. A
 * socket the host cannot answer for counts as a stream; its recv reports why. */
static int is_stream(int fd) {
  int32_t type = 0;
  uint32_t length = sizeof type;
  return wasm_sock_getsockopt(fd, SB_SOL_SOCKET, SB_SO_TYPE, &type, &length) < 0 || type != SB_SOCK_DGRAM;
}

ssize_t recv(int fd, void* buffer, size_t length, int flags) {
  if (!sb_recv_flags_valid(flags)) return -1;
  if (!(flags & MSG_DONTWAIT) && sb_alarm_wait(fd, POLLIN) == sb_alarm_is_due) return sb_alarm_interrupt();
  if (!(flags & MSG_WAITALL) || !is_stream(fd))
    return sb_result(wasm_sock_recv(fd, buffer, (uint32_t)length, flags & ~MSG_WAITALL));
  size_t got = 0;
  while (got < length) {
    int32_t n = wasm_sock_recv(fd, (char*)buffer + got, (uint32_t)(length - got), flags & ~MSG_WAITALL);
    if (n < 0) return got > 0 ? (ssize_t)got : sb_result(n);
    if (n == 0) break;
    got += (size_t)n;
  }
  return (ssize_t)got;
}

/* The source is the socket's peer (a UDP socket talks to one peer at a time). */
ssize_t recvfrom(int fd, void* __restrict buffer, size_t length, int flags, struct sockaddr* __restrict address,
                 socklen_t* __restrict address_length) {
  if (!address || !address_length) return recv(fd, buffer, length, flags);
  if (!sb_recv_flags_valid(flags)) return -1;
  if (!(flags & MSG_DONTWAIT) && sb_alarm_wait(fd, POLLIN) == sb_alarm_is_due) return sb_alarm_interrupt();
  uint32_t wire_length = *address_length;
  int32_t got = wasm_sock_recvfrom(fd, buffer, (uint32_t)length, flags, address, &wire_length);
  if (got >= 0) *address_length = wire_length;
  return sb_result(got);
}

/* One receive for the whole message, so a datagram lands whole across several
 * iovecs: into the only iovec with room, or into a buffer of at most
 * sb_gather_limit_bytes that is then scattered over them. */
ssize_t recvmsg(int fd, struct msghdr* message, int flags) {
  if (!sb_msghdr_valid(message) || !sb_recv_flags_valid(flags)) return -1;
  message->msg_flags = 0;
  message->msg_controllen = 0;
  const struct iovec* nonempty;
  const size_t capacity = sb_msghdr_bytes(message, &nonempty);
  if (capacity == 0) return 0;
  char* gathered = nonempty ? NULL : malloc(capacity);
  if (!nonempty && !gathered) {
    errno = ENOBUFS;
    return -1;
  }
  socklen_t name_length = message->msg_namelen;
  const ssize_t got = recvfrom(fd, nonempty ? nonempty->iov_base : gathered, nonempty ? nonempty->iov_len : capacity,
                               flags, message->msg_name, message->msg_name ? &name_length : NULL);
  if (got >= 0 && message->msg_name) message->msg_namelen = name_length;
  size_t scattered = 0;
  for (size_t i = 0; gathered && got > 0 && scattered < (size_t)got; ++i) {
    const size_t left = (size_t)got - scattered;
    const size_t piece = message->msg_iov[i].iov_len < left ? message->msg_iov[i].iov_len : left;
    if (piece > 0) memcpy(message->msg_iov[i].iov_base, gathered + scattered, piece);
    scattered += piece;
  }
  free(gathered);
  return got;
}
