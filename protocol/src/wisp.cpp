#include "sockbridge/protocol/wisp.hpp"

namespace sb::protocol {
namespace {

void put_u16(bytes& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value));
  out.push_back(static_cast<std::uint8_t>(value >> 8));
}

void put_u32(bytes& out, std::uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
}

std::uint16_t get_u16(byte_view in) { return static_cast<std::uint16_t>(in[0] | in[1] << 8); }

std::uint32_t get_u32(byte_view in) {
  return static_cast<std::uint32_t>(in[0]) | static_cast<std::uint32_t>(in[1]) << 8 |
         static_cast<std::uint32_t>(in[2]) << 16 | static_cast<std::uint32_t>(in[3]) << 24;
}

bool is_known_packet_type(std::uint8_t value) {
  switch (value) {
#define SB_X(name, number) case number:
    SB_PACKET_TYPES(SB_X)
#undef SB_X
    return true;
    default:
      return false;
  }
}

decode_error check_exact_size(byte_view payload, std::size_t size) {
  if (payload.size() < size) return decode_error::payload_too_short;
  if (payload.size() > size) return decode_error::payload_too_long;
  return decode_error::ok;
}

}  // namespace

std::string_view describe(close_reason reason) {
  switch (reason) {
#define SB_X(name, value, description) \
  case close_reason::name:             \
    return description;
    SB_CLOSE_REASONS(SB_X)
#undef SB_X
  }
  return "unknown close reason";
}

std::string_view describe(decode_error error) {
  switch (error) {
#define SB_X(name, description) \
  case decode_error::name:      \
    return description;
    SB_DECODE_ERRORS(SB_X)
#undef SB_X
  }
  return "unknown decode error";
}

decode_error decode_frame(byte_view input, frame& out) {
  if (input.size() < frame_header_size) return decode_error::frame_too_short;
  if (!is_known_packet_type(input[0])) return decode_error::unknown_packet_type;
  out.type = static_cast<packet_type>(input[0]);
  out.stream_id = get_u32(input.subspan(1, 4));
  out.payload = input.subspan(frame_header_size);
  return decode_error::ok;
}

void encode_frame_header(bytes& out, packet_type type, std::uint32_t stream_id) {
  out.push_back(static_cast<std::uint8_t>(type));
  put_u32(out, stream_id);
}

void encode_connect(bytes& out, std::uint32_t stream_id, const connect_payload& payload) {
  encode_frame_header(out, packet_type::connect, stream_id);
  out.push_back(static_cast<std::uint8_t>(payload.type));
  put_u16(out, payload.port);
  out.insert(out.end(), payload.hostname.begin(), payload.hostname.end());
}

decode_error decode_connect(byte_view payload, connect_payload& out) {
  if (payload.size() < 3) return decode_error::payload_too_short;
  if (payload[0] != static_cast<std::uint8_t>(stream_type::tcp) &&
      payload[0] != static_cast<std::uint8_t>(stream_type::udp))
    return decode_error::bad_stream_type;
  auto hostname = payload.subspan(3);
  if (hostname.empty()) return decode_error::empty_hostname;
  if (hostname.size() > max_hostname_bytes) return decode_error::hostname_too_long;
  for (auto c : hostname)
    if (c < 0x20 || c == 0x7f) return decode_error::bad_hostname;
  out.type = static_cast<stream_type>(payload[0]);
  out.port = get_u16(payload.subspan(1, 2));
  out.hostname = std::string_view(reinterpret_cast<const char*>(hostname.data()), hostname.size());
  return decode_error::ok;
}

void encode_data(bytes& out, std::uint32_t stream_id, byte_view data) {
  encode_frame_header(out, packet_type::data, stream_id);
  out.insert(out.end(), data.begin(), data.end());
}

void encode_continue(bytes& out, std::uint32_t stream_id, std::uint32_t buffer_remaining) {
  encode_frame_header(out, packet_type::continue_, stream_id);
  put_u32(out, buffer_remaining);
}

decode_error decode_continue(byte_view payload, std::uint32_t& buffer_remaining) {
  if (auto error = check_exact_size(payload, 4); error != decode_error::ok) return error;
  buffer_remaining = get_u32(payload);
  return decode_error::ok;
}

void encode_close(bytes& out, std::uint32_t stream_id, close_reason reason) {
  encode_frame_header(out, packet_type::close, stream_id);
  out.push_back(static_cast<std::uint8_t>(reason));
}

decode_error decode_close(byte_view payload, close_reason& reason) {
  if (auto error = check_exact_size(payload, 1); error != decode_error::ok) return error;
  reason = static_cast<close_reason>(payload[0]);
  return decode_error::ok;
}

void encode_info(bytes& out, const info_payload& info) {
  encode_frame_header(out, packet_type::info, session_stream_id);
  out.push_back(info.major);
  out.push_back(info.minor);
  for (const auto& ext : info.extensions) {
    out.push_back(ext.id);
    put_u32(out, static_cast<std::uint32_t>(ext.metadata.size()));
    out.insert(out.end(), ext.metadata.begin(), ext.metadata.end());
  }
}

decode_error decode_info(byte_view payload, info_payload& out) {
  if (payload.size() < 2) return decode_error::payload_too_short;
  out.major = payload[0];
  out.minor = payload[1];
  out.extensions.clear();
  auto rest = payload.subspan(2);
  while (!rest.empty()) {
    if (rest.size() < 5) return decode_error::truncated_extension;
    std::uint32_t length = get_u32(rest.subspan(1, 4));
    if (length > rest.size() - 5) return decode_error::truncated_extension;
    if (out.extensions.size() == max_info_extensions) return decode_error::too_many_extensions;
    out.extensions.push_back({rest[0], rest.subspan(5, length)});
    rest = rest.subspan(5 + length);
  }
  return decode_error::ok;
}

}  // namespace sb::protocol
