// wisp_handshake: the relay's half of the Wisp v2 handshake, without I/O —
// what its INFO offers (from the configuration) and what a client's INFO
// asks for, including whether its login (password authentication) lets the
// session open. websocket_session sends and receives the frames.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "config.hpp"
#include "sockbridge/protocol/wisp.hpp"

namespace sb::relay {

// The relay's INFO: UDP, stream-open confirmation, the sockbridge extension
// (with its feature bits), and, if configured, password auth (required) and
// the MOTD.
protocol::bytes encode_relay_info(const relay_config& config);

// What a client's INFO decided.
struct client_hello {
  // Set if the session must close: the reason to send on stream 0, and why (for the log).
  std::optional<protocol::close_reason> refusal;
  std::string why;
  std::string username;  // who logged in ("" without password auth)
  bool open_confirmation = false;
  bool sockbridge = false;
  // Byte window per TCP stream for relay→client DATA (sockbridge request), if asked.
  std::optional<std::uint32_t> stream_window;
};

// Reads the client's first frame, which must be its INFO.
client_hello read_client_info(const relay_config& config, const protocol::frame& frame);

}  // namespace sb::relay
