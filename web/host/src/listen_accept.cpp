// listen / accept / shutdown: sockets served by the relay's listener
// (sockbridge LISTEN/ACCEPTED) and half-close (SHUTDOWN).
#include <utility>

#include "sockbridge/host/kernel.hpp"

namespace sb::host {
namespace {

constexpr std::int32_t error(std::int32_t errno_value) { return -errno_value; }

}  // namespace

std::int32_t kernel::sock_listen(std::int32_t fd, std::int32_t backlog) {
  return blocking_call(fd, [&](socket& s) { return listen(s, object_of(fd), backlog); });
}

std::int32_t kernel::listen(socket& s, std::int32_t object, std::int32_t backlog) {
  if (s.awaiting_retry == retried_call::listen) {
    if (s.state == socket_state::listen_pending) return block_forever();
    s.awaiting_retry = retried_call::none;
    if (s.state == socket_state::listening) return 0;
    return error(s.pending_error ? std::exchange(s.pending_error, 0) : SB_EADDRNOTAVAIL);
  }
  if (s.state == socket_state::listening) return 0;       // listen() twice only changes the backlog
  if (s.type == SB_SOCK_DGRAM) return error(SB_ENOTSUP);  // EOPNOTSUPP: UDP has no connections to accept
  if (s.state != socket_state::created) return error(SB_EINVAL);
  if (link_ == link_state::closed) return error(SB_ENETUNREACH);
  // Whether the relay can listen is known once the handshake is done; until then wait.
  if (link_ == link_state::handshaking) return block_forever();
  if (!extension()) return error(SB_ENOTSUP);

  auto local = s.local;
  local.family = s.domain;
  s.stream_id = next_stream_id_++;
  fd_by_stream_[s.stream_id] = object;
  protocol::bytes frame;
  protocol::encode_listen(frame, s.stream_id, {to_wire(local), static_cast<std::uint32_t>(backlog < 1 ? 1 : backlog)});
  send_frame(std::move(frame));
  s.state = socket_state::listen_pending;
  s.awaiting_retry = retried_call::listen;
  return block_forever();
}

std::int32_t kernel::sock_accept(std::int32_t fd, guest_ptr addr, guest_ptr addrlen_ptr) {
  std::int32_t err = 0;
  socket* s = find_socket(fd, err);
  if (!s) return err;
  if (s->state != socket_state::listening)
    return error(s->pending_error ? std::exchange(s->pending_error, 0) : SB_EINVAL);
  if (s->accept_queue.empty()) return s->nonblocking ? error(SB_EAGAIN) : block_forever();
  if (sockets_.size() >= max_open_sockets || fds_full()) return error(SB_EMFILE);
  const auto stream_id = s->accept_queue.front();
  const auto& peer = embryos_.at(stream_id).peer;
  // A bad out-pointer fails the call and leaves the connection queued for the next accept.
  if (addr != 0 && !can_write_socket_address(memory_, addr, addrlen_ptr, peer)) return error(SB_EFAULT);

  auto embryo = embryos_.extract(stream_id);
  s->accept_queue.pop_front();
  const auto [new_fd, object] = open_object();
  auto& accepted = sockets_.emplace(object, std::move(embryo.mapped())).first->second;
  fd_by_stream_[stream_id] = object;
  if (addr != 0)
    if (auto e = write_socket_address(memory_, addr, addrlen_ptr, accepted.peer)) return error(e);
  return new_fd;
}

void kernel::on_connected(socket& s, const protocol::frame& frame) {
  protocol::connected_payload addresses;
  if (protocol::decode_connected(frame.payload, addresses) != protocol::decode_error::ok)
    return fail_link("relay sent a malformed CONNECTED");
  s.local = from_wire(addresses.local);
  if (s.local_binding == binding::relay_port) {  // a UDP port of its own: there is no peer to learn
    if (s.state == socket_state::bind_pending) s.state = socket_state::bound;
    return;
  }
  if (s.state == socket_state::listen_pending) {
    s.state = socket_state::listening;
    return;
  }
  s.peer = from_wire(addresses.peer);
}

void kernel::on_accepted(socket& listener, const protocol::frame& frame) {
  protocol::accepted_payload accepted;
  if (protocol::decode_accepted(frame.payload, accepted) != protocol::decode_error::ok ||
      !(accepted.stream_id & protocol::relay_stream_id_bit))
    return fail_link("relay sent a malformed ACCEPTED");
  if (listener.state != socket_state::listening) return;
  socket s;
  s.domain = accepted.peer.family == 6 ? SB_AF_INET6 : SB_AF_INET;
  s.state = socket_state::connected;
  s.stream_id = accepted.stream_id;
  s.peer = from_wire(accepted.peer);
  s.local = from_wire(accepted.local);
  s.send_credit = 0;  // the relay grants credit with a CONTINUE for the new stream
  embryos_.emplace(accepted.stream_id, std::move(s));
  listener.accept_queue.push_back(accepted.stream_id);
}

std::int32_t kernel::sock_shutdown(std::int32_t fd, std::int32_t how) {
  std::int32_t err = 0;
  socket* s = find_socket(fd, err);
  if (!s) return err;
  if (how < SB_SHUT_RD || how > SB_SHUT_RDWR) return error(SB_EINVAL);
  if (s->is_local()) return local_shutdown(*s, how);
  if (!is_connected(s->state)) return error(SB_ENOTCONN);
  if (how & SB_SHUT_RD) {
    s->shut.add(SB_SHUT_RD);
    release_window(*s, s->received.size());  // dropped unread: the relay may send more, to be dropped too
    s->received = {};
  }
  if ((how & SB_SHUT_WR) && !s->shut.writing()) {
    if (!extension()) return error(SB_ENOTSUP);  // plain Wisp cannot half-close
    s->shut.add(SB_SHUT_WR);
    protocol::bytes frame;
    protocol::encode_shutdown(frame, s->stream_id);
    send_frame(std::move(frame));
  }
  return 0;
}

}  // namespace sb::host
