// sockbridge wire format: Wisp framing (v1 and the v2 handshake), one definition
// shared by the relay and the host kernel. Sans-IO: bytes in, values out.
//
// Frame: [u8 packet type][u32 stream id, little-endian][payload]. Every decoder
// takes a span it does not own, never reads past it, and returns a named
// decode_error for malformed input; decoded views (hostnames, payloads,
// extension metadata) point into the caller's span and live only as long as it.
// Encoders append to a caller-owned byte vector.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace sb::protocol {

using bytes = std::vector<std::uint8_t>;
using byte_view = std::span<const std::uint8_t>;

// X(name, value). 0x01-0x05 are Wisp; 0x80 and up belong to the sockbridge
// extension and are sent only on sessions that negotiated it (see PROTOCOL.md).
#define SB_PACKET_TYPES(X) \
  X(connect, 0x01)         \
  X(data, 0x02)            \
  X(continue_, 0x03)       \
  X(close, 0x04)           \
  X(info, 0x05)            \
  X(connected, 0x80)       \
  X(resolve, 0x81)         \
  X(resolved, 0x82)        \
  X(listen, 0x83)          \
  X(accepted, 0x84)        \
  X(shutdown, 0x85)        \
  X(window_update, 0x86)   \
  X(udp_bind, 0x87)        \
  X(datagram, 0x88)

enum class packet_type : std::uint8_t {
#define SB_X(name, value) name = value,
  SB_PACKET_TYPES(SB_X)
#undef SB_X
};

// Close reasons as published by Wisp: X(name, value, description).
#define SB_CLOSE_REASONS(X)                                            \
  X(unspecified, 0x01, "reason unspecified")                           \
  X(voluntary, 0x02, "voluntary stream closure")                       \
  X(network_error, 0x03, "network error")                              \
  X(incompatible_extensions, 0x04, "incompatible extensions")          \
  X(invalid_info, 0x41, "stream creation failed: invalid information") \
  X(unreachable, 0x42, "destination unreachable")                      \
  X(connect_timeout, 0x43, "connection timed out")                     \
  X(refused, 0x44, "connection refused")                               \
  X(transfer_timeout, 0x47, "data transfer timed out")                 \
  X(blocked, 0x48, "destination blocked by relay policy")              \
  X(throttled, 0x49, "connection throttled by the relay")              \
  X(client_error, 0x81, "client error")                                \
  X(auth_bad_password, 0xc0, "authentication failed: bad password")    \
  X(auth_bad_signature, 0xc1, "authentication failed: bad signature")  \
  X(auth_required, 0xc2, "authentication required")                    \
  X(address_in_use, 0x90, "address already in use")                    \
  X(address_not_available, 0x91, "address not available")              \
  X(name_not_found, 0x92, "host name not found")                       \
  X(connection_reset, 0x93, "connection reset by peer")

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
  key_auth = 0x03,
  motd = 0x04,
  stream_open_confirmation = 0x05,
  sockbridge = 0x53,  // 'S': the sockbridge extension (packets 0x80 and up)
};

// Every way a frame or payload can be malformed: X(name, description).
#define SB_DECODE_ERRORS(X)                                                   \
  X(ok, "ok")                                                                 \
  X(frame_too_short, "frame shorter than the 5-byte header")                  \
  X(unknown_packet_type, "unknown packet type")                               \
  X(payload_too_short, "payload shorter than its fixed fields")               \
  X(payload_too_long, "payload longer than its fixed fields")                 \
  X(bad_stream_type, "stream type is neither TCP nor UDP")                    \
  X(empty_hostname, "CONNECT without a hostname")                             \
  X(hostname_too_long, "hostname longer than 255 bytes")                      \
  X(bad_hostname, "hostname contains a control character")                    \
  X(truncated_extension, "extension metadata runs past the INFO packet")      \
  X(too_many_extensions, "more extensions than allowed in one INFO packet")   \
  X(bad_address_family, "address family is neither 4 nor 6")                  \
  X(too_many_addresses, "more addresses than allowed in one RESOLVED packet") \
  X(zero_window, "a byte window or window increment of zero")                 \
  X(bad_flag, "a boolean field is neither 0 nor 1")                           \
  X(bad_key_auth, "key auth: unknown algorithm, or a key hash or signature of the wrong size")

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

// --- sockbridge extension payloads ---

// An IP endpoint on the wire: u8 family (4 or 6), u16 port, 4 or 16 address bytes.
struct endpoint {
  std::uint8_t family = 4;
  std::array<std::uint8_t, 16> ip{};  // first 4 bytes for IPv4
  std::uint16_t port = 0;
  bool operator==(const endpoint&) const = default;
};

inline constexpr std::size_t max_resolved_addresses = 32;

// CONNECTED (relay → client, on a stream): the stream's real local and peer addresses.
struct connected_payload {
  endpoint local;
  endpoint peer;
  bool operator==(const connected_payload&) const = default;
};

