// websocket_session: one client WebSocket speaking Wisp. Runs the handshake
// (v1, or v2 when the client offers a subprotocol), dispatches frames to its
// streams, and sends every frame through its one ordered write_queue.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "client_stream.hpp"
#include "config.hpp"
#include "idle_timer.hpp"
#include "lookup_pool.hpp"
#include "message_buffer.hpp"
#include "metrics.hpp"
#include "rate_limiter.hpp"
#include "rate_pause.hpp"
#include "read_gate.hpp"
#include "session_registry.hpp"
#include "sockbridge/protocol/wisp.hpp"
#include "stream_table.hpp"
#include "write_queue.hpp"

namespace sb::relay {

class websocket_session : public std::enable_shared_from_this<websocket_session> {
 public:
  // ticket: the session's slot in the registry (the session limits), held until it ends.
  // lookups: where its name lookups run; it must outlive the session.
  websocket_session(client_stream stream, std::shared_ptr<const relay_config> config,
                    std::unique_ptr<session_registry::ticket> ticket, lookup_pool& lookups);
  ~websocket_session();

  // Accepts the upgrade request (echoing the first offered subprotocol) and starts reading.
  void run(boost::beast::http::request<boost::beast::http::string_body> request);

  // Queues one frame; on_sent (if any) runs once it has been written.
  void send(protocol::bytes frame, std::function<void()> on_sent = {});
  // The one way bytes a stream read from its target go to the client (a TCP
  // stream's DATA, a UDP stream's DATA or DATAGRAM): counts their `bytes` of
  // payload (bytes_to_clients), holds one of the stream's in_flight slots
  // until the WebSocket has written the frame, and charges them to
  // session_bytes_per_second. read_more, the stream's "read again if nothing
  // holds it back", holds the stream alive (and with it in_flight and pause);
  // it runs once the frame is written, and now, or over the rate once `pause`
  // has waited.
  template <class ReadMore>
  void forward(protocol::bytes frame, std::size_t bytes, std::size_t& in_flight, rate_pause& pause, ReadMore read_more);
  // A stream finished: forget it and send CLOSE(reason) after its queued frames.
  void close_stream(std::uint32_t stream_id, protocol::close_reason reason);
  // The stream's connect succeeded: CONNECTED (extension) and the open confirmation.
  void confirm_stream(std::uint32_t stream_id, const protocol::endpoint& local, const protocol::endpoint& peer);
  // CONNECTED for a stream, if the client speaks the sockbridge extension.
  void announce_connected(std::uint32_t stream_id, const protocol::endpoint& local, const protocol::endpoint& peer);
  // The remote end of a stream finished sending (TCP FIN): SHUTDOWN with the extension.
  void announce_shutdown(std::uint32_t stream_id);
  // A listener accepted a connection: register it as a relay-created stream and announce it.
  void adopt_inbound(std::uint32_t listener_id, tcp_socket socket);
  bool extension_enabled() const { return extension_; }
  // The byte window each TCP stream starts with for relay→client DATA, if the
  // client asked for windows (sockbridge extension); nullopt: DATA is not windowed.
  std::optional<std::uint32_t> stream_window() const { return stream_window_; }
  // Backpressure toward the client: stop / restart reading the WebSocket
  // (counted, so several streams may pause at once).
  void pause_reading() { reads_.pause(); }
  // A stream's deadline() moved earlier (it started connecting, or it
  // opened): the session's timer wakes by then (idle_timer.hpp).
  void wake_by(stream::clock::time_point deadline);
  void resume_reading();
  // Grants the client more buffer on a stream (CONTINUE).
  void grant(std::uint32_t stream_id, std::uint32_t buffer_remaining);
  // Counts payload bytes against session_bytes_per_second; returns how long
  // the caller should wait before moving more (zero when under the limit).
  rate_limiter::clock::duration throttle(std::size_t bytes);
  // Payload bytes that may move now without going over session_bytes_per_second.
  std::uint64_t throttle_allowance() const { return rate_.allowance(rate_limiter::clock::now()); }
  // Graceful drain (any thread): refuse new streams, close once the open ones end.
  void begin_drain();
  // The drain deadline passed: ends every stream and closes the session now.
  void end_drain();

