#include "sockbridge/protocol/wisp.hpp"

#include <algorithm>

#include "byte_order.hpp"

namespace sb::protocol {
namespace {

using namespace detail;

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

std::size_t ip_size(std::uint8_t family) { return family == 4 ? 4 : 16; }

void put_endpoint(bytes& out, const endpoint& e) {
  out.push_back(e.family);
  put_u16(out, e.port);
  out.insert(out.end(), e.ip.begin(), e.ip.begin() + static_cast<std::ptrdiff_t>(ip_size(e.family)));
}

// Reads an endpoint from the front of `in` and advances it.
decode_error take_endpoint(byte_view& in, endpoint& out) {
  if (in.size() < 3) return decode_error::payload_too_short;
  if (in[0] != 4 && in[0] != 6) return decode_error::bad_address_family;
  const auto size = ip_size(in[0]);
  if (in.size() < 3 + size) return decode_error::payload_too_short;
  out = {};
  out.family = in[0];
  out.port = get_u16(in.subspan(1, 2));
  std::copy_n(in.begin() + 3, size, out.ip.begin());
  in = in.subspan(3 + size);
  return decode_error::ok;
}

}  // namespace

decode_error check_hostname(byte_view hostname) {
  if (hostname.empty()) return decode_error::empty_hostname;
  if (hostname.size() > max_hostname_bytes) return decode_error::hostname_too_long;
  for (auto c : hostname)
    if (c < 0x20 || c == 0x7f) return decode_error::bad_hostname;
  return decode_error::ok;
}

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
  if (auto error = check_hostname(hostname); error != decode_error::ok) return error;
  out.type = static_cast<stream_type>(payload[0]);
  out.port = get_u16(payload.subspan(1, 2));
  out.hostname = as_text(hostname);
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

void encode_connected(bytes& out, std::uint32_t stream_id, const connected_payload& payload) {
  encode_frame_header(out, packet_type::connected, stream_id);
  put_endpoint(out, payload.local);
  put_endpoint(out, payload.peer);
}

decode_error decode_connected(byte_view payload, connected_payload& out) {
  if (auto error = take_endpoint(payload, out.local); error != decode_error::ok) return error;
  if (auto error = take_endpoint(payload, out.peer); error != decode_error::ok) return error;
  return payload.empty() ? decode_error::ok : decode_error::payload_too_long;
}

void encode_resolve(bytes& out, std::uint32_t request_id, const resolve_payload& payload) {
  encode_frame_header(out, packet_type::resolve, request_id);
  out.push_back(payload.family);
  out.insert(out.end(), payload.hostname.begin(), payload.hostname.end());
}

decode_error decode_resolve(byte_view payload, resolve_payload& out) {
  if (payload.empty()) return decode_error::payload_too_short;
  if (payload[0] != 0 && payload[0] != 4 && payload[0] != 6) return decode_error::bad_address_family;
  auto hostname = payload.subspan(1);
  if (auto error = check_hostname(hostname); error != decode_error::ok) return error;
  out.family = payload[0];
  out.hostname = as_text(hostname);
  return decode_error::ok;
}

void encode_resolved(bytes& out, std::uint32_t request_id, const resolved_payload& payload) {
  encode_frame_header(out, packet_type::resolved, request_id);
  out.push_back(payload.status);
  out.push_back(static_cast<std::uint8_t>(payload.addresses.size()));
  for (const auto& address : payload.addresses) put_endpoint(out, address);
}

decode_error decode_resolved(byte_view payload, resolved_payload& out) {
  if (payload.size() < 2) return decode_error::payload_too_short;
  const auto count = payload[1];
  if (count > max_resolved_addresses) return decode_error::too_many_addresses;
  out.status = payload[0];
  out.addresses.clear();
  auto rest = payload.subspan(2);
  for (std::size_t i = 0; i < count; ++i) {
    endpoint address;
    if (auto error = take_endpoint(rest, address); error != decode_error::ok) return error;
    out.addresses.push_back(address);
  }
  return rest.empty() ? decode_error::ok : decode_error::payload_too_long;
}

void encode_listen(bytes& out, std::uint32_t stream_id, const listen_payload& payload) {
  encode_frame_header(out, packet_type::listen, stream_id);
  put_endpoint(out, payload.address);
  put_u32(out, payload.backlog);
}

decode_error decode_listen(byte_view payload, listen_payload& out) {
  if (auto error = take_endpoint(payload, out.address); error != decode_error::ok) return error;
  if (auto error = check_exact_size(payload, 4); error != decode_error::ok) return error;
  out.backlog = get_u32(payload);
  return decode_error::ok;
}

void encode_accepted(bytes& out, std::uint32_t listener_id, const accepted_payload& payload) {
  encode_frame_header(out, packet_type::accepted, listener_id);
  put_u32(out, payload.stream_id);
  put_endpoint(out, payload.peer);
  put_endpoint(out, payload.local);
}

decode_error decode_accepted(byte_view payload, accepted_payload& out) {
  if (payload.size() < 4) return decode_error::payload_too_short;
  out.stream_id = get_u32(payload);
  payload = payload.subspan(4);
  if (auto error = take_endpoint(payload, out.peer); error != decode_error::ok) return error;
  if (auto error = take_endpoint(payload, out.local); error != decode_error::ok) return error;
  return payload.empty() ? decode_error::ok : decode_error::payload_too_long;
}

void encode_shutdown(bytes& out, std::uint32_t stream_id) {
  encode_frame_header(out, packet_type::shutdown, stream_id);
}

decode_error decode_shutdown(byte_view payload) { return check_exact_size(payload, 0); }

void encode_window_update(bytes& out, std::uint32_t stream_id, std::uint32_t increment) {
  encode_frame_header(out, packet_type::window_update, stream_id);
  put_u32(out, increment);
}

decode_error decode_window_update(byte_view payload, std::uint32_t& increment) {
  if (auto error = check_exact_size(payload, 4); error != decode_error::ok) return error;
  const auto value = get_u32(payload);
  if (value == 0) return decode_error::zero_window;
  increment = value;
  return decode_error::ok;
}

void encode_udp_bind(bytes& out, std::uint32_t stream_id, const endpoint& address) {
  encode_frame_header(out, packet_type::udp_bind, stream_id);
  put_endpoint(out, address);
}

decode_error decode_udp_bind(byte_view payload, endpoint& out) {
  if (auto error = take_endpoint(payload, out); error != decode_error::ok) return error;
  return payload.empty() ? decode_error::ok : decode_error::payload_too_long;
}

void encode_datagram(bytes& out, std::uint32_t stream_id, const datagram_payload& payload) {
  encode_frame_header(out, packet_type::datagram, stream_id);
  put_endpoint(out, payload.peer);
  out.insert(out.end(), payload.data.begin(), payload.data.end());
}

decode_error decode_datagram(byte_view payload, datagram_payload& out) {
  if (auto error = take_endpoint(payload, out.peer); error != decode_error::ok) return error;
  if (payload.size() > max_datagram_bytes) return decode_error::payload_too_long;
  out.data = payload;
  return decode_error::ok;
}

}  // namespace sb::protocol