// RESOLVE (client → relay; the stream id field is a request id): look up a name.
struct resolve_payload {
  std::uint8_t family = 0;  // 0 = any, 4 or 6
  std::string_view hostname;
  bool operator==(const resolve_payload&) const = default;
};

// RESOLVED (relay → client, same request id): status 0 and addresses (port 0), or a close reason.
struct resolved_payload {
  std::uint8_t status = 0;
  std::vector<endpoint> addresses;
  bool operator==(const resolved_payload&) const = default;
};

// LISTEN (client → relay, on a new stream id): open a listening socket on the relay host.
struct listen_payload {
  endpoint address;
  std::uint32_t backlog = 0;
  bool operator==(const listen_payload&) const = default;
};

// ACCEPTED (relay → client, on the listener's stream): a new inbound stream.
struct accepted_payload {
  std::uint32_t stream_id = 0;  // in the relay's id space (high bit set)
  endpoint peer;
  endpoint local;
  bool operator==(const accepted_payload&) const = default;
};

// Largest datagram a DATAGRAM packet carries (IPv4's UDP limit: 65535 minus the IP and UDP headers).
inline constexpr std::size_t max_datagram_bytes = 65507;

// DATAGRAM (both directions, on a UDP_BIND stream): one UDP datagram and the
// other end's address — the destination from the client, the source from the relay.
struct datagram_payload {
  endpoint peer;
  byte_view data;  // at most max_datagram_bytes
  bool operator==(const datagram_payload& other) const {
    return peer == other.peer && std::equal(data.begin(), data.end(), other.data.begin(), other.data.end());
  }
};

// Stream ids the relay creates (ACCEPTED) have this bit set; clients never use them.
inline constexpr std::uint32_t relay_stream_id_bit = 0x80000000u;

decode_error decode_frame(byte_view input, frame& out);
void encode_frame_header(bytes& out, packet_type type, std::uint32_t stream_id);
// Whether a host name may cross the wire (CONNECT, RESOLVE): 1 to
// max_hostname_bytes bytes, none a control character (below 0x20, or DEL).
// Every decoder of a host name applies it; encoders' callers check first.
decode_error check_hostname(byte_view hostname);

void encode_connect(bytes& out, std::uint32_t stream_id, const connect_payload& payload);
decode_error decode_connect(byte_view payload, connect_payload& out);

void encode_data(bytes& out, std::uint32_t stream_id, byte_view data);

void encode_continue(bytes& out, std::uint32_t stream_id, std::uint32_t buffer_remaining);
decode_error decode_continue(byte_view payload, std::uint32_t& buffer_remaining);

void encode_close(bytes& out, std::uint32_t stream_id, close_reason reason);
decode_error decode_close(byte_view payload, close_reason& reason);

void encode_info(bytes& out, const info_payload& info);
decode_error decode_info(byte_view payload, info_payload& out);

void encode_connected(bytes& out, std::uint32_t stream_id, const connected_payload& payload);
decode_error decode_connected(byte_view payload, connected_payload& out);

void encode_resolve(bytes& out, std::uint32_t request_id, const resolve_payload& payload);
decode_error decode_resolve(byte_view payload, resolve_payload& out);

void encode_resolved(bytes& out, std::uint32_t request_id, const resolved_payload& payload);
decode_error decode_resolved(byte_view payload, resolved_payload& out);

void encode_listen(bytes& out, std::uint32_t stream_id, const listen_payload& payload);
decode_error decode_listen(byte_view payload, listen_payload& out);

void encode_accepted(bytes& out, std::uint32_t listener_id, const accepted_payload& payload);
decode_error decode_accepted(byte_view payload, accepted_payload& out);

// SHUTDOWN has no payload: "no more DATA from me on this stream" (TCP FIN).
// Decoding only checks that the payload is empty (payload_too_long otherwise).
void encode_shutdown(bytes& out, std::uint32_t stream_id);
decode_error decode_shutdown(byte_view payload);

// WINDOW_UPDATE (client → relay, on a TCP stream): the relay may send `increment`
// more DATA bytes on the stream. u32, never 0 (zero_window).
void encode_window_update(bytes& out, std::uint32_t stream_id, std::uint32_t increment);
decode_error decode_window_update(byte_view payload, std::uint32_t& increment);

// UDP_BIND (client → relay, on a new stream id): open an unconnected UDP socket
// on the relay host, bound to `address` (port 0: any free port). The payload is
// exactly one endpoint.
void encode_udp_bind(bytes& out, std::uint32_t stream_id, const endpoint& address);
decode_error decode_udp_bind(byte_view payload, endpoint& out);

// DATAGRAM: endpoint, then the datagram (payload_too_long beyond max_datagram_bytes).
void encode_datagram(bytes& out, std::uint32_t stream_id, const datagram_payload& payload);
decode_error decode_datagram(byte_view payload, datagram_payload& out);

}  // namespace sb::protocol
