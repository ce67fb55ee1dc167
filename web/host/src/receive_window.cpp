// Relay→guest byte windows (sockbridge extension, when the relay offers the
// stream-windows feature). Each TCP stream starts with
// stream_receive_window_bytes of window; DATA uses it up, and what the guest
// reads is granted back with WINDOW_UPDATE once half the window was read (one
// grant per half window, not one per recv). So a socket never buffers more
// than its window, however long the guest leaves it unread, and the relay stops
// reading the remote peer meanwhile: TCP backpressure reaches the real sender.
#include <string>

#include "sockbridge/host/kernel.hpp"

namespace sb::host {

bool kernel::take_window(socket& s, std::size_t bytes) {
  if (!relay_has(protocol::sockbridge_feature_stream_windows) || s.type != SB_SOCK_STREAM) return true;
  if (bytes > s.receive_window) {
    fail_link("relay broke the byte window: " + std::to_string(bytes) + " bytes of DATA on stream " +
              std::to_string(s.stream_id) + ", which had " + std::to_string(s.receive_window) +
              " bytes of window left");
    return false;
  }
  s.receive_window -= static_cast<std::uint32_t>(bytes);
  return true;
}

void kernel::release_window(socket& s, std::size_t bytes) {
  if (!relay_has(protocol::sockbridge_feature_stream_windows) || s.type != SB_SOCK_STREAM || bytes == 0) return;
  s.read_since_window_update += static_cast<std::uint32_t>(bytes);
  if (s.read_since_window_update < stream_receive_window_bytes / 2) return;
  // A stream whose peer finished, or that closed, gets no more DATA: nothing to grant.
  if (s.state != socket_state::connected && s.state != socket_state::unconfirmed) return;
  protocol::bytes frame;
  protocol::encode_window_update(frame, s.stream_id, s.read_since_window_update);
  send_frame(std::move(frame));
  s.receive_window += s.read_since_window_update;
  s.read_since_window_update = 0;
}

}  // namespace sb::host
