// sockbridge wire format: Wisp framing (v1 and the v2 handshake), one definition
// shared by the relay and the host kernel. Sans-IO: bytes in, values out.
//
// Frame: [u8 packet type][u32 stream id, little-endian][payload]. Every decoder
// takes a span it does not own, never reads past it, and returns a named
// decode_error for malformed input; decoded views (hostnames, payloads,
// extension metadata) point into the caller's span and live only as long as it.
// Encoders append to a caller-owned byte vector.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace sb::protocol {

using bytes = std::vector<std::uint8_t>;
using byte_view = std::span<const std::uint8_t>;

// X(name, value)
#define SB_PACKET_TYPES(X) \
  X(connect, 0x01)         \
  X(data, 0x02)            \
  X(continue_, 0x03)       \
  X(close, 0x04)           \
  X(info, 0x05)

enum class packet_type : std::uint8_t {
#define SB_X(name, value) name = value,
  SB_PACKET_TYPES(SB_X)
#undef SB_X
};

// Close reasons as published by Wisp: X(name, value, description).
#define SB_CLOSE_REASONS(X)                                                        \
  X(unspecified, 0x01, "reason unspecified")                                      \
  X(voluntary, 0x02, "voluntary stream closure")                                  \
  X(network_error, 0x03, "network error")                                         \
  X(incompatible_extensions, 0x04, "incompatible extensions")                     \
  X(invalid_info, 0x41, "stream creation failed: invalid information")           \
  X(unreachable, 0x42, "destination unreachable")                                 \
  X(connect_timeout, 0x43, "connection timed out")                                \
  X(refused, 0x44, "connection refused")                                          \
  X(transfer_timeout, 0x47, "data transfer timed out")                            \
  X(blocked, 0x48, "destination blocked by relay policy")                         \
  X(throttled, 0x49, "connection throttled by the relay")                         \
  X(client_error, 0x81, "client error")                                           \
  X(auth_bad_password, 0xc0, "authentication failed: bad password")              \
  X(auth_bad_signature, 0xc1, "authentication failed: bad signature")            \
  X(auth_required, 0xc2, "authentication required")

enum class close_reason : std::uint8_t {
#define SB_X(name, value, description) name = value,
  SB_CLOSE_REASONS(SB_X)
#undef SB_X
};

// Human-readable description of a close reason ("unknown close reason" if not in the table).
std::string_view describe(close_reason reason);

enum class stream_type : std::uint8_t { tcp = 0x01, udp = 0x02 };

// Wisp v2 extension ids used by sockbridge.
enum class extension_id : std::uint8_t {
  udp = 0x01,
  password_auth = 0x02,
  motd = 0x04,
  stream_open_confirmation = 0x05,
};

// Every way a frame or payload can be malformed: X(name, description).
#define SB_DECODE_ERRORS(X)                                        \
  X(ok, "ok")                                                      \
  X(frame_too_short, "frame shorter than the 5-byte header")      \
  X(unknown_packet_type, "unknown packet type")                   \
  X(payload_too_short, "payload shorter than its fixed fields")   \
  X(payload_too_long, "payload longer than its fixed fields")     \
  X(bad_stream_type, "stream type is neither TCP nor UDP")        \
  X(empty_hostname, "CONNECT without a hostname")                 \
  X(hostname_too_long, "hostname longer than 255 bytes")          \
  X(bad_hostname, "hostname contains a control character")        \
  X(truncated_extension, "extension metadata runs past the INFO packet") \
  X(too_many_extensions, "more extensions than allowed in one INFO packet")

enum class decode_error : std::uint8_t {
#define SB_X(name, description) name,
  SB_DECODE_ERRORS(SB_X)
#undef SB_X
};

std::string_view describe(decode_error error);

inline constexpr std::size_t frame_header_size = 5;
inline constexpr std::size_t max_hostname_bytes = 255;
inline constexpr std::size_t max_info_extensions = 32;
// Stream id 0 carries connection-level packets (initial CONTINUE, INFO, session CLOSE).
inline constexpr std::uint32_t session_stream_id = 0;

// One frame, split into header fields and a payload view into the input.
struct frame {
  packet_type type{};
  std::uint32_t stream_id = 0;
  byte_view payload;
};

struct connect_payload {
  stream_type type = stream_type::tcp;
  std::uint16_t port = 0;
  std::string_view hostname;
  bool operator==(const connect_payload&) const = default;
};

struct extension {
  std::uint8_t id = 0;
  byte_view metadata;
};

struct info_payload {
  std::uint8_t major = 2;
  std::uint8_t minor = 0;
  std::vector<extension> extensions;
};

decode_error decode_frame(byte_view input, frame& out);
void encode_frame_header(bytes& out, packet_type type, std::uint32_t stream_id);

void encode_connect(bytes& out, std::uint32_t stream_id, const connect_payload& payload);
decode_error decode_connect(byte_view payload, connect_payload& out);

void encode_data(bytes& out, std::uint32_t stream_id, byte_view data);

void encode_continue(bytes& out, std::uint32_t stream_id, std::uint32_t buffer_remaining);
decode_error decode_continue(byte_view payload, std::uint32_t& buffer_remaining);

void encode_close(bytes& out, std::uint32_t stream_id, close_reason reason);
decode_error decode_close(byte_view payload, close_reason& reason);

void encode_info(bytes& out, const info_payload& info);
decode_error decode_info(byte_view payload, info_payload& out);

}  // namespace sb::protocol
