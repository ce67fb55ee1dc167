// relay_config: every setting of sockbridge-relay, with its default. Limits
// are named here and nowhere else.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace sb::relay {

struct relay_config {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  // Allows loopback targets (127.0.0.0/8, ::1) for local development.
  bool dev = false;
  // Serve static files from here on the same port ("" = no site).
  std::string web_root;
  // io_context threads; 0 = one per core.
  unsigned threads = 0;

  // Largest WebSocket message accepted from a client (one Wisp packet).
  std::size_t max_message_bytes = 1024 * 1024;
  // Largest HTTP request header block.
  std::uint32_t max_header_bytes = 16 * 1024;
  // Time a client has to send its HTTP request / finish the WebSocket handshake.
  std::chrono::seconds handshake_timeout{10};
  // Time to resolve and connect one stream's target.
  std::chrono::seconds connect_timeout{10};
  // Wisp buffer granted per stream, in DATA packets (CONTINUE).
  std::uint32_t stream_buffer_packets = 128;
  // Bytes read from a target per DATA packet sent to the client.
  std::size_t read_chunk_bytes = 64 * 1024;
  // DATA packets per stream read from the target but not yet written to the
  // WebSocket; beyond this the relay stops reading that target (backpressure).
  std::size_t max_chunks_in_flight = 4;
  // Name lookups one session may have in flight (RESOLVE).
  std::size_t max_pending_resolves = 16;

  // Listening sockets for guests (LISTEN): off unless enabled (--allow-listen or --dev).
  bool listen_enabled = false;
  // Interface guest listeners bind to, whatever address the guest asked for.
  std::string listen_bind_address = "127.0.0.1";
  std::uint16_t listen_port_min = 1024;
  std::uint16_t listen_port_max = 65535;
  std::uint32_t max_listen_backlog = 128;
};

}  // namespace sb::relay
