// byte_order: Wisp's little-endian integers, written to and read from byte
// spans. Internal to protocol/: callers check the span is long enough.
#pragma once

#include <cstdint>

#include "sockbridge/protocol/wisp.hpp"

namespace sb::protocol::detail {

inline void put_u16(bytes& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value));
  out.push_back(static_cast<std::uint8_t>(value >> 8));
}

inline void put_u32(bytes& out, std::uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
}

inline std::uint16_t get_u16(byte_view in) { return static_cast<std::uint16_t>(in[0] | in[1] << 8); }

inline std::uint32_t get_u32(byte_view in) {
  return static_cast<std::uint32_t>(in[0]) | static_cast<std::uint32_t>(in[1]) << 8 |
         static_cast<std::uint32_t>(in[2]) << 16 | static_cast<std::uint32_t>(in[3]) << 24;
}

inline std::string_view as_text(byte_view bytes) { return {reinterpret_cast<const char*>(bytes.data()), bytes.size()}; }

inline decode_error check_exact_size(byte_view payload, std::size_t size) {
  if (payload.size() < size) return decode_error::payload_too_short;
  if (payload.size() > size) return decode_error::payload_too_long;
  return decode_error::ok;
}

}  // namespace sb::protocol::detail
