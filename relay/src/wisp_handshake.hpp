// wisp_handshake: the relay's half of the Wisp v2 handshake, without I/O —
// what its INFO offers (from the configuration) and what a client's INFO
// asks for, including whether its login (password authentication) lets the
// session open. websocket_session sends and receives the frames.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config.hpp"
#include "sockbridge/protocol/wisp.hpp"

namespace sb::relay {

// The subprotocol the relay answers a WebSocket upgrade with, given the
// client's Sec-WebSocket-Protocol value: the first one offered ("a, b" → "a",
// spaces trimmed, whatever its name), or "" if none. A session speaks Wisp v2
// when there is one, v1 otherwise (v2 draft 6).
std::string chosen_subprotocol(std::string_view offered);

// True if every session must log in: users (password auth) or authorized
// keys (key auth) are configured. Wisp v1 sessions, which cannot log in, are
// then refused.
bool login_required(const relay_config& config);

// The relay's INFO: UDP, stream-open confirmation, the sockbridge extension
// (with its feature bits), and, if configured, password auth (required), key
// auth (required, Ed25519, with key_challenge: new_key_challenge() of
// key_auth.hpp, one per session) and the MOTD.
protocol::bytes encode_relay_info(const relay_config& config, protocol::byte_view key_challenge);

// What a client's INFO decided.
struct client_hello {
  // Set if the session must close: the reason to send on stream 0, and why (for the log).
  std::optional<protocol::close_reason> refusal;
  std::string why;
  std::string username;  // who logged in: the user, or "key:" and the key's name ("" without a login)
  bool open_confirmation = false;
  bool sockbridge = false;
  // Byte window per TCP stream for relay→client DATA (sockbridge request), if asked.
  std::optional<std::uint32_t> stream_window;
};

// Reads the client's first frame, which must be its INFO. key_challenge: the
// one this session's INFO carried. With both logins configured, either one
// lets the session open (the spec lets the client choose); a client that
// sends a key answer is judged by it.
client_hello read_client_info(const relay_config& config, const protocol::frame& frame,
                              protocol::byte_view key_challenge);

}  // namespace sb::relay
