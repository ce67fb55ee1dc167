// decode_window_update on arbitrary payloads, with the round-trip property of payload_round_trip.hpp.
#include "payload_round_trip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace wisp = sb::protocol;
  return sb::fuzz::payload_round_trip<std::uint32_t>(data, size, wisp::packet_type::window_update,
                                                     wisp::decode_window_update, wisp::encode_window_update);
}
