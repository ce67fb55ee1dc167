// UDP sockets. Two ways to reach the relay's UDP:
//  - on a relay with the sockbridge extension, a socket that bind()s or
//    sendto()s before any connect() gets a port of its own on the relay
//    (UDP_BIND); its DATAGRAM packets carry the other end's address, so one
//    socket talks to any number of peers and recvfrom names each sender;
//  - otherwise (connect() first, or a plain Wisp relay) the socket has one
//    Wisp UDP stream, to its current peer: connect() or a sendto() to a new
//    address closes the old stream and opens a new one, and everything
//    received is from that peer.
// Neither waits on connect or sendto; a relay refusal (policy, ICMP
// unreachable, a failed implicit bind) is the next call's error. An explicit
// bind() waits for the relay's answer.
#include <algorithm>
#include <utility>

#include "close_reason_errno.hpp"
#include "sockbridge/host/kernel.hpp"

namespace sb::host {
namespace {

constexpr std::int32_t error(std::int32_t errno_value) { return -errno_value; }

}  // namespace

void kernel::open_bound_stream(socket& s, std::int32_t object) {
  s.stream_id = next_stream_id_++;
  fd_by_stream_[s.stream_id] = object;
  auto local = s.local;
  local.family = s.domain;
  protocol::bytes frame;
  protocol::encode_udp_bind(frame, s.stream_id, to_wire(local));
  send_frame(std::move(frame));
  s.local_binding = binding::relay_port;
  s.state = socket_state::bind_pending;
}

std::int32_t kernel::bind_datagram(socket& s, std::int32_t object, guest_ptr addr, std::uint32_t addrlen) {
  if (s.awaiting_retry == retried_call::bind) {  // the retry of a bind that waited for the relay
    if (s.state == socket_state::bind_pending) return block_forever();
    s.awaiting_retry = retried_call::none;
    if (s.state == socket_state::bound) return 0;
    return error(s.pending_error ? std::exchange(s.pending_error, 0) : SB_EADDRNOTAVAIL);
  }
  socket_address local;
  if (auto e = read_socket_address(memory_, addr, addrlen, local)) return error(e);
  if (local.family != s.domain) return error(SB_EAFNOSUPPORT);
  if (s.state != socket_state::created || s.local_binding != binding::none) return error(SB_EINVAL);
  if (link_ == link_state::closed) return error(SB_ENETUNREACH);
  // Whether the relay can bind is known once the handshake is done; until then wait.
  if (link_ == link_state::handshaking) return block_forever();
  s.local = local;
  if (!relay_has(protocol::sockbridge_feature_bound_udp)) {  // a plain Wisp (or older) relay has no bound UDP: the
                                                             // address is only recorded
    s.local_binding = binding::address;
    return 0;
  }
  open_bound_stream(s, object);
  s.awaiting_retry = retried_call::bind;
  return block_forever();
}

std::int32_t kernel::connect_datagram(socket& s, std::int32_t object, const socket_address& peer) {
  if (peer.family != s.domain) return error(SB_EAFNOSUPPORT);
  if (link_ == link_state::closed) return error(SB_ENETUNREACH);
  if (s.local_binding == binding::relay_port && s.state != socket_state::closed) {
    // Keep the relay port; only datagrams from the peer are received from now on.
    s.peer = peer;
    s.state = socket_state::connected;  // also before the relay confirmed the port: on_connected keeps it
    std::erase_if(s.datagrams, [&](const received_datagram& d) { return !(d.from == peer); });
    return 0;
  }
  if (s.state == socket_state::connected && s.peer == peer) return 0;
  if (s.state == socket_state::connected) {
    protocol::bytes frame;
    protocol::encode_close(frame, s.stream_id, protocol::close_reason::voluntary);
    send_frame(std::move(frame));
    fd_by_stream_.erase(s.stream_id);
    s.datagrams.clear();  // they came from the old peer
  }
  if (s.local_binding == binding::relay_port) s.local_binding = binding::address;  // its port is gone
  s.peer = peer;
  s.pending_error = 0;
  open_stream(s, object, protocol::stream_type::udp);
  s.state = socket_state::connected;
  return 0;
}

std::int32_t kernel::send_datagram(socket& s, guest_ptr buf, std::uint32_t len, const socket_address* to) {
  if (s.pending_error) return error(std::exchange(s.pending_error, 0));
  if (s.state == socket_state::closed) return error(SB_ECONNREFUSED);
  if (!to && s.state != socket_state::connected) return error(SB_EDESTADDRREQ);
  if (len > max_datagram_bytes) return error(SB_EMSGSIZE);
  protocol::bytes frame;
  if (s.local_binding == binding::relay_port)
    protocol::encode_datagram(frame, s.stream_id, {to_wire(to ? *to : s.peer), {}});
  else
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
    // Its relay stream ended and that was reported: nothing can arrive (sendto binds or connects anew).
    if (s.state == socket_state::closed) return error(SB_ENOTCONN);
    if (s.nonblocking || (flags & SB_MSG_DONTWAIT)) return error(SB_EAGAIN);
    return wait(s.deadline, s.receive_timeout_ms, SB_EAGAIN);
  }
  const auto& datagram = s.datagrams.front().data;
  // Like recv(2) on a datagram socket: what does not fit in buf is lost.
  const auto copied = std::min<std::size_t>(len, datagram.size());
  if (!memory_.write(buf, std::span(datagram.data(), copied))) return error(SB_EFAULT);
  if (!(flags & SB_MSG_PEEK)) {
    s.bytes_received += datagram.size();
    s.datagrams.pop_front();
  }
  return static_cast<std::int32_t>(copied);
}

