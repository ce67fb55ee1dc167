// decode_udp_bind on arbitrary payloads, with the round-trip property of payload_round_trip.hpp.
#include "payload_round_trip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace wisp = sb::protocol;
  return sb::fuzz::payload_round_trip<wisp::endpoint>(data, size, wisp::packet_type::udp_bind, wisp::decode_udp_bind,
                                                      wisp::encode_udp_bind);
}
