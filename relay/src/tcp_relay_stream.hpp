// tcp_relay_stream: one Wisp TCP stream — resolve the target, check every
// address against policy, connect to a checked address, then pump bytes both
// ways (or, for a connection a listen_stream accepted, just pump). Named apart
// from boost::beast::tcp_stream, which the session's client connection uses.
// All its handlers run on the owning session's executor (one thread, io_pool).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>
#include <vector>

#include "io_pool.hpp"
#include "lookup_pool.hpp"
#include "rate_pause.hpp"
#include "sockbridge/protocol/wisp.hpp"
#include "stream.hpp"

namespace sb::relay {

class websocket_session;

class tcp_relay_stream : public stream, public std::enable_shared_from_this<tcp_relay_stream> {
 public:
  tcp_relay_stream(std::shared_ptr<websocket_session> session, std::uint32_t id);

  std::uint32_t id() const { return id_; }
  void start(std::string host, std::uint16_t port);
  // Starts an inbound stream on a socket a listener accepted.
  void start_accepted(tcp_socket socket);
  // The client will send no more DATA (sockbridge SHUTDOWN): FIN once the queue drains.
  void shutdown_send() override;
  // DATA from the client, written in order.
  void write(protocol::byte_view data) override;
  // WINDOW_UPDATE: the client accepts `bytes` more; reading the target resumes.
  void open_window(std::uint32_t bytes) override;
  // The client closed the stream, or the session ended: stop everything, say nothing.
  void abort() override;
  // The connect deadline while connecting, then stream_idle_timeout after the last byte.
  clock::time_point deadline() const override;
  void on_deadline(clock::time_point now) override;

 private:
  void on_resolve(boost::system::error_code ec, const std::vector<boost::asio::ip::address>& addresses);
  // Applies the policy to every address, then connects to the allowed ones in order.
  void check_targets(std::vector<boost::asio::ip::tcp::endpoint> endpoints);
  void connect_next();
  void on_connect(boost::system::error_code ec);
  void deny(std::string_view reason, const std::string& address);
  // The DNS or connect deadline, `after` from now; the session's timer watches it.
  void set_connect_deadline(clock::duration after);
  void touch() { last_activity_ = std::chrono::steady_clock::now(); }
  // Reads the target again unless something holds reading back: a read in
  // progress, EOF, the rate limit, too many chunks waiting for the WebSocket,
  // or a closed byte window.
  void read_more();
  void do_read();
  void on_readable(boost::system::error_code ec);
  void on_read_error(boost::system::error_code ec);
  protocol::bytes data_frame(std::size_t size) const;
  void do_write();
  void packets_written(std::size_t count);
  void on_write(boost::system::error_code ec, std::size_t bytes);
  void finish(protocol::close_reason reason);
  void send_fin_if_drained();
  std::size_t queue_limit() const;

  std::shared_ptr<websocket_session> session_;
  std::uint32_t id_;
  std::string host_;
  std::uint16_t port_ = 0;
  std::shared_ptr<pending_lookup> lookup_;  // only while a name is being looked up
  tcp_socket socket_;
  // Where the stream is. The logic and the metrics' gauges (set_state) both
  // read this one value; while open, each direction may have finished on its
  // own (client_finished_, remote_finished_).
  enum class state {
    created,     // constructed, not started
    connecting,  // resolving the target or connecting to it
    open,        // connected: bytes move
    closed,      // finished or aborted: every handler returns at once
  };
  void set_state(state next);
  bool open() const { return state_ == state::open; }
  bool closed() const { return state_ == state::closed; }

  rate_pause rate_pause_;  // reading paused by the session's rate limit
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_activity_;
  clock::time_point connect_deadline_;  // while connecting
  state state_ = state::created;
  bool literal_ = false;                                    // the target was an address literal, not a name
  std::vector<boost::asio::ip::tcp::endpoint> candidates_;  // resolved and allowed by policy
  std::size_t next_candidate_ = 0;
  std::vector<protocol::bytes> write_queue_;  // a vector: an idle stream allocates nothing for it
  std::uint32_t written_since_grant_ = 0;
  std::size_t writing_ = 0;           // packets in the async_write now in progress
  std::size_t chunks_in_flight_ = 0;  // DATA frames read but not yet written to the WebSocket
  bool reading_ = false;
  bool more_waiting_ = false;  // the last read left bytes in the socket
  // Relay→client byte window, if the client asked for one: DATA bytes it still
  // accepts. At 0 the relay stops reading the target, and TCP pushes back on the
  // remote sender until a WINDOW_UPDATE arrives.
  bool windowed_ = false;
  std::uint64_t window_ = 0;
  bool paused_session_ = false;   // this stream's full queue paused the session's reads
  bool client_finished_ = false;  // SHUTDOWN from the client
  bool remote_finished_ = false;  // EOF from the remote peer
};

}  // namespace sb::relay
