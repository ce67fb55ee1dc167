#include <gtest/gtest.h>

#include "sockbridge/protocol/wisp.hpp"

namespace wisp = sb::protocol;

namespace {

wisp::frame decode_ok(const wisp::bytes& bytes) {
  wisp::frame frame;
  EXPECT_EQ(wisp::decode_frame(bytes, frame), wisp::decode_error::ok);
  return frame;
}

}  // namespace

TEST(wisp_codec, connect_encodes_to_the_published_v1_layout) {
  wisp::bytes out;
  wisp::encode_connect(out, 0x01020304, {wisp::stream_type::tcp, 8080, "example.org"});
  const wisp::bytes expected = {0x01, 0x04, 0x03, 0x02, 0x01, 0x01, 0x90, 0x1f, 'e', 'x',
                                'a',  'm',  'p',  'l',  'e',  '.',  'o',  'r',  'g'};
  EXPECT_EQ(out, expected);
}

TEST(wisp_codec, connect_round_trips) {
  const wisp::connect_payload original{wisp::stream_type::udp, 53, "2001:db8::1"};
  wisp::bytes out;
  wisp::encode_connect(out, 7, original);
  const auto frame = decode_ok(out);
  EXPECT_EQ(frame.type, wisp::packet_type::connect);
  EXPECT_EQ(frame.stream_id, 7u);
  wisp::connect_payload decoded;
  ASSERT_EQ(wisp::decode_connect(frame.payload, decoded), wisp::decode_error::ok);
  EXPECT_EQ(decoded, original);
}

TEST(wisp_codec, continue_and_close_round_trip) {
  wisp::bytes out;
  wisp::encode_continue(out, 0, 128);
  std::uint32_t remaining = 0;
  ASSERT_EQ(wisp::decode_continue(decode_ok(out).payload, remaining), wisp::decode_error::ok);
  EXPECT_EQ(remaining, 128u);

  out.clear();
  wisp::encode_close(out, 9, wisp::close_reason::refused);
  wisp::close_reason reason{};
  ASSERT_EQ(wisp::decode_close(decode_ok(out).payload, reason), wisp::decode_error::ok);
  EXPECT_EQ(reason, wisp::close_reason::refused);
}

TEST(wisp_codec, info_round_trips_extensions_with_metadata) {
  const std::uint8_t motd[] = {'h', 'i'};
  wisp::bytes out;
  wisp::encode_info(out, {2, 0, {{0x05, {}}, {0x04, motd}}});
  wisp::info_payload info;
  ASSERT_EQ(wisp::decode_info(decode_ok(out).payload, info), wisp::decode_error::ok);
  EXPECT_EQ(info.major, 2);
  ASSERT_EQ(info.extensions.size(), 2u);
  EXPECT_EQ(info.extensions[0].id, 0x05);
  EXPECT_TRUE(info.extensions[0].metadata.empty());
  EXPECT_EQ(info.extensions[1].metadata.size(), 2u);
}

TEST(wisp_codec, frame_shorter_than_header_is_rejected) {
  const wisp::bytes input = {0x02, 0x01, 0x00, 0x00};
  wisp::frame frame;
  EXPECT_EQ(wisp::decode_frame(input, frame), wisp::decode_error::frame_too_short);
}

TEST(wisp_codec, unknown_packet_type_is_rejected) {
  const wisp::bytes input = {0x7f, 0x01, 0x00, 0x00, 0x00};
  wisp::frame frame;
  EXPECT_EQ(wisp::decode_frame(input, frame), wisp::decode_error::unknown_packet_type);
}

TEST(wisp_codec, malformed_payloads_have_named_errors) {
  wisp::connect_payload connect;
  const std::uint8_t bad_type[] = {0x03, 0x50, 0x00, 'a'};
  EXPECT_EQ(wisp::decode_connect(bad_type, connect), wisp::decode_error::bad_stream_type);
  const std::uint8_t no_host[] = {0x01, 0x50, 0x00};
  EXPECT_EQ(wisp::decode_connect(no_host, connect), wisp::decode_error::empty_hostname);
  const std::uint8_t control_char[] = {0x01, 0x50, 0x00, 'a', '\n'};
  EXPECT_EQ(wisp::decode_connect(control_char, connect), wisp::decode_error::bad_hostname);
  wisp::bytes long_host = {0x01, 0x50, 0x00};
  long_host.resize(3 + wisp::max_hostname_bytes + 1, 'a');
  EXPECT_EQ(wisp::decode_connect(long_host, connect), wisp::decode_error::hostname_too_long);

  std::uint32_t remaining = 0;
  const std::uint8_t three[] = {1, 2, 3};
  EXPECT_EQ(wisp::decode_continue(three, remaining), wisp::decode_error::payload_too_short);
  const std::uint8_t five[] = {1, 2, 3, 4, 5};
  EXPECT_EQ(wisp::decode_continue(five, remaining), wisp::decode_error::payload_too_long);

  wisp::info_payload info;
  const std::uint8_t truncated[] = {2, 0, 0x04, 10, 0, 0, 0, 'x'};
  EXPECT_EQ(wisp::decode_info(truncated, info), wisp::decode_error::truncated_extension);
}

TEST(wisp_codec, every_close_reason_and_decode_error_has_a_description) {
  EXPECT_EQ(wisp::describe(wisp::close_reason::blocked), "destination blocked by relay policy");
  EXPECT_EQ(wisp::describe(static_cast<wisp::close_reason>(0x99)), "unknown close reason");
  EXPECT_EQ(wisp::describe(wisp::decode_error::frame_too_short), "frame shorter than the 5-byte header");
}