void kernel::on_datagram(socket& s, const protocol::frame& frame) {
  protocol::datagram_payload datagram;
  if (protocol::decode_datagram(frame.payload, datagram) != protocol::decode_error::ok)
    return fail_link("relay sent a malformed DATAGRAM");
  if (s.local_binding != binding::relay_port) return;  // only UDP_BIND streams carry addressed datagrams
  const auto from = from_wire(datagram.peer);
  if (s.state == socket_state::connected && !(from == s.peer)) return;  // connect() filters senders
  if (s.datagrams.size() < max_queued_datagrams)
    s.datagrams.push_back({from, protocol::bytes(datagram.data.begin(), datagram.data.end())});
}

std::int32_t kernel::sock_sendto(std::int32_t fd, guest_ptr buf, std::uint32_t len, std::int32_t flags, guest_ptr addr,
                                 std::uint32_t addrlen) {
  return blocking_call(fd, [&](socket& s) {
    if (s.type != SB_SOCK_DGRAM || (addr == 0 && addrlen == 0)) return send(s, buf, len, flags);
    socket_address to;
    if (auto e = read_socket_address(memory_, addr, addrlen, to)) return error(e);
    if (to.family != s.domain) return error(SB_EAFNOSUPPORT);
    if (!memory_.contains(buf, len)) return error(SB_EFAULT);
    if (s.state == socket_state::created && link_ == link_state::handshaking)
      return block_forever();  // whether the relay binds UDP ports is known after the handshake
    if (s.local_binding == binding::relay_port && s.state == socket_state::closed && !s.pending_error) {
      // The relay closed the port (its error already reported): bind a new one.
      s.local_binding = binding::none;
      s.local = {};
      s.state = socket_state::created;
    }
    if (len > max_datagram_bytes) return error(SB_EMSGSIZE);  // before it costs a relay port
    if (s.state == socket_state::created && relay_has(protocol::sockbridge_feature_bound_udp) &&
        link_ == link_state::ready)
      open_bound_stream(s, object_of(fd));
    if (s.local_binding == binding::relay_port) return send_datagram(s, buf, len, &to);
    if (auto result = connect_datagram(s, object_of(fd), to); result < 0) return result;
    return send_datagram(s, buf, len);
  });
}

std::int32_t kernel::sock_recvfrom(std::int32_t fd, guest_ptr buf, std::uint32_t len, std::int32_t flags,
                                   guest_ptr addr, guest_ptr addrlen_ptr) {
  return blocking_call(fd, [&](socket& s) {
    // The sender of the datagram this call returns, if it returns one (TCP: the peer).
    const auto from = s.datagrams.empty() ? s.peer : s.datagrams.front().from;
    // Checked first, so a bad address pointer loses no data.
    if (addr != 0 && !can_write_socket_address(memory_, addr, addrlen_ptr, from)) return error(SB_EFAULT);
    const auto received = receive(s, buf, len, flags);
    if (received < 0 || addr == 0) return received;
    if (auto e = write_socket_address(memory_, addr, addrlen_ptr, from)) return error(e);
    return received;
  });
}

}  // namespace sb::host
