// decode_connected on arbitrary payloads, with the round-trip property of payload_round_trip.hpp.
#include "payload_round_trip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace wisp = sb::protocol;
  return sb::fuzz::payload_round_trip<wisp::connected_payload>(data, size, wisp::packet_type::connected,
                                                               wisp::decode_connected, wisp::encode_connected);
}
