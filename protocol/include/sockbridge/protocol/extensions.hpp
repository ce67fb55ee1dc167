// Wisp v2 extension metadata: what the records of an INFO packet carry, per
// extension and per sender. decode_info (wisp.hpp) splits INFO into records;
// these read and write one record's metadata. Same contract as wisp.hpp:
// decoders never read past the span, views point into it, encoders append.
//
// | id   | relay → client            | client → relay                        |
// |------|---------------------------|---------------------------------------|
// | 0x02 | password_offer            | password_credentials                  |
// | 0x04 | MOTD text (motd_text)     | empty                                 |
// | 0x53 | sockbridge_offer          | sockbridge_request                    |
// UDP (0x01) and stream-open confirmation (0x05) carry nothing either way.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "sockbridge/protocol/wisp.hpp"

namespace sb::protocol {

// 0x02, relay → client: u8 required (0 or 1, else bad_flag).
struct password_offer {
  bool required = true;
  bool operator==(const password_offer&) const = default;
};

// 0x02, client → relay: u8 username length, username, then the password
// (the rest of the metadata). Both UTF-8, sent in plain text.
struct password_credentials {
  std::string_view username;  // at most max_username_bytes
  std::string_view password;
  bool operator==(const password_credentials&) const = default;
};

inline constexpr std::size_t max_username_bytes = 255;

// 0x53, relay → client: u8 feature bits; relays from before feature bits send
// nothing (nullopt). Unknown bits are for later versions and ignored.
struct sockbridge_offer {
  std::optional<std::uint8_t> features;
  bool has(std::uint8_t feature) const { return features && (*features & feature) != 0; }
  bool operator==(const sockbridge_offer&) const = default;
};

// Feature bit: the relay honours per-stream byte windows (WINDOW_UPDATE).
inline constexpr std::uint8_t sockbridge_feature_stream_windows = 0x01;
// The relay serves bound UDP sockets (UDP_BIND and DATAGRAM).
inline constexpr std::uint8_t sockbridge_feature_bound_udp = 0x02;

// 0x53, client → relay: u32 initial byte window of every TCP stream (never 0,
// else zero_window), or nothing (nullopt): relay→client DATA is not windowed.
struct sockbridge_request {
  std::optional<std::uint32_t> stream_window;
  bool operator==(const sockbridge_request&) const = default;
};

// Precondition: username.size() <= max_username_bytes.
void encode_password_credentials(bytes& out, const password_credentials& credentials);
decode_error decode_password_credentials(byte_view metadata, password_credentials& out);

void encode_password_offer(bytes& out, const password_offer& offer);
decode_error decode_password_offer(byte_view metadata, password_offer& out);

// The MOTD is the whole metadata, as UTF-8 text; any bytes decode.
void encode_motd(bytes& out, std::string_view motd);
decode_error decode_motd(byte_view metadata, std::string_view& out);

void encode_sockbridge_offer(bytes& out, const sockbridge_offer& offer);
decode_error decode_sockbridge_offer(byte_view metadata, sockbridge_offer& out);

void encode_sockbridge_request(bytes& out, const sockbridge_request& request);
decode_error decode_sockbridge_request(byte_view metadata, sockbridge_request& out);

// The record with this id in an INFO packet, or nullptr.
const extension* find_extension(const info_payload& info, extension_id id);

}  // namespace sb::protocol
