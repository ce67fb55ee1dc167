// stream: what a websocket_session needs from any of its streams (TCP or
// UDP), so that DATA, SHUTDOWN, WINDOW_UPDATE and CLOSE from the client reach
// the right kind.
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
  // The client closed the stream, or the session ended: stop everything, say nothing.
  virtual void abort() = 0;
};

}  // namespace sb::relay
