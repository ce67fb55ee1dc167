// relay_config: every setting of sockbridge-relay, with its default. Limits
// are named here and nowhere else; relay/relay.toml documents each one for
// operators, and config_file.hpp reads them from TOML or JSON.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hosts_file.hpp"
#include "password_auth.hpp"
#include "policy.hpp"

namespace sb::relay {

// Longest MOTD the relay accepts in its configuration.
inline constexpr std::size_t max_motd_bytes = 4096;

struct relay_config {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT or [V6]:PORT
  // Allows loopback targets (127.0.0.0/8, ::1) for local development.
  bool dev = false;
  // Serve static files from here on the same port ("" = no site).
  std::string web_root;
  // TLS (wss:// and https://) on the listening port: a PEM certificate chain
  // and its PEM private key. Both empty = plain ws:// and http://.
  std::string tls_certificate_file;
  std::string tls_private_key_file;
  // io_context threads; 0 = one per core.
  unsigned threads = 0;
  // Origins allowed to open a WebSocket (exact "scheme://host[:port]"); empty = any.
  std::vector<std::string> allowed_origins;
  // If set, a WebSocket upgrade must carry it (?token= or Authorization: Bearer).
  std::string token;
  // SIGTERM: stop accepting, answer /healthz with 503, let streams finish this long.
  std::chrono::seconds drain_timeout{25};
  // Message of the day for Wisp v2 clients (MOTD extension 0x04); "" = none offered.
  std::string motd;
  // Wisp v2 password authentication (extension 0x02): if any user is set, every
  // session must log in as one of them; v1 sessions (which cannot) are refused.
  user_table users;

  // Which targets streams may reach (default deny for non-public addresses).
  target_policy policy;
  // A hosts file ("ADDRESS NAME…" lines, # comments): the names it lists
  // resolve only from it (tests, split-horizon setups); "" = none.
  std::string hosts_file;
  // The names read from hosts_file (load_hosts_file).
  host_table hosts;

  // --- limits ---
  std::size_t max_sessions = 10000;
  std::size_t max_sessions_per_address = 64;
  std::size_t max_streams_per_session = 256;
  std::size_t max_streams_total = 100000;
  // Bytes per second one session may move (both directions together); 0 = unlimited.
  std::uint64_t session_bytes_per_second = 0;
  // Largest WebSocket message accepted from a client (one Wisp packet).
  std::size_t max_message_bytes = 1024 * 1024;
  // Largest HTTP request header block.
  std::uint32_t max_header_bytes = 16 * 1024;
  // Time a client has to send its HTTP request / finish the WebSocket handshake.
  std::chrono::seconds handshake_timeout{10};
  // A session with no open stream and no packet from the client for this long is closed.
  std::chrono::seconds session_idle_timeout{300};
  // A stream with no byte in either direction for this long is closed.
  std::chrono::seconds stream_idle_timeout{600};
  // Time to resolve and connect one stream's target.
  std::chrono::seconds connect_timeout{10};
  // Time one name lookup may take.
  std::chrono::seconds dns_timeout{5};
  // Threads doing name lookups for all sessions: as many lookups run at once,
  // the rest wait (within their dns_timeout) for a thread to be free. Sessions
  // take turns, and one session runs at most a quarter of them (lookup_pool).
  unsigned dns_threads = 8;
  // Wisp buffer granted per stream, in DATA packets (CONTINUE).
  std::uint32_t stream_buffer_packets = 128;
  // Most bytes read from a target into one DATA packet (a read takes what is
  // waiting, up to this). Larger means fewer system calls per byte; smaller
  // means a shorter wait for other streams' packets behind it on the WebSocket.
  std::size_t read_chunk_bytes = 256 * 1024;
  // DATA packets per stream read from the target but not yet written to the
  // WebSocket; beyond this the relay stops reading that target (backpressure).
  std::size_t max_chunks_in_flight = 2;
  // Name lookups one session may have in flight (RESOLVE).
  std::size_t max_pending_resolves = 16;

  // Listening sockets for guests (LISTEN, and UDP_BIND to a chosen port): off
  // unless enabled (--allow-listen or --dev).
  bool listen_enabled = false;
  // Interface guest listeners (and UDP ports) bind to, whatever address the guest asked for.
  std::string listen_bind_address = "127.0.0.1";
  std::uint16_t listen_port_min = 1024;
  std::uint16_t listen_port_max = 65535;
  std::uint32_t max_listen_backlog = 128;
};

// Why a guest may not listen on (or bind a UDP socket to) port: "" if it may,
// else "listen_disabled" or "listen_port". Port 0 (any) is within every range.
inline std::string_view listen_denial(const relay_config& config, std::uint16_t port) {
  if (!config.listen_enabled) return "listen_disabled";
  if (port != 0 && (port < config.listen_port_min || port > config.listen_port_max)) return "listen_port";
  return {};
}

}  // namespace sb::relay
