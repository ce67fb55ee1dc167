// Local pipes and socket pairs: two fds of the guest's own table joined by
// byte queues (local_channel), never seen by the relay. A pipe end is a
// `socket` of pipe_type holding one channel; a pair's sockets hold two each,
// crossed. Behaviour follows Linux's pipes and AF_UNIX stream sockets.
#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "sockbridge/host/kernel.hpp"

namespace sb::host {
namespace {

constexpr std::int32_t error(std::int32_t errno_value) { return -errno_value; }

constexpr std::int32_t pair_flags = SB_SOCK_NONBLOCK | SB_SOCK_CLOEXEC;

socket local_end(std::int32_t domain, std::int32_t type, bool nonblocking) {
  socket s;
  s.domain = domain;
  s.type = type;
  s.nonblocking = nonblocking;
  s.state = socket_state::connected;
  s.peer.family = domain;
  return s;
}

}  // namespace

std::int32_t kernel::add_local_ends(socket a, socket b, guest_ptr fds) {
  if (!memory_.contains(fds, 8)) return error(SB_EFAULT);
  if (sockets_.size() + 2 > max_open_sockets || fds_full(2)) return error(SB_EMFILE);
  const auto [first, first_object] = open_object();
  sockets_.emplace(first_object, std::move(a));
  const auto [second, second_object] = open_object();
  sockets_.emplace(second_object, std::move(b));
  // Cannot fail: the range was checked above and guest memory never shrinks.
  (void)memory_.write_u32(fds, static_cast<std::uint32_t>(first));
  (void)memory_.write_u32(fds + 4, static_cast<std::uint32_t>(second));
  return 0;
}

std::int32_t kernel::sock_pipe(guest_ptr fds, std::int32_t flags) {
  if (flags & ~pair_flags) return error(SB_EINVAL);
  const bool nonblocking = (flags & SB_SOCK_NONBLOCK) != 0;
  auto channel = std::make_shared<local_channel>();
  auto reader = local_end(SB_AF_UNSPEC, pipe_type, nonblocking);
  auto writer = local_end(SB_AF_UNSPEC, pipe_type, nonblocking);
  reader.local_in = channel;
  writer.local_out = std::move(channel);
  return add_local_ends(std::move(reader), std::move(writer), fds);
}

std::int32_t kernel::sock_socketpair(std::int32_t domain, std::int32_t type, std::int32_t protocol, guest_ptr fds) {
  if (domain == SB_AF_INET || domain == SB_AF_INET6) return error(SB_ENOTSUP);  // as Linux: no pairs there
  if (domain != SB_AF_UNIX) return error(SB_EAFNOSUPPORT);
  if (type & ~(SB_SOCK_TYPE_MASK | pair_flags)) return error(SB_EINVAL);
  const auto base_type = type & SB_SOCK_TYPE_MASK;
  if (base_type == SB_SOCK_DGRAM) return error(SB_ENOTSUP);  // datagram pairs are not implemented
  if (base_type != SB_SOCK_STREAM) return error(SB_EPROTOTYPE);
  if (protocol != 0) return error(SB_EPROTONOSUPPORT);
  const bool nonblocking = (type & SB_SOCK_NONBLOCK) != 0;
  auto a_to_b = std::make_shared<local_channel>();
  auto b_to_a = std::make_shared<local_channel>();
  auto a = local_end(SB_AF_UNIX, SB_SOCK_STREAM, nonblocking);
  auto b = local_end(SB_AF_UNIX, SB_SOCK_STREAM, nonblocking);
  a.local_out = a_to_b;
  a.local_in = b_to_a;
  b.local_out = std::move(b_to_a);
  b.local_in = std::move(a_to_b);
  return add_local_ends(std::move(a), std::move(b), fds);
}

std::int32_t kernel::local_send(socket& s, guest_ptr buf, std::uint32_t len, std::int32_t flags) {
  if (!s.local_out) return error(SB_EBADF);  // the read end of a pipe
  local_channel& channel = *s.local_out;
  if (s.shut.writing() || !channel.reader_open) return error(SB_EPIPE);
  if (len == 0) return 0;
  const auto space = local_buffer_bytes - channel.bytes.size();
  // Up to PIPE_BUF bytes go in whole or not at all; more may go in part.
  if (space == 0 || (len <= local_atomic_write_bytes && space < len)) {
    if (s.nonblocking || (flags & SB_MSG_DONTWAIT)) return error(SB_EAGAIN);
    return wait(s.deadline, s.send_timeout_ms, SB_EAGAIN);
  }
  std::vector<std::uint8_t> bytes(std::min<std::size_t>(len, space));
  if (!memory_.read(buf, bytes)) return error(SB_EFAULT);
  channel.bytes.push(bytes);
  s.bytes_sent += bytes.size();
  return static_cast<std::int32_t>(bytes.size());
}

std::int32_t kernel::local_receive(socket& s, guest_ptr buf, std::uint32_t len, std::int32_t flags) {
  if (!s.local_in) return error(SB_EBADF);  // the write end of a pipe
  local_channel& channel = *s.local_in;
  if (len == 0 || s.shut.reading()) return 0;
  if (channel.bytes.empty()) {
    if (!channel.writer_open) return 0;
    if (s.nonblocking || (flags & SB_MSG_DONTWAIT)) return error(SB_EAGAIN);
    return wait(s.deadline, s.receive_timeout_ms, SB_EAGAIN);
  }
  guest_ptr cursor = buf;
  const bool peek = (flags & SB_MSG_PEEK) != 0;
  const auto copied = channel.bytes.consume(len, peek, [&](std::span<const std::uint8_t> piece) {
    if (!memory_.write(cursor, piece)) return false;
    cursor += static_cast<guest_ptr>(piece.size());
    return true;
  });
  if (!peek) s.bytes_received += copied;
  return static_cast<std::int32_t>(copied);
}

std::int32_t kernel::local_shutdown(socket& s, std::int32_t how) {
  if (how & SB_SHUT_RD) {
    // Unread bytes are dropped and the other end's writes fail with EPIPE, as on Linux.
    s.shut.add(SB_SHUT_RD);
    s.local_in->reader_open = false;
    s.local_in->bytes = {};
  }
  if (how & SB_SHUT_WR) {
    s.shut.add(SB_SHUT_WR);
    s.local_out->writer_open = false;
  }
  return 0;
}

void kernel::local_close(socket& s) {
  if (s.local_in) {
    s.local_in->reader_open = false;
    s.local_in->bytes = {};
  }
  if (s.local_out) s.local_out->writer_open = false;
}

std::int16_t kernel::local_poll_events(const socket& s) const {
  std::int16_t events = 0;
  const local_channel* in = s.local_in.get();
  const local_channel* out = s.local_out.get();
  if (in && (!in->bytes.empty() || !in->writer_open || s.shut.reading())) events |= SB_POLLIN;
  if (out && (out->bytes.size() < local_buffer_bytes || !out->reader_open || s.shut.writing())) events |= SB_POLLOUT;
  if (s.type == pipe_type) {
    if (in && !in->writer_open) events |= SB_POLLHUP;    // no writer left
    if (out && !out->reader_open) events |= SB_POLLERR;  // no reader left
    return events;
  }
  if (!in->writer_open && !out->reader_open) events |= SB_POLLHUP;  // the other socket is gone
  return events;
}

}  // namespace sb::host
