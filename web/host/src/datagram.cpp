// UDP sockets. Each has at most one Wisp UDP stream, to its current peer:
// connect() or a sendto() to a new address closes the old stream and opens a
// new one, and everything received is from that peer. A UDP connect never
// waits; a relay refusal (policy, ICMP unreachable) is the next call's error.
#include <algorithm>
#include <utility>

#include "close_reason_errno.hpp"
#include "sockbridge/host/kernel.hpp"

namespace sb::host {
namespace {

constexpr std::int32_t error(std::int32_t errno_value) { return -errno_value; }

}  // namespace

std::int32_t kernel::connect_datagram(socket& s, std::int32_t fd, const socket_address& peer) {
  if (peer.family != s.domain) return error(SB_EAFNOSUPPORT);
  if (link_ == link_state::closed) return error(SB_ENETUNREACH);
  if (s.state == socket_state::connected && s.peer == peer) return 0;
  if (s.state == socket_state::connected) {
    protocol::bytes frame;
    protocol::encode_close(frame, s.stream_id, protocol::close_reason::voluntary);
    send_frame(std::move(frame));
    fd_by_stream_.erase(s.stream_id);
    s.datagrams.clear();  // they came from the old peer
  }
  s.peer = peer;
  s.pending_error = 0;
  open_stream(s, fd, protocol::stream_type::udp);
  s.state = socket_state::connected;
  return 0;
}

std::int32_t kernel::send_datagram(socket& s, guest_ptr buf, std::uint32_t len) {
  if (s.pending_error) return error(std::exchange(s.pending_error, 0));
  if (s.state == socket_state::closed) return error(SB_ECONNREFUSED);
  if (s.state != socket_state::connected) return error(SB_EDESTADDRREQ);
  if (len > max_datagram_bytes) return error(SB_EMSGSIZE);
  protocol::bytes frame;
  protocol::encode_frame_header(frame, protocol::packet_type::data, s.stream_id);
  const auto header = frame.size();
  frame.resize(header + len);
  if (!memory_.read(buf, std::span(frame.data() + header, len))) return error(SB_EFAULT);
  send_frame(std::move(frame));
  s.bytes_sent += len;
  return static_cast<std::int32_t>(len);
}

std::int32_t kernel::receive_datagram(socket& s, guest_ptr buf, std::uint32_t len, std::int32_t flags) {
  if (s.datagrams.empty()) {
    if (s.pending_error) return error(std::exchange(s.pending_error, 0));
    if (s.state == socket_state::closed) return 0;
    if (s.nonblocking || (flags & SB_MSG_DONTWAIT)) return error(SB_EAGAIN);
    return wait(s.deadline, s.receive_timeout_ms, SB_EAGAIN);
  }
  const auto& datagram = s.datagrams.front();
  // Like recv(2) on a datagram socket: what does not fit in buf is lost.
  const auto copied = std::min<std::size_t>(len, datagram.size());
  if (!memory_.write(buf, std::span(datagram.data(), copied))) return error(SB_EFAULT);
  if (!(flags & SB_MSG_PEEK)) {
    s.bytes_received += datagram.size();
    s.datagrams.pop_front();
  }
  return static_cast<std::int32_t>(copied);
}

std::int32_t kernel::sock_sendto(std::int32_t fd, guest_ptr buf, std::uint32_t len, std::int32_t flags, guest_ptr addr,
                                 std::uint32_t addrlen) {
  return blocking_call(fd, [&](socket& s) {
    if (s.type == SB_SOCK_DGRAM && (addr != 0 || addrlen != 0)) {
      socket_address peer;
      if (auto e = read_socket_address(memory_, addr, addrlen, peer)) return error(e);
      if (auto result = connect_datagram(s, fd, peer); result < 0) return result;
    }
    return send(s, buf, len, flags);
  });
}

std::int32_t kernel::sock_recvfrom(std::int32_t fd, guest_ptr buf, std::uint32_t len, std::int32_t flags,
                                   guest_ptr addr, guest_ptr addrlen_ptr) {
  return blocking_call(fd, [&](socket& s) {
    // Checked first, so a bad address pointer loses no data.
    if (addr != 0 && !can_write_socket_address(memory_, addr, addrlen_ptr, s.peer)) return error(SB_EFAULT);
    const auto received = receive(s, buf, len, flags);
    if (received < 0 || addr == 0) return received;
    if (auto e = write_socket_address(memory_, addr, addrlen_ptr, s.peer)) return error(e);
    return received;
  });
}

}  // namespace sb::host
