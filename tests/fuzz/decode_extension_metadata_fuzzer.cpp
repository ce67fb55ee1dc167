// The INFO metadata decoders of extensions.hpp on arbitrary input. The input
// is a whole INFO message (so the INFO vectors seed it); every record is fed
// to every metadata decoder, whatever its id, since a peer may put any bytes
// under any id. Whatever a decoder accepts must re-encode to exactly the
// record's bytes and decode again to an equal value.
#include <algorithm>

#include "fuzz_check.hpp"
#include "sockbridge/protocol/extensions.hpp"

namespace {

namespace wisp = sb::protocol;

template <class Value, class Decode, class Encode>
void round_trip(wisp::byte_view metadata, Decode decode, Encode encode) {
  Value decoded{};
  if (decode(metadata, decoded) != wisp::decode_error::ok) return;
  wisp::bytes encoded;
  encode(encoded, decoded);
  sb::fuzz::check(std::equal(encoded.begin(), encoded.end(), metadata.begin(), metadata.end()),
                  "encode(decode(metadata)) == metadata");
  Value again{};
  sb::fuzz::check(decode(encoded, again) == wisp::decode_error::ok, "re-encoded metadata decodes");
  sb::fuzz::check(again == decoded, "decode(encode(x)) == x");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < wisp::frame_header_size) return 0;
  wisp::info_payload info;
  if (wisp::decode_info(wisp::byte_view{data, size}.subspan(wisp::frame_header_size), info) != wisp::decode_error::ok)
    return 0;
  for (const auto& record : info.extensions) {
    round_trip<wisp::password_offer>(record.metadata, wisp::decode_password_offer, wisp::encode_password_offer);
    round_trip<wisp::password_credentials>(record.metadata, wisp::decode_password_credentials,
                                           wisp::encode_password_credentials);
    round_trip<wisp::key_auth_offer>(record.metadata, wisp::decode_key_auth_offer, wisp::encode_key_auth_offer);
    round_trip<wisp::key_auth_answer>(record.metadata, wisp::decode_key_auth_answer, wisp::encode_key_auth_answer);
    round_trip<std::string_view>(record.metadata, wisp::decode_motd, wisp::encode_motd);
    round_trip<wisp::sockbridge_offer>(record.metadata, wisp::decode_sockbridge_offer, wisp::encode_sockbridge_offer);
    round_trip<wisp::sockbridge_request>(record.metadata, wisp::decode_sockbridge_request,
                                         wisp::encode_sockbridge_request);
  }
  return 0;
}
