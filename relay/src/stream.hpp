// stream: what a websocket_session needs from any of its streams (TCP or
// UDP), so that DATA, DATAGRAM, SHUTDOWN, WINDOW_UPDATE and CLOSE from the
// client reach the right kind. A stream holds its session (shared_ptr) and the
// session's stream_table holds the stream: stream_table.hpp says where that
// cycle is broken.
#pragma once

#include <chrono>

#include "sockbridge/protocol/wisp.hpp"

namespace sb::relay {

class stream {
 public:
  using clock = std::chrono::steady_clock;

  virtual ~stream() = default;
  // DATA from the client: bytes for TCP, one datagram for UDP.
  virtual void write(protocol::byte_view data) = 0;
  // The client will send no more DATA (sockbridge SHUTDOWN).
  virtual void shutdown_send() = 0;
  // The client accepts `bytes` more DATA bytes on this stream (sockbridge
  // WINDOW_UPDATE); only TCP streams are windowed.
  virtual void open_window(std::uint32_t bytes) = 0;
  // DATAGRAM from the client: one datagram for `to`. false: this stream is not
  // a bound UDP socket (UDP_BIND), which is the client's protocol error.
  virtual bool write_to(const protocol::endpoint& /*to*/, protocol::byte_view /*datagram*/) { return false; }
  // The client closed the stream, or the session ended: stop everything, say nothing.
  virtual void abort() = 0;
  // When the stream ends unless something happens first: its DNS or connect
  // deadline, or its idle timeout counted from its last byte;
  // clock::time_point::max() for none (a listener, a bound UDP port). The
  // session's one timer (idle_timer.hpp) watches every stream's deadline: a
  // stream holds no timer of its own. A deadline that moves earlier must be
  // told to the session (websocket_session::wake_by); one that moves later
  // (a stream's last byte) need not be.
  virtual clock::time_point deadline() const { return clock::time_point::max(); }
  // The session's timer found deadline() at or before now: the stream ends
  // (CLOSE with its reason) if that deadline really passed.
  virtual void on_deadline(clock::time_point /*now*/) {}
};

}  // namespace sb::relay
