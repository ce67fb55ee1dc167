// Wisp v2 extension metadata (extensions.hpp): password auth, MOTD and the
// sockbridge extension's stream-window negotiation, in both directions.
#include <gtest/gtest.h>

#include "sockbridge/protocol/extensions.hpp"

namespace wisp = sb::protocol;

namespace {

wisp::byte_view view(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace

TEST(extension_metadata, credentials_are_username_length_username_then_password) {
  wisp::bytes out;
  wisp::encode_password_credentials(out, {"bob", "pa:ss word"});
  EXPECT_EQ(std::string(out.begin(), out.end()), std::string("\x03") + "bobpa:ss word");
  wisp::password_credentials decoded;
  ASSERT_EQ(wisp::decode_password_credentials(out, decoded), wisp::decode_error::ok);
  EXPECT_EQ(decoded.username, "bob");
  EXPECT_EQ(decoded.password, "pa:ss word");
}

TEST(extension_metadata, credentials_with_a_u16_password_length_as_epoxy_and_wisp_js_write_them) {
  wisp::bytes out;
  wisp::encode_password_credentials(out, {"bob", "pa:ss word", wisp::password_layout::password_length});
  EXPECT_EQ(std::string(out.begin(), out.end()), std::string("\x03\x0a\x00", 3) + "bobpa:ss word");
  wisp::password_credentials decoded;
  ASSERT_EQ(wisp::decode_password_credentials(out, decoded), wisp::decode_error::ok);
  EXPECT_EQ(decoded, (wisp::password_credentials{"bob", "pa:ss word", wisp::password_layout::password_length}));
  // Empty password, and a long one (the u16's high byte in use).
  const std::string long_password(300, 'p');
  for (const std::string& password : {std::string(), long_password}) {
    out.clear();
    wisp::encode_password_credentials(out, {"alice", password, wisp::password_layout::password_length});
    ASSERT_EQ(wisp::decode_password_credentials(out, decoded), wisp::decode_error::ok);
    EXPECT_EQ(decoded, (wisp::password_credentials{"alice", password, wisp::password_layout::password_length}));
  }
}

TEST(extension_metadata, draft6_credentials_whose_u16_would_not_fit_are_read_as_draft6) {
  // "bo" as a u16 is 0x6f62, not the 5 bytes left: draft 6.
  const std::uint8_t draft6[] = {2, 'b', 'o', 's', 'e', 'c', 'r', 't'};
  wisp::password_credentials decoded;
  ASSERT_EQ(wisp::decode_password_credentials(draft6, decoded), wisp::decode_error::ok);
  EXPECT_EQ(decoded, (wisp::password_credentials{"bo", "secrt", wisp::password_layout::draft6}));
  // An empty username and password: one byte, draft 6.
  const std::uint8_t nobody[] = {0};
  ASSERT_EQ(wisp::decode_password_credentials(nobody, decoded), wisp::decode_error::ok);
  EXPECT_EQ(decoded.layout, wisp::password_layout::draft6);
}

TEST(extension_metadata, credentials_may_have_an_empty_password_but_not_a_short_username) {
  wisp::password_credentials decoded;
  const std::uint8_t name_only[] = {1, 'x'};
  ASSERT_EQ(wisp::decode_password_credentials(name_only, decoded), wisp::decode_error::ok);
  EXPECT_EQ(decoded.password, "");
  const std::uint8_t past_end[] = {4, 'a', 'b'};
  EXPECT_EQ(wisp::decode_password_credentials(past_end, decoded), wisp::decode_error::payload_too_short);
  EXPECT_EQ(wisp::decode_password_credentials({}, decoded), wisp::decode_error::payload_too_short);
}

TEST(extension_metadata, password_offer_is_one_boolean_byte) {
  wisp::bytes out;
  wisp::encode_password_offer(out, {true});
  EXPECT_EQ(out, wisp::bytes{1});
  wisp::password_offer offer{true};
  const std::uint8_t optional[] = {0};
  ASSERT_EQ(wisp::decode_password_offer(optional, offer), wisp::decode_error::ok);
  EXPECT_FALSE(offer.required);
  const std::uint8_t two[] = {2};
  EXPECT_EQ(wisp::decode_password_offer(two, offer), wisp::decode_error::bad_flag);
  EXPECT_EQ(wisp::decode_password_offer({}, offer), wisp::decode_error::payload_too_short);
}

TEST(extension_metadata, motd_is_the_whole_metadata_as_text) {
  wisp::bytes out;
  wisp::encode_motd(out, "line one\nline two");
  std::string_view motd;
  ASSERT_EQ(wisp::decode_motd(out, motd), wisp::decode_error::ok);
  EXPECT_EQ(motd, "line one\nline two");
}

TEST(extension_metadata, sockbridge_offer_features_are_absent_for_older_relays) {
  wisp::sockbridge_offer offer;
  ASSERT_EQ(wisp::decode_sockbridge_offer({}, offer), wisp::decode_error::ok);
  EXPECT_FALSE(offer.features);
  EXPECT_FALSE(offer.has(wisp::sockbridge_feature_stream_windows));
  const std::uint8_t windows[] = {wisp::sockbridge_feature_stream_windows | 0x80};
  ASSERT_EQ(wisp::decode_sockbridge_offer(windows, offer), wisp::decode_error::ok);
  EXPECT_TRUE(offer.has(wisp::sockbridge_feature_stream_windows));
  const std::uint8_t two[] = {1, 0};
  EXPECT_EQ(wisp::decode_sockbridge_offer(two, offer), wisp::decode_error::payload_too_long);
}

TEST(extension_metadata, sockbridge_request_carries_a_nonzero_stream_window_or_nothing) {
  wisp::bytes out;
  wisp::encode_sockbridge_request(out, {1u << 20});
  EXPECT_EQ(out, (wisp::bytes{0, 0, 0x10, 0}));
  wisp::sockbridge_request request;
  ASSERT_EQ(wisp::decode_sockbridge_request(out, request), wisp::decode_error::ok);
  EXPECT_EQ(request.stream_window, 1u << 20);
  ASSERT_EQ(wisp::decode_sockbridge_request({}, request), wisp::decode_error::ok);
  EXPECT_FALSE(request.stream_window);
  const std::uint8_t zero[] = {0, 0, 0, 0};
  EXPECT_EQ(wisp::decode_sockbridge_request(zero, request), wisp::decode_error::zero_window);
  EXPECT_EQ(wisp::decode_sockbridge_request(view("abc"), request), wisp::decode_error::payload_too_short);
}

TEST(extension_metadata, find_extension_returns_the_record_with_an_id) {
  const wisp::bytes motd = {'h', 'i'};
  const wisp::info_payload info{2, 0, {{0x01, {}}, {0x04, motd}}};
  const auto* record = wisp::find_extension(info, wisp::extension_id::motd);
  ASSERT_NE(record, nullptr);
  EXPECT_EQ(record->metadata.size(), 2u);
  EXPECT_EQ(wisp::find_extension(info, wisp::extension_id::password_auth), nullptr);
}
