// decode_connect on arbitrary payloads, with the round-trip property of payload_round_trip.hpp.
#include "payload_round_trip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace wisp = sb::protocol;
  return sb::fuzz::payload_round_trip<wisp::connect_payload>(data, size, wisp::packet_type::connect,
                                                             wisp::decode_connect, wisp::encode_connect);
}