  const relay_config& config() const { return *config_; }
  lookup_pool& lookups() const { return lookups_; }
  // This session in the lookup pool's turns: a number no other session gets.
  std::uint64_t lookup_owner() const { return lookup_owner_; }
  // The session's executor (one io_context of the io_pool): every stream of the session runs its handlers here.
  auto executor() { return ws_.get_executor(); }
  const std::string& remote() const { return remote_; }

 private:
  // accepting: the WebSocket handshake is under way, and nothing else may be written.
  enum class phase { accepting, awaiting_client_info, open, closing };

  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void on_frame(const protocol::frame& frame);
  void on_client_info(const protocol::frame& frame);
  void on_connect(const protocol::frame& frame);
  void on_extension_frame(const protocol::frame& frame);
  void on_resolve(const protocol::frame& frame);
  void on_listen(const protocol::frame& frame);
  void on_udp_bind(const protocol::frame& frame);
  void on_datagram(const protocol::frame& frame);
  // A new stream through the table's one admission path (client_id: the
  // client's id; nullopt: a relay-side id for an accepted connection).
  template <class Stream>
  std::pair<stream_table::admission, std::shared_ptr<Stream>> admit(std::optional<std::uint32_t> client_id);
  // Answers a client packet whose stream admit() refused: a protocol error
  // for stream 0, CLOSE(invalid_info) for an id in the relay's space, the
  // reused-id rule, or CLOSE(throttled) for the drain and the limits.
  void refuse_admission(std::uint32_t stream_id, stream_table::admission why, std::string_view packet);
  // Removes a stream from the table and aborts it; with a reason, tells the
  // client (CLOSE), without one the client closed it. The one way a stream ends.
  void forget_stream(std::uint32_t stream_id, std::optional<protocol::close_reason> reason);
  void on_window_update(const protocol::frame& frame);
  // Closes a session whose login failed (or that cannot log in: Wisp v1).
  void refuse_login(protocol::close_reason reason, std::string_view why, std::string_view username);
  // A CONNECT or LISTEN reused an open id: CLOSE(invalid_info) ends the stream holding it.
  void close_reused_stream(std::uint32_t stream_id);
  void refuse_stream(std::uint32_t stream_id, protocol::close_reason reason, std::string_view why);
  void protocol_error(std::string_view what, protocol::close_reason reason);
  // Ends the session: CLOSE on stream 0 with reason, then the WebSocket close handshake.
  void close_session(protocol::close_reason reason, boost::beast::websocket::close_code code);
  void arm_idle_timer();
  void on_idle_timer();
  void close_if_drained();
  void end_streams();
  // The WebSocket failed or closed: stop the timers and the streams.
  void on_connection_lost();
  const char* version_name() const { return v2_ ? "v2" : "v1"; }

  boost::beast::websocket::stream<client_stream> ws_;
  message_buffer message_;  // the message being read; no heap memory between messages
  std::shared_ptr<const relay_config> config_;
  std::unique_ptr<session_registry::ticket> ticket_;
  lookup_pool& lookups_;
  const std::uint64_t lookup_owner_ = next_lookup_owner();
  idle_timer idle_;
  rate_limiter rate_;
  rate_pause rate_pause_;  // reading paused by session_bytes_per_second
  write_queue writes_;
  stream_table streams_;  // every stream and listener of the session, by id
  std::size_t pending_resolves_ = 0;
  read_gate reads_;  // whether the next message may be read now
  std::string remote_;
  bool v2_ = false;
  bool open_confirmation_ = false;
  bool extension_ = false;  // the client negotiated the sockbridge extension
  std::optional<std::uint32_t> stream_window_;
  protocol::bytes key_challenge_;  // what this session's INFO asked a key login to sign (key_auth.hpp)
  bool draining_ = false;
  phase phase_ = phase::accepting;
};

template <class ReadMore>
void websocket_session::forward(protocol::bytes frame, std::size_t bytes, std::size_t& in_flight, rate_pause& pause,
                                ReadMore read_more) {
  metrics().bytes_to_clients.fetch_add(bytes, std::memory_order_relaxed);
  ++in_flight;
  send(std::move(frame), [&in_flight, read_more] {
    --in_flight;
    read_more();
  });
  // Over the rate: the stream reads nothing more from its target for a while
  // (TCP's window then slows the remote sender; UDP drops what overflows).
  if (const auto wait = throttle(bytes); wait != rate_limiter::clock::duration::zero())
    return pause.start(executor(), wait, std::move(read_more));
  read_more();
}

}  // namespace sb::relay
