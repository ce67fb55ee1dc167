// decode_info on arbitrary payloads, with the round-trip property of
// payload_round_trip.hpp. INFO lives on stream 0 (encode_info writes no other),
// so the input's stream id is cleared first.
#include <vector>

#include "payload_round_trip.hpp"

namespace {

namespace wisp = sb::protocol;

bool same_info(const wisp::info_payload& a, const wisp::info_payload& b) {
  return a.major == b.major && a.minor == b.minor &&
         std::equal(a.extensions.begin(), a.extensions.end(), b.extensions.begin(), b.extensions.end(),
                    [](const wisp::extension& x, const wisp::extension& y) {
                      return x.id == y.id &&
                             std::equal(x.metadata.begin(), x.metadata.end(), y.metadata.begin(), y.metadata.end());
                    });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < wisp::frame_header_size) return 0;
  std::vector<std::uint8_t> message(data, data + size);  // exactly size bytes: overreads still trap
  std::fill_n(message.begin() + 1, 4, 0);
  return sb::fuzz::payload_round_trip<wisp::info_payload>(
      message.data(), message.size(), wisp::packet_type::info, wisp::decode_info,
      [](wisp::bytes& out, std::uint32_t, const wisp::info_payload& info) { wisp::encode_info(out, info); }, same_info);
}
