// payload_round_trip: the property every payload decoder's fuzz target checks.
//
// Input is a whole Wisp message, so the golden vectors seed every target; the
// packet type byte is ignored (each target knows its type). Whatever the
// decoder accepts must (1) re-encode to exactly the input bytes (the encoding
// is canonical) and (2) decode again to an equal value: decode(encode(x)) == x
// for every x a peer can send.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>

#include "fuzz_check.hpp"
#include "sockbridge/protocol/wisp.hpp"

namespace sb::fuzz {

namespace wisp = sb::protocol;

template <class Payload, class Decode, class Encode, class Equal>
int payload_round_trip(const std::uint8_t* data, std::size_t size, wisp::packet_type type, Decode decode, Encode encode,
                       Equal equal) {
  if (size < wisp::frame_header_size) return 0;
  const wisp::byte_view input{data, size};
  const std::uint32_t stream_id = static_cast<std::uint32_t>(data[1]) | static_cast<std::uint32_t>(data[2]) << 8 |
                                  static_cast<std::uint32_t>(data[3]) << 16 | static_cast<std::uint32_t>(data[4]) << 24;
  Payload decoded{};
  if (decode(input.subspan(wisp::frame_header_size), decoded) != wisp::decode_error::ok) return 0;

  wisp::bytes encoded;
  encode(encoded, stream_id, decoded);
  check(encoded.size() == size && encoded[0] == static_cast<std::uint8_t>(type) &&
            std::equal(encoded.begin() + 1, encoded.end(), input.begin() + 1),
        "encode(decode(bytes)) == bytes");

  Payload again{};
  check(decode(wisp::byte_view{encoded}.subspan(wisp::frame_header_size), again) == wisp::decode_error::ok,
        "a re-encoded payload decodes");
  check(equal(again, decoded), "decode(encode(x)) == x");
  return 0;
}

template <class Payload, class Decode, class Encode>
int payload_round_trip(const std::uint8_t* data, std::size_t size, wisp::packet_type type, Decode decode,
                       Encode encode) {
  return payload_round_trip<Payload>(data, size, type, decode, encode,
                                     [](const Payload& a, const Payload& b) { return a == b; });
}

}  // namespace sb::fuzz
