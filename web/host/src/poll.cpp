// poll() over sockets and stdio together, and stdin reads.
#include <vector>

#include "sockbridge/host/kernel.hpp"

namespace sb::host {
namespace {

constexpr std::int32_t error(std::int32_t errno_value) { return -errno_value; }

}  // namespace

std::int16_t kernel::poll_events(std::int32_t fd) const {
  const auto object = object_of(fd);
  if (object == 0) {
    const bool readable = stdin_state_ != stdin_state::open || !stdin_.empty();
    return readable ? SB_POLLIN : 0;
  }
  if (object == 1 || object == 2) return SB_POLLOUT;
  if (reserved_objects_.contains(object)) return SB_POLLIN | SB_POLLOUT;  // a file never makes a reader wait
  const socket* s = find(fd);
  if (!s) return SB_POLLNVAL;
  if (s->is_local()) return local_poll_events(*s);
  switch (s->state) {
    case socket_state::created:
      if (s->type == SB_SOCK_DGRAM) return s->pending_error ? SB_POLLOUT | SB_POLLERR : SB_POLLOUT;
      return SB_POLLOUT | SB_POLLHUP;  // as Linux reports an unconnected stream socket
    case socket_state::connecting:
    case socket_state::listen_pending:
      return 0;
    case socket_state::listening:
      return s->accept_queue.empty() ? 0 : SB_POLLIN;
    case socket_state::bind_pending:
    case socket_state::bound:
    case socket_state::unconfirmed:
    case socket_state::connected:
    case socket_state::peer_finished: {
      if (s->type == SB_SOCK_DGRAM)
        return static_cast<std::int16_t>(SB_POLLOUT | (s->datagrams.empty() ? 0 : SB_POLLIN) |
                                         (s->pending_error ? SB_POLLERR : 0));
      std::int16_t events = 0;
      if (!s->received.empty() || s->state == socket_state::peer_finished || s->shut.reading()) events |= SB_POLLIN;
      if (s->send_credit > 0) events |= SB_POLLOUT;
      return events;
    }
    case socket_state::closed:
      return static_cast<std::int16_t>(SB_POLLIN | SB_POLLOUT | SB_POLLHUP | (s->pending_error ? SB_POLLERR : 0));
  }
  return 0;
}

std::uint64_t kernel::readable_bytes(std::int32_t fd) const {
  if (object_of(fd) == 0) return stdin_.size();
  const socket* s = find(fd);
  if (!s || s->shut.reading()) return 0;
  if (s->is_local()) return s->local_in ? s->local_in->bytes.size() : 0;
  if (s->type == SB_SOCK_STREAM) return s->received.size();
  return s->datagrams.empty() ? 0 : s->datagrams.front().data.size();
}

std::int32_t kernel::sock_poll(guest_ptr fds, std::uint32_t nfds, std::int32_t timeout_ms) {
  if (nfds > SB_POLL_MAX_FDS) return error(SB_EINVAL);
  const auto bytes = std::size_t{nfds} * SB_POLLFD_SIZE;
  if (!memory_.contains(fds, bytes)) return error(SB_EFAULT);
  std::vector<std::uint8_t> table(bytes);
  if (!memory_.read(fds, table)) return error(SB_EFAULT);

  std::int32_t ready = 0;
  for (std::size_t i = 0; i < nfds; ++i) {
    auto* entry = table.data() + i * SB_POLLFD_SIZE;
    const auto fd = static_cast<std::int32_t>(entry[0] | entry[1] << 8 | entry[2] << 16 | entry[3] << 24);
    const auto requested = static_cast<std::int16_t>(entry[4] | entry[5] << 8);
    std::int16_t revents = 0;
    if (fd >= 0) {
      // Errors, hang-ups and invalid fds are reported whether asked for or not.
      const auto events = poll_events(fd);
      revents = static_cast<std::int16_t>(events & (requested | SB_POLLERR | SB_POLLHUP | SB_POLLNVAL));
    }
    entry[6] = static_cast<std::uint8_t>(revents);
    entry[7] = static_cast<std::uint8_t>(revents >> 8);
    if (revents) ++ready;
  }
  if (!memory_.write(fds, table)) return error(SB_EFAULT);
  if (ready > 0 || timeout_ms == 0) {
    poll_deadline_.reset();
    return ready;
  }
  if (timeout_ms < 0) return block_forever();
  const auto waited = wait(poll_deadline_, static_cast<std::uint64_t>(timeout_ms), 0);
  return waited == would_block ? would_block : 0;  // expired: no fd became ready
}

std::int32_t kernel::read_stdin(guest_ptr buf, std::uint32_t len) {
  if (!memory_.contains(buf, len)) return error(SB_EFAULT);
  if (stdin_state_ == stdin_state::unattached || len == 0) return 0;
  if (stdin_.empty()) return stdin_state_ == stdin_state::ended ? 0 : block_forever();
  guest_ptr cursor = buf;
  const auto copied = stdin_.consume(len, false, [&](std::span<const std::uint8_t> piece) {
    if (!memory_.write(cursor, piece)) return false;
    cursor += static_cast<guest_ptr>(piece.size());
    return true;
  });
  return static_cast<std::int32_t>(copied);
}

std::int32_t kernel::set_nonblocking(std::int32_t fd, bool nonblocking) {
  std::int32_t err = 0;
  socket* s = find_stream(fd, err);
  if (!s) return err;
  s->nonblocking = nonblocking;
  return 0;
}

}  // namespace sb::host
