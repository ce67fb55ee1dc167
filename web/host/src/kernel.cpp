#include "sockbridge/host/kernel.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include "close_reason_errno.hpp"

namespace sb::host {
namespace {

constexpr std::int32_t error(std::int32_t errno_value) { return -errno_value; }

}  // namespace

const socket* kernel::find(std::int32_t fd) const {
  auto it = sockets_.find(object_of(fd));
  return it == sockets_.end() ? nullptr : &it->second;
}

std::uint64_t steady_clock_ms() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

std::int32_t kernel::block_forever() {
  wake_at_.reset();
  return would_block;
}

std::int32_t kernel::wait(std::optional<std::uint64_t>& deadline, std::uint64_t timeout_ms,
                          std::int32_t expired_errno) {
  if (timeout_ms == 0) return block_forever();
  const auto now = now_();
  if (!deadline) deadline = now + timeout_ms;
  if (now >= *deadline) {
    deadline.reset();
    return error(expired_errno);
  }
  wake_at_ = *deadline;
  return would_block;
}

std::int64_t kernel::wake_after_ms() const {
  if (!wake_at_) return -1;
  const auto now = now_();
  return *wake_at_ > now ? static_cast<std::int64_t>(*wake_at_ - now) : 0;
}

socket* kernel::find_socket(std::int32_t fd, std::int32_t& error_out) {
  socket* s = find_stream(fd, error_out);
  if (!s || s->type != pipe_type) return s;
  error_out = error(SB_ENOTSOCK);
  return nullptr;
}

socket* kernel::find_stream(std::int32_t fd, std::int32_t& error_out) {
  const auto object = object_of(fd);
  auto it = sockets_.find(object);
  if (it != sockets_.end()) return &it->second;
  error_out = object >= 0 ? error(SB_ENOTSOCK) : error(SB_EBADF);  // stdio or a file
  return nullptr;
}

socket* kernel::by_stream(std::uint32_t stream_id) {
  if (auto it = fd_by_stream_.find(stream_id); it != fd_by_stream_.end()) return &sockets_.at(it->second);
  if (auto embryo = embryos_.find(stream_id); embryo != embryos_.end()) return &embryo->second;
  return nullptr;
}

void kernel::send_frame(protocol::bytes frame) {
  if (link_ == link_state::ready)
    outgoing_.push_back(std::move(frame));
  else if (link_ == link_state::handshaking)
    held_.push_back(std::move(frame));
}

std::int32_t kernel::sock_socket(std::int32_t domain, std::int32_t type, std::int32_t protocol) {
  if (domain != SB_AF_INET && domain != SB_AF_INET6) return error(SB_EAFNOSUPPORT);
  const auto base_type = type & SB_SOCK_TYPE_MASK;
  if (type & ~(SB_SOCK_TYPE_MASK | SB_SOCK_NONBLOCK | SB_SOCK_CLOEXEC)) return error(SB_EINVAL);
  if (base_type != SB_SOCK_STREAM && base_type != SB_SOCK_DGRAM) return error(SB_EPROTOTYPE);
  const std::int32_t native_protocol = base_type == SB_SOCK_STREAM ? 6 /* IPPROTO_TCP */ : 17 /* IPPROTO_UDP */;
  if (protocol != 0 && protocol != native_protocol) return error(SB_EPROTONOSUPPORT);
  if (sockets_.size() >= max_open_sockets || fds_full()) return error(SB_EMFILE);
  const auto [fd, object] = open_object();
  socket s;
  s.domain = domain;
  s.type = base_type;
  s.nonblocking = (type & SB_SOCK_NONBLOCK) != 0;
  sockets_.emplace(object, std::move(s));
  return fd;
}

std::int32_t kernel::finish_connect(socket& s) {
  s.awaiting_retry = retried_call::none;
  if (is_connected(s.state)) return 0;
  const auto failure = std::exchange(s.pending_error, 0);
  return error(failure ? failure : SB_ECONNREFUSED);
}

std::int32_t kernel::sock_connect(std::int32_t fd, guest_ptr addr, std::uint32_t addrlen) {
  return blocking_call(fd, [&](socket& s) { return connect(s, object_of(fd), addr, addrlen); });
}

std::int32_t kernel::connect(socket& s, std::int32_t object, guest_ptr addr, std::uint32_t addrlen) {
  if (s.type == SB_SOCK_DGRAM) {
    socket_address peer;
    if (auto e = read_socket_address(memory_, addr, addrlen, peer)) return error(e);
    return connect_datagram(s, object, peer);
  }
  if (s.awaiting_retry == retried_call::connect) {
    if (s.state != socket_state::connecting) return finish_connect(s);
    const auto waited = wait(s.deadline, s.send_timeout_ms, SB_ETIMEDOUT);
    if (waited != would_block) s.awaiting_retry = retried_call::none;
    return waited;
  }
  if (s.state == socket_state::connecting) return error(SB_EALREADY);
  if (is_connected(s.state)) return error(SB_EISCONN);
  if (s.state == socket_state::closed) return error(s.pending_error ? std::exchange(s.pending_error, 0) : SB_EINVAL);
  if (s.state != socket_state::created) return error(SB_EINVAL);  // listening

  socket_address target;
  if (auto e = read_socket_address(memory_, addr, addrlen, target)) return error(e);
  if (target.family != s.domain) return error(SB_EAFNOSUPPORT);
  if (link_ == link_state::closed) return error(SB_ENETUNREACH);

  s.peer = target;
  open_stream(s, object, protocol::stream_type::tcp);
  s.state = socket_state::connecting;

  if (link_ == link_state::ready && !open_confirmation_) {
    // Wisp v1 has no connect result: the stream is usable at once and a
    // failure arrives later as a CLOSE, seen by the next send or recv.
    s.state = socket_state::unconfirmed;
    return 0;
  }
  if (s.nonblocking) return error(SB_EINPROGRESS);
  s.awaiting_retry = retried_call::connect;
  return wait(s.deadline, s.send_timeout_ms, SB_ETIMEDOUT);
}

std::int32_t kernel::sock_send(std::int32_t fd, guest_ptr buf, std::uint32_t len, std::int32_t flags) {
  return blocking_call(fd, [&](socket& s) { return send(s, buf, len, flags); });
}

void kernel::open_stream(socket& s, std::int32_t object, protocol::stream_type type) {
  s.stream_id = next_stream_id_++;
  fd_by_stream_[s.stream_id] = object;
  protocol::bytes frame;
  protocol::encode_connect(frame, s.stream_id, {type, s.peer.port, s.peer.ip_text()});
  send_frame(std::move(frame));
  s.send_credit = initial_credit_;
}

std::int32_t kernel::send(socket& s, guest_ptr buf, std::uint32_t len, std::int32_t flags) {
  if (!memory_.contains(buf, len)) return error(SB_EFAULT);
  if (s.is_local()) return local_send(s, buf, len, flags);
  if (s.type == SB_SOCK_DGRAM) return send_datagram(s, buf, len);
  if (s.pending_error) return error(std::exchange(s.pending_error, 0));
  if (s.state == socket_state::closed || s.shut.writing()) return error(SB_EPIPE);
  if (!is_connected(s.state) && s.state != socket_state::connecting) return error(SB_ENOTCONN);
  if (s.state == socket_state::connecting || s.send_credit == 0) {
    if (s.nonblocking || (flags & SB_MSG_DONTWAIT)) return error(SB_EAGAIN);
    return wait(s.deadline, s.send_timeout_ms, SB_EAGAIN);
  }

  std::uint32_t sent = 0;
  while (sent < len && s.send_credit > 0) {
    const auto piece = static_cast<std::uint32_t>(std::min<std::size_t>(len - sent, max_data_payload_bytes));
    protocol::bytes frame;
    protocol::encode_frame_header(frame, protocol::packet_type::data, s.stream_id);
    const auto header = frame.size();
    frame.resize(header + piece);
    if (!memory_.read(buf + sent, std::span(frame.data() + header, piece))) return error(SB_EFAULT);
    send_frame(std::move(frame));
    --s.send_credit;
    sent += piece;
  }
  s.bytes_sent += sent;
  return static_cast<std::int32_t>(sent);
}

std::int32_t kernel::sock_recv(std::int32_t fd, guest_ptr buf, std::uint32_t len, std::int32_t flags) {
  return blocking_call(fd, [&](socket& s) { return receive(s, buf, len, flags); });
}

std::int32_t kernel::receive(socket& s, guest_ptr buf, std::uint32_t len, std::int32_t flags) {
  if (!memory_.contains(buf, len)) return error(SB_EFAULT);
  if (s.is_local()) return local_receive(s, buf, len, flags);
  if (s.type == SB_SOCK_DGRAM) return receive_datagram(s, buf, len, flags);
  if (s.state == socket_state::created || s.state == socket_state::listen_pending || s.state == socket_state::listening)
    return error(SB_ENOTCONN);
  const bool dont_wait = s.nonblocking || (flags & SB_MSG_DONTWAIT);
  if (s.state == socket_state::connecting)
    return dont_wait ? error(SB_EAGAIN) : wait(s.deadline, s.receive_timeout_ms, SB_EAGAIN);
  if (len == 0 || s.shut.reading()) return 0;
  if (s.received.empty()) {
    if (s.pending_error) return error(std::exchange(s.pending_error, 0));
    if (s.state == socket_state::peer_finished || s.state == socket_state::closed) return 0;
    return dont_wait ? error(SB_EAGAIN) : wait(s.deadline, s.receive_timeout_ms, SB_EAGAIN);
  }
  guest_ptr cursor = buf;
  const bool peek = (flags & SB_MSG_PEEK) != 0;
  const auto copied = s.received.consume(len, peek, [&](std::span<const std::uint8_t> piece) {
    if (!memory_.write(cursor, piece)) return false;
    cursor += static_cast<guest_ptr>(piece.size());
    return true;
  });
  if (!peek) {
    s.bytes_received += copied;
    release_window(s, copied);
  }
  return static_cast<std::int32_t>(copied);
}

std::int32_t kernel::sock_bind(std::int32_t fd, guest_ptr addr, std::uint32_t addrlen) {
  return blocking_call(fd, [&](socket& s) {
    if (s.type == SB_SOCK_DGRAM) return bind_datagram(s, object_of(fd), addr, addrlen);
    socket_address local;
    if (auto e = read_socket_address(memory_, addr, addrlen, local)) return error(e);
    if (local.family != s.domain) return error(SB_EAFNOSUPPORT);
    if (s.state != socket_state::created || s.local_binding != binding::none) return error(SB_EINVAL);
    // Used by listen(); outgoing connections leave from the relay's own address.
    s.local = local;
    s.local_binding = binding::address;
    return 0;
  });
}

std::int32_t kernel::read(std::int32_t fd, guest_ptr buf, std::uint32_t len) {
  return blocking_call(
      fd, [&](socket& s) { return receive(s, buf, len, 0); }, true);
}

std::int32_t kernel::write(std::int32_t fd, guest_ptr buf, std::uint32_t len) {
  return blocking_call(
      fd, [&](socket& s) { return send(s, buf, len, 0); }, true);
}

std::int32_t kernel::sock_close(std::int32_t fd) {
  std::int32_t err = 0;
  if (!find_stream(fd, err)) return err;
  const auto object = object_of(fd);
  if (release_fd(fd)) close_socket(object);  // else another fd (dup) still names it
  return 0;
}

void kernel::close_socket(std::int32_t object) {
  socket* s = &sockets_.at(object);
  if (s->is_local()) {
    local_close(*s);
    sockets_.erase(object);
    return;
  }
  const bool stream_open = s->state != socket_state::created && s->state != socket_state::closed;
  if (stream_open) {
    protocol::bytes frame;
    protocol::encode_close(frame, s->stream_id, protocol::close_reason::voluntary);
    send_frame(std::move(frame));
  }
  for (auto pending : s->accept_queue) {  // connections nobody accepted
    protocol::bytes frame;
    protocol::encode_close(frame, pending, protocol::close_reason::voluntary);
    send_frame(std::move(frame));
    embryos_.erase(pending);
  }
  fd_by_stream_.erase(s->stream_id);
  sockets_.erase(object);
}

void kernel::close_all() {
  while (!sockets_.empty()) close_socket(sockets_.begin()->first);
  reserved_objects_.clear();
  fds_ = {{0, 0}, {1, 1}, {2, 2}};
  fd_counts_ = {{0, 1}, {1, 1}, {2, 1}};
}

void kernel::on_frame(protocol::byte_view bytes) {
  if (link_ == link_state::closed) return;
  protocol::frame frame;
  if (auto e = protocol::decode_frame(bytes, frame); e != protocol::decode_error::ok)
    return fail_link("relay sent a malformed frame: " + std::string(protocol::describe(e)));
  if (frame.stream_id == protocol::session_stream_id) return on_session_frame(frame);
  on_stream_frame(frame);
}

std::uint8_t* kernel::frame_buffer(std::size_t length) {
  inbound_.resize(length);
  return inbound_.data();
}

void kernel::on_frame_buffer() {
  byte_buffer frame = std::exchange(inbound_, {});
  inbound_owner_ = &frame;
  on_frame(frame);
  inbound_owner_ = nullptr;
  if (frame.capacity() > 0) inbound_ = std::move(frame);  // not taken: the next message reuses it
}

void kernel::on_session_frame(const protocol::frame& frame) {
  switch (frame.type) {
    case protocol::packet_type::info:
      return on_relay_info(frame);
    case protocol::packet_type::continue_: {
      std::uint32_t credit = 0;
      if (protocol::decode_continue(frame.payload, credit) != protocol::decode_error::ok)
        return fail_link("relay sent a malformed CONTINUE");
      initial_credit_ = credit;
      if (link_ != link_state::handshaking) return;
      link_ = link_state::ready;
      for (auto& [fd, s] : sockets_)
        if (s.state == socket_state::connecting) {
          s.send_credit = credit;
          if (!open_confirmation_) s.state = socket_state::unconfirmed;
        }
      while (!held_.empty()) {
        outgoing_.push_back(std::move(held_.front()));
        held_.pop_front();
      }
      return;
    }
    case protocol::packet_type::close: {
      protocol::close_reason reason{};
      (void)protocol::decode_close(frame.payload, reason);
      // A refused login (Wisp password auth) reads as "permission denied" to a pending connect.
      const bool refused_login = reason == protocol::close_reason::auth_bad_password ||
                                 reason == protocol::close_reason::auth_bad_signature ||
                                 reason == protocol::close_reason::auth_required;
      return fail_link("relay closed the session: " + std::string(protocol::describe(reason)),
                       refused_login ? connect_errno(reason) : SB_ENETUNREACH);
    }
    default:
      return fail_link("relay sent an unexpected packet on stream 0");
  }
}

void kernel::on_stream_frame(const protocol::frame& frame) {
  if (frame.type == protocol::packet_type::resolved) return on_resolved(frame);
  socket* s = by_stream(frame.stream_id);
  if (!s) return;  // the guest already closed this stream; late frames are expected
  switch (frame.type) {
    case protocol::packet_type::connected:
      if (s->state == socket_state::unconfirmed) s->state = socket_state::connected;
      return on_connected(*s, frame);
    case protocol::packet_type::accepted:
      return on_accepted(*s, frame);
    case protocol::packet_type::shutdown:
      if (protocol::decode_shutdown(frame.payload) != protocol::decode_error::ok)
        return fail_link("relay sent a malformed SHUTDOWN");
      // A relay sends SHUTDOWN only on an open TCP stream (so it also answers a connect).
      if (s->type == SB_SOCK_STREAM && (s->state == socket_state::connecting || is_connected(s->state)))
        s->state = socket_state::peer_finished;
      return;
    case protocol::packet_type::data:
      if (s->state == socket_state::connecting || s->state == socket_state::unconfirmed)
        s->state = socket_state::connected;
      if (!take_window(*s, frame.payload.size())) return;
      if (s->shut.reading()) return release_window(*s, frame.payload.size());
      if (s->type == SB_SOCK_STREAM) {
        // Take the frame's own buffer (on_frame_buffer) unless it is mostly spare room.
        if (inbound_owner_ && inbound_owner_->capacity() <= 2 * inbound_owner_->size()) {
          const auto begin = static_cast<std::size_t>(frame.payload.data() - inbound_owner_->data());
          s->received.push(std::move(*inbound_owner_), begin);
          inbound_owner_ = nullptr;
          return;
        }
        return s->received.push(frame.payload);
      }
      // A bound UDP socket's datagrams come as DATAGRAM, with their sender.
      if (s->local_binding != binding::relay_port && s->datagrams.size() < max_queued_datagrams)
        s->datagrams.push_back({s->peer, protocol::bytes(frame.payload.begin(), frame.payload.end())});
      return;
    case protocol::packet_type::datagram:
      return on_datagram(*s, frame);
    case protocol::packet_type::continue_: {
      std::uint32_t credit = 0;
      if (protocol::decode_continue(frame.payload, credit) != protocol::decode_error::ok) return;
      s->send_credit = credit;
      if (s->state == socket_state::connecting || s->state == socket_state::unconfirmed)
        s->state = socket_state::connected;
      return;
    }
    case protocol::packet_type::close: {
      protocol::close_reason reason = protocol::close_reason::unspecified;
      (void)protocol::decode_close(frame.payload, reason);
      return on_stream_closed(*s, reason);
    }
    default:
      return;  // CONNECT and INFO are never sent by a relay on a stream
  }
}

void kernel::on_stream_closed(socket& s, protocol::close_reason reason) {
  if (s.state == socket_state::bind_pending && s.awaiting_retry == retried_call::bind) {
    // bind() failed: the socket stays usable, unbound, and the retried bind reports why.
    s.pending_error = connect_errno(reason);
    s.state = socket_state::created;
    s.local_binding = binding::none;
    s.local = {};
    fd_by_stream_.erase(s.stream_id);
    return;
  }
  if (s.state == socket_state::connecting || s.state == socket_state::listen_pending || s.type == SB_SOCK_DGRAM) {
    s.pending_error = connect_errno(reason);
  } else if (s.state == socket_state::listening) {
    s.pending_error = SB_ECONNABORTED;
  } else if (s.state == socket_state::unconfirmed && reason == protocol::close_reason::network_error) {
    // Nobody confirmed the connect and nothing came back: it failed. Plain Wisp
    // servers (wisp-js) close every failed connect with network_error, and
    // "refused" is what a guest expects of a closed port (PROTOCOL.md, choices).
    s.pending_error = SB_ECONNREFUSED;
  } else if (auto e = connected_errno(reason)) {
    s.pending_error = e;  // else an orderly close: recv returns what is left, then 0
  }
  s.state = socket_state::closed;
  fd_by_stream_.erase(s.stream_id);
}

void kernel::on_transport_closed() { fail_link("connection to the relay was lost"); }

void kernel::fail_link(std::string message, std::int32_t opening_errno) {
  if (link_ == link_state::closed) return;
  link_ = link_state::closed;
  link_message_ = std::move(message);
  held_.clear();
  outgoing_.clear();
  for (auto& [fd, s] : sockets_) {
    if (s.is_local()) continue;  // pipes and pairs never touch the relay
    if (s.state == socket_state::connecting) s.pending_error = opening_errno;
    if (is_connected(s.state) || s.state == socket_state::listening || s.state == socket_state::bound)
      s.pending_error = SB_ECONNRESET;
    if (s.state == socket_state::listen_pending || s.state == socket_state::bind_pending)
      s.pending_error = opening_errno;
    if (s.state != socket_state::created) s.state = socket_state::closed;
  }
  fd_by_stream_.clear();
  embryos_.clear();
  if (resolve_ && !resolve_->status) resolve_->status = resolve_status_link_lost;
}

}  // namespace sb::host
