// decode_frame on arbitrary WebSocket messages: a frame that decodes has its
// payload exactly inside the input, and its header re-encodes to the input's
// first five bytes.
#include <algorithm>

#include "fuzz_check.hpp"
#include "sockbridge/protocol/wisp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace wisp = sb::protocol;
  wisp::frame frame;
  if (wisp::decode_frame({data, size}, frame) != wisp::decode_error::ok) return 0;
  sb::fuzz::check(
      frame.payload.data() == data + wisp::frame_header_size && frame.payload.size() == size - wisp::frame_header_size,
      "the payload is the input after the header");
  wisp::bytes header;
  wisp::encode_frame_header(header, frame.type, frame.stream_id);
  sb::fuzz::check(std::equal(header.begin(), header.end(), data), "the header re-encodes to the input's header");
  return 0;
}
