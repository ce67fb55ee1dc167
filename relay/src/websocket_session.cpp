#include "websocket_session.hpp"

#include <algorithm>
#include <boost/asio/dispatch.hpp>

#include "listen_stream.hpp"
#include "log.hpp"
#include "metrics.hpp"
#include "policy.hpp"
#include "resolver.hpp"
#include "tcp_relay_stream.hpp"
#include "udp_stream.hpp"
#include "wisp_handshake.hpp"

namespace sb::relay {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;

template <class Stream>
std::pair<stream_table::admission, std::shared_ptr<Stream>> websocket_session::admit(
    std::optional<std::uint32_t> client_id) {
  return streams_.admit(client_id, draining_,
                        [this](std::uint32_t id) { return std::make_shared<Stream>(shared_from_this(), id); });
}

websocket_session::websocket_session(client_stream stream, std::shared_ptr<const relay_config> config,
                                     std::unique_ptr<session_registry::ticket> ticket, lookup_pool& lookups)
    : ws_(std::move(stream)),
      config_(std::move(config)),
      ticket_(std::move(ticket)),
      lookups_(lookups),
      idle_(ws_.get_executor(), config_->session_idle_timeout),
      rate_(config_->session_bytes_per_second),
      streams_(*config_) {
  beast::error_code ec;
  const auto endpoint = ws_.next_layer().socket().remote_endpoint(ec);
  if (!ec) remote_ = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

websocket_session::~websocket_session() {
  log_event(log_level::info, "session_closed", {{"remote", remote_}, {"version", version_name()}});
}

void websocket_session::run(http::request<http::string_body> request) {
  ticket_->attach(weak_from_this());
  const auto subprotocol = chosen_subprotocol(request[http::field::sec_websocket_protocol]);
  v2_ = !subprotocol.empty();
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.handshake_timeout = config_->handshake_timeout;
  ws_.set_option(timeouts);
  ws_.read_message_max(config_->max_message_bytes);
  ws_.binary(true);
  // One Wisp packet per WebSocket frame, written in one piece (Beast would
  // otherwise split messages into 4 KiB frames, one write each).
  ws_.auto_fragment(false);
  ws_.write_buffer_bytes(64 * 1024);
  ws_.set_option(websocket::stream_base::decorator([subprotocol](websocket::response_type& response) {
    response.set(http::field::server, "sockbridge-relay");
    if (!subprotocol.empty()) response.set(http::field::sec_websocket_protocol, subprotocol);
  }));
  ws_.async_accept(request, [self = shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
}

void websocket_session::on_accept(beast::error_code ec) {
  if (ec) {
    log_event(log_level::info, "websocket_handshake_failed", {{"remote", remote_}, {"error", ec.message()}});
    return;
  }
  if (phase_ == phase::closing) return;  // the drain deadline came during the handshake
  log_event(log_level::info, "session_open", {{"remote", remote_}, {"version", version_name()}});
  ++metrics().sessions_total;
  idle_.touch();
  idle_.checked(idle_timer::clock::now());
  arm_idle_timer();
  if (v2_) {
    phase_ = phase::awaiting_client_info;
    key_challenge_ = config_->authorized_keys.empty() ? protocol::bytes{} : new_key_challenge();
    send(encode_relay_info(*config_, key_challenge_));
  } else {
    phase_ = phase::open;
    // Wisp v1 has no INFO, so a v1 client cannot log in.
    if (login_required(*config_))
      return refuse_login(protocol::close_reason::auth_required, "Wisp v1 cannot log in", "");
    protocol::bytes ready;
    protocol::encode_continue(ready, protocol::session_stream_id, config_->stream_buffer_packets);
    send(std::move(ready));
  }
  // A drain that began during the handshake takes effect now (see close_session).
  if (sessions().draining()) begin_drain();
  if (phase_ != phase::closing) do_read();
}

void websocket_session::refuse_login(protocol::close_reason reason, std::string_view why, std::string_view username) {
  metrics().count_denial(reason == protocol::close_reason::auth_required ? "auth_required" : "auth_failed");
  log_event(log_level::warn, "login_refused",
            {{"remote", remote_}, {"user", username}, {"why", why}, {"reason", protocol::describe(reason)}});
  close_session(reason, websocket::close_code::policy_error);
}

void websocket_session::do_read() {
  // A message is read piece by piece into message_ (see message_buffer.hpp):
  // Beast's async_read would size a buffer before the first byte arrives.
  ws_.async_read_some(
      message_.prepare(ws_.read_size_hint()),
      [self = shared_from_this()](beast::error_code ec, std::size_t bytes) { self->on_read(ec, bytes); });
}

void websocket_session::on_read(beast::error_code ec, std::size_t bytes) {
  if (ec) {
    if (ec != websocket::error::closed && ec != net::error::operation_aborted && ec != net::error::eof)
      log_event(log_level::info, "session_read_failed", {{"remote", remote_}, {"error", ec.message()}});
    return on_connection_lost();
  }
  message_.commit(bytes);
  if (!ws_.is_message_done()) return do_read();
  if (!ws_.got_binary()) return protocol_error("text message", protocol::close_reason::invalid_info);
  protocol::frame frame;
  if (auto error = protocol::decode_frame(message_.data(), frame); error != protocol::decode_error::ok)
    return protocol_error(protocol::describe(error), protocol::close_reason::invalid_info);
  idle_.touch();
  on_frame(frame);
  message_.clear();
  if (phase_ == phase::closing) return;
  if (reads_.hold()) return;
  const bool carries_bytes = frame.type == protocol::packet_type::data || frame.type == protocol::packet_type::datagram;
  const auto wait = carries_bytes ? throttle(frame.payload.size()) : rate_limiter::clock::duration::zero();
  if (wait == rate_limiter::clock::duration::zero()) return do_read();
  // Over session_bytes_per_second: read nothing more until the bucket refills
  // (the client's Wisp buffer fills meanwhile and it stops sending).
  pause_reading();
  reads_.hold();
  rate_pause_.start(executor(), wait, [self = shared_from_this()] { self->resume_reading(); });
}

rate_limiter::clock::duration websocket_session::throttle(std::size_t bytes) {
  return rate_.consume(bytes, rate_limiter::clock::now());
}

void websocket_session::resume_reading() {
  if (reads_.resume() && phase_ != phase::closing) do_read();
}

void websocket_session::on_frame(const protocol::frame& frame) {
  if (phase_ == phase::awaiting_client_info) return on_client_info(frame);
  switch (frame.type) {
    case protocol::packet_type::connect:
      return on_connect(frame);
    case protocol::packet_type::data:
      if (auto* stream = streams_.find(frame.stream_id)) return stream->write(frame.payload);
      // Not an error: the stream may have closed while this packet was in flight.
      return log_event(log_level::info, "data_for_unknown_stream", {{"remote", remote_}, {"stream", frame.stream_id}});
    case protocol::packet_type::close:
      return forget_stream(frame.stream_id, std::nullopt);
    case protocol::packet_type::continue_:
    case protocol::packet_type::info:
      return;  // only meaningful from the relay, or during the handshake
    default:
      return on_extension_frame(frame);
  }
}

void websocket_session::on_extension_frame(const protocol::frame& frame) {
  if (!extension_)
    return protocol_error("sockbridge packet without the extension", protocol::close_reason::invalid_info);
  switch (frame.type) {
    case protocol::packet_type::resolve:
      return on_resolve(frame);
    case protocol::packet_type::listen:
      return on_listen(frame);
    case protocol::packet_type::shutdown:
      if (auto error = protocol::decode_shutdown(frame.payload); error != protocol::decode_error::ok)
        return protocol_error(protocol::describe(error), protocol::close_reason::invalid_info);
      if (auto* stream = streams_.find(frame.stream_id)) stream->shutdown_send();
      return;
    case protocol::packet_type::window_update:
      return on_window_update(frame);
    case protocol::packet_type::udp_bind:
      return on_udp_bind(frame);
    case protocol::packet_type::datagram:
      return on_datagram(frame);
    default:
      return protocol_error("packet the relay does not accept", protocol::close_reason::invalid_info);
  }
}

void websocket_session::on_resolve(const protocol::frame& frame) {
  protocol::resolve_payload request;
  if (auto error = protocol::decode_resolve(frame.payload, request); error != protocol::decode_error::ok)
    return protocol_error(protocol::describe(error), protocol::close_reason::invalid_info);
  const auto request_id = frame.stream_id;
  if (pending_resolves_ >= config_->max_pending_resolves) {
    protocol::bytes reply;
    protocol::encode_resolved(reply, request_id, {static_cast<std::uint8_t>(protocol::close_reason::throttled), {}});
    return send(std::move(reply));
  }
  ++pending_resolves_;
  resolve_for_guest(lookups_, lookup_owner_, executor(), std::string(request.hostname), request.family, *config_,
                    [self = shared_from_this(), request_id](std::uint8_t status, auto addresses) {
                      --self->pending_resolves_;
                      protocol::bytes reply;
                      protocol::encode_resolved(reply, request_id, {status, std::move(addresses)});
                      self->send(std::move(reply));
                    });
}

void websocket_session::on_window_update(const protocol::frame& frame) {
  std::uint32_t increment = 0;
  if (auto error = protocol::decode_window_update(frame.payload, increment); error != protocol::decode_error::ok)
    return protocol_error(protocol::describe(error), protocol::close_reason::invalid_info);
  if (!stream_window_)
    return protocol_error("WINDOW_UPDATE without a stream window", protocol::close_reason::invalid_info);
  // A stream that already closed may still get the grants sent before its CLOSE arrived.
  if (auto* stream = streams_.find(frame.stream_id)) stream->open_window(increment);
}

void websocket_session::on_listen(const protocol::frame& frame) {
  protocol::listen_payload request;
  if (auto error = protocol::decode_listen(frame.payload, request); error != protocol::decode_error::ok)
    return protocol_error(protocol::describe(error), protocol::close_reason::invalid_info);
  auto [admission, listener] = admit<listen_stream>(frame.stream_id);
  if (!listener) return refuse_admission(frame.stream_id, admission, "LISTEN");
  listener->start(request);
}

void websocket_session::on_udp_bind(const protocol::frame& frame) {
  protocol::endpoint address;
  if (auto error = protocol::decode_udp_bind(frame.payload, address); error != protocol::decode_error::ok)
    return protocol_error(protocol::describe(error), protocol::close_reason::invalid_info);
  auto [admission, stream] = admit<udp_stream>(frame.stream_id);
  if (!stream) return refuse_admission(frame.stream_id, admission, "UDP_BIND");
  log_event(log_level::info, "stream_open",
            {{"remote", remote_}, {"stream", frame.stream_id}, {"kind", "udp_bound"}, {"port", address.port}});
  stream->start_bound(address);
}

void websocket_session::on_datagram(const protocol::frame& frame) {
  protocol::datagram_payload datagram;
  if (auto error = protocol::decode_datagram(frame.payload, datagram); error != protocol::decode_error::ok)
    return protocol_error(protocol::describe(error), protocol::close_reason::invalid_info);
  auto* stream = streams_.find(frame.stream_id);
  if (!stream) return;  // it may have closed while this packet was in flight
  if (!stream->write_to(datagram.peer, datagram.data))
    protocol_error("DATAGRAM on a stream that is not a bound UDP socket", protocol::close_reason::invalid_info);
}

void websocket_session::adopt_inbound(std::uint32_t listener_id, tcp_socket socket) {
  auto [admission, stream] = admit<tcp_relay_stream>(std::nullopt);
  if (!stream) {
    // The connection is closed again at once: its client sees a reset, the guest sees nothing.
    const auto limit = stream_table::name(admission);
    metrics().count_denial(limit);
    log_event(log_level::warn, "inbound_refused", {{"remote", remote_}, {"listener", listener_id}, {"limit", limit}});
    return;
  }
  const auto id = stream->id();
  boost::system::error_code ec;
  const auto peer = socket.remote_endpoint(ec);
  const auto local = socket.local_endpoint(ec);
  log_event(log_level::info, "stream_accepted",
            {{"remote", remote_}, {"listener", listener_id}, {"stream", id}, {"peer", peer.address().to_string()}});
  protocol::bytes announce;
  protocol::encode_accepted(announce, listener_id,
                            {id, to_wire(peer.address(), peer.port()), to_wire(local.address(), local.port())});
  send(std::move(announce));
  grant(id, config_->stream_buffer_packets);
  stream->start_accepted(std::move(socket));
}

void websocket_session::on_client_info(const protocol::frame& frame) {
  const auto hello = read_client_info(*config_, frame, key_challenge_);
  if (hello.refusal == protocol::close_reason::invalid_info) return protocol_error(hello.why, *hello.refusal);
  if (hello.refusal) return refuse_login(*hello.refusal, hello.why, hello.username);
  if (!hello.username.empty())
    log_event(log_level::info, "session_login", {{"remote", remote_}, {"user", hello.username}});
  open_confirmation_ = hello.open_confirmation;
  extension_ = hello.sockbridge;
  stream_window_ = hello.stream_window;
  phase_ = phase::open;
  protocol::bytes ready;
  protocol::encode_continue(ready, protocol::session_stream_id, config_->stream_buffer_packets);
  send(std::move(ready));
  close_if_drained();
}

void websocket_session::on_connect(const protocol::frame& frame) {
  protocol::connect_payload connect;
  if (auto error = protocol::decode_connect(frame.payload, connect); error != protocol::decode_error::ok)
    return protocol_error(protocol::describe(error), protocol::close_reason::invalid_info);
  const bool udp = connect.type == protocol::stream_type::udp;
  const auto open = [&](auto admitted) {
    auto& [admission, stream] = admitted;
    if (!stream) return refuse_admission(frame.stream_id, admission, "CONNECT");
    log_event(log_level::info, "stream_open",
              {{"remote", remote_},
               {"stream", frame.stream_id},
               {"kind", udp ? "udp" : "tcp"},
               {"host", connect.hostname},
               {"port", connect.port}});
    stream->start(std::string(connect.hostname), connect.port);
  };
  if (udp) return open(admit<udp_stream>(frame.stream_id));
  open(admit<tcp_relay_stream>(frame.stream_id));
}

void websocket_session::refuse_admission(std::uint32_t stream_id, stream_table::admission why,
                                         std::string_view packet) {
  using admission = stream_table::admission;
  switch (why) {
    case admission::admitted:
      return;
    case admission::session_stream_id:
      return protocol_error(std::string(packet) + " on stream 0", protocol::close_reason::invalid_info);
    case admission::relay_stream_id:
      return refuse_stream(stream_id, protocol::close_reason::invalid_info, "stream id in the relay's id space");
    case admission::id_in_use:
      return close_reused_stream(stream_id);
    case admission::draining:
    case admission::max_streams_per_session:
    case admission::max_streams_total:
      return refuse_stream(stream_id, protocol::close_reason::throttled, stream_table::name(why));
  }
}

// After CLOSE(id) the client takes the id to be free, so the stream that
// holds it ends too rather than living on unseen.
void websocket_session::close_reused_stream(std::uint32_t stream_id) {
  log_event(log_level::warn, "stream_id_reused", {{"remote", remote_}, {"stream", stream_id}});
  close_stream(stream_id, protocol::close_reason::invalid_info);
}

void websocket_session::refuse_stream(std::uint32_t stream_id, protocol::close_reason reason, std::string_view why) {
  if (reason == protocol::close_reason::throttled) metrics().count_denial(why);
  log_event(log_level::info, "stream_refused",
            {{"remote", remote_}, {"stream", stream_id}, {"why", why}, {"reason", protocol::describe(reason)}});
  protocol::bytes close;
  protocol::encode_close(close, stream_id, reason);
  send(std::move(close));
}

void websocket_session::send(protocol::bytes frame, std::function<void()> on_sent) {
  if (writes_.push(std::move(frame), std::move(on_sent))) do_write();
}

void websocket_session::do_write() {
  const auto* frame = writes_.next();
  if (!frame) return;
  ws_.async_write(net::buffer(*frame),
                  [self = shared_from_this()](beast::error_code ec, std::size_t bytes) { self->on_write(ec, bytes); });
}

void websocket_session::on_write(beast::error_code ec, std::size_t) {
  if (ec) {
    writes_.drop();
    return on_connection_lost();
  }
  writes_.written();
  do_write();
}

void websocket_session::close_stream(std::uint32_t stream_id, protocol::close_reason reason) {
  forget_stream(stream_id, reason);
}

void websocket_session::forget_stream(std::uint32_t stream_id, std::optional<protocol::close_reason> reason) {
  auto stream = streams_.forget(stream_id);
  if (!stream) return;
  stream->abort();  // a stream that finished by itself has stopped already; abort again is harmless
  if (!reason) {
    log_event(log_level::info, "stream_closed", {{"remote", remote_}, {"stream", stream_id}, {"by", "client"}});
  } else {
    log_event(log_level::info, "stream_closed",
              {{"remote", remote_}, {"stream", stream_id}, {"reason", protocol::describe(*reason)}});
    protocol::bytes close;
    protocol::encode_close(close, stream_id, *reason);
    send(std::move(close));
  }
  close_if_drained();
}

void websocket_session::confirm_stream(std::uint32_t stream_id, const protocol::endpoint& local,
                                       const protocol::endpoint& peer) {
  log_event(log_level::info, "stream_connected", {{"remote", remote_}, {"stream", stream_id}});
  announce_connected(stream_id, local, peer);
  if (open_confirmation_) grant(stream_id, config_->stream_buffer_packets);
}

void websocket_session::announce_connected(std::uint32_t stream_id, const protocol::endpoint& local,
                                           const protocol::endpoint& peer) {
  if (!extension_) return;
  protocol::bytes frame;
  protocol::encode_connected(frame, stream_id, {local, peer});
  send(std::move(frame));
}

void websocket_session::announce_shutdown(std::uint32_t stream_id) {
  protocol::bytes frame;
  protocol::encode_shutdown(frame, stream_id);
  send(std::move(frame));
}

void websocket_session::grant(std::uint32_t stream_id, std::uint32_t buffer_remaining) {
  protocol::bytes frame;
  protocol::encode_continue(frame, stream_id, buffer_remaining);
  send(std::move(frame));
}

void websocket_session::protocol_error(std::string_view what, protocol::close_reason reason) {
  log_event(log_level::warn, "protocol_error", {{"remote", remote_}, {"error", what}});
  close_session(reason, websocket::close_code::policy_error);
}

void websocket_session::close_session(protocol::close_reason reason, websocket::close_code code) {
  if (phase_ == phase::closing) return;
  if (phase_ == phase::accepting) {
    // Beast writes nothing beside its handshake: end the connection instead;
    // the handshake fails and on_accept lets the session go.
    phase_ = phase::closing;
    beast::error_code ignored;
    ws_.next_layer().socket().close(ignored);
    return;
  }
  phase_ = phase::closing;
  idle_.cancel();
  end_streams();
  protocol::bytes close;
  protocol::encode_close(close, protocol::session_stream_id, reason);
  send(std::move(close), [self = shared_from_this(), code] {
    // Beast allows no write beside async_close: whatever is still queued
    // (frames from streams that ended with the session) is dropped.
    self->writes_.close();
    self->ws_.async_close(code, [self](beast::error_code) {});
  });
}

void websocket_session::arm_idle_timer() {
  idle_.wake_at(std::min(idle_.session_check(), streams_.earliest_deadline()),
                [self = shared_from_this()] { self->on_idle_timer(); });
}

void websocket_session::wake_by(stream::clock::time_point deadline) {
  if (phase_ != phase::closing && deadline < idle_.expiry()) arm_idle_timer();
}

// Streams whose deadline passed end (each with its reason). A session is idle
// when it holds no stream and the client sent nothing for
// session_idle_timeout (idle_timer.hpp).
void websocket_session::on_idle_timer() {
  if (phase_ == phase::closing) return;
  const auto now = idle_timer::clock::now();
  for (const auto& stream : streams_.due(now)) stream->on_deadline(now);
  if (phase_ == phase::closing) return;  // the last stream's end finished a drain
  if (now >= idle_.session_check()) {
    if (streams_.empty() && idle_.quiet()) {
      log_event(log_level::info, "session_idle", {{"remote", remote_}});
      return close_session(protocol::close_reason::transfer_timeout, websocket::close_code::going_away);
    }
    idle_.checked(now);
  }
  arm_idle_timer();
}

void websocket_session::begin_drain() {
  net::dispatch(executor(), [self = shared_from_this()] {
    self->draining_ = true;
    self->close_if_drained();
  });
}

void websocket_session::end_drain() {
  net::dispatch(executor(), [self = shared_from_this()] {
    self->close_session(protocol::close_reason::unspecified, websocket::close_code::going_away);
  });
}

void websocket_session::close_if_drained() {
  if (!draining_ || !streams_.empty() || phase_ != phase::open) return;
  log_event(log_level::info, "session_drained", {{"remote", remote_}});
  close_session(protocol::close_reason::voluntary, websocket::close_code::going_away);
}

void websocket_session::on_connection_lost() {
  // The timers hold the session alive; without them it ends (and frees its slot) now.
  idle_.cancel();
  rate_pause_.cancel();
  end_streams();
}

// Where the session ↔ stream cycle is broken for good (stream_table.hpp).
void websocket_session::end_streams() {
  for (auto& [id, stream] : streams_.forget_all()) stream->abort();
}

}  // namespace sb::relay
