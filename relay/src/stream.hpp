// stream: what a websocket_session needs from any of its streams (TCP or
// UDP), so that DATA, DATAGRAM, SHUTDOWN, WINDOW_UPDATE and CLOSE from the
// client reach the right kind. A stream holds its session (shared_ptr) and the
// session's stream_table holds the stream: stream_table.hpp says where that
// cycle is broken.
#pragma once

#include "sockbridge/protocol/wisp.hpp"

namespace sb::relay {

class stream {
 public:
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
};

}  // namespace sb::relay
