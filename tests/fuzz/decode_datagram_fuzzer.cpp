// decode_datagram on arbitrary payloads, with the round-trip property of payload_round_trip.hpp.
#include "payload_round_trip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace wisp = sb::protocol;
  return sb::fuzz::payload_round_trip<wisp::datagram_payload>(data, size, wisp::packet_type::datagram,
                                                              wisp::decode_datagram, wisp::encode_datagram);
}
