#include <gtest/gtest.h>

#include "sockbridge/protocol/wisp.hpp"

namespace wisp = sb::protocol;

namespace {

wisp::endpoint v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, std::uint16_t port) {
  wisp::endpoint e;
  e.family = 4;
  e.ip = {a, b, c, d};
  e.port = port;
  return e;
}

wisp::endpoint v6_loopback(std::uint16_t port) {
  wisp::endpoint e;
  e.family = 6;
  e.ip[15] = 1;
  e.port = port;
  return e;
}

wisp::byte_view payload_of(const wisp::bytes& frame, wisp::packet_type expected, std::uint32_t id) {
  wisp::frame decoded;
  EXPECT_EQ(wisp::decode_frame(frame, decoded), wisp::decode_error::ok);
  EXPECT_EQ(decoded.type, expected);
  EXPECT_EQ(decoded.stream_id, id);
  return decoded.payload;
}

}  // namespace

TEST(sockbridge_extension, connected_round_trips_both_families) {
  const wisp::connected_payload original{v4(10, 0, 0, 2, 40000), v6_loopback(80)};
  wisp::bytes out;
  wisp::encode_connected(out, 3, original);
  wisp::connected_payload decoded;
  ASSERT_EQ(wisp::decode_connected(payload_of(out, wisp::packet_type::connected, 3), decoded), wisp::decode_error::ok);
  EXPECT_EQ(decoded, original);
  EXPECT_EQ(out.size(), 5u + (3 + 4) + (3 + 16));
}

TEST(sockbridge_extension, resolve_and_resolved_round_trip) {
  wisp::bytes out;
  wisp::encode_resolve(out, 9, {6, "example.org"});
  wisp::resolve_payload request;
  ASSERT_EQ(wisp::decode_resolve(payload_of(out, wisp::packet_type::resolve, 9), request), wisp::decode_error::ok);
  EXPECT_EQ(request.family, 6);
  EXPECT_EQ(request.hostname, "example.org");

  const wisp::resolved_payload answer{0, {v4(93, 184, 215, 14, 0), v6_loopback(0)}};
  out.clear();
  wisp::encode_resolved(out, 9, answer);
  wisp::resolved_payload decoded;
  ASSERT_EQ(wisp::decode_resolved(payload_of(out, wisp::packet_type::resolved, 9), decoded), wisp::decode_error::ok);
  EXPECT_EQ(decoded, answer);
}

TEST(sockbridge_extension, listen_accepted_and_shutdown_round_trip) {
  wisp::bytes out;
  wisp::encode_listen(out, 4, {v4(127, 0, 0, 1, 7000), 16});
  wisp::listen_payload listen;
  ASSERT_EQ(wisp::decode_listen(payload_of(out, wisp::packet_type::listen, 4), listen), wisp::decode_error::ok);
  EXPECT_EQ(listen.address.port, 7000);
  EXPECT_EQ(listen.backlog, 16u);

  out.clear();
  const wisp::accepted_payload accepted{wisp::relay_stream_id_bit | 1, v4(127, 0, 0, 1, 5555), v4(127, 0, 0, 1, 7000)};
  wisp::encode_accepted(out, 4, accepted);
  wisp::accepted_payload decoded;
  ASSERT_EQ(wisp::decode_accepted(payload_of(out, wisp::packet_type::accepted, 4), decoded), wisp::decode_error::ok);
  EXPECT_EQ(decoded, accepted);

  out.clear();
  wisp::encode_shutdown(out, 4);
  EXPECT_TRUE(payload_of(out, wisp::packet_type::shutdown, 4).empty());
}

TEST(sockbridge_extension, malformed_extension_payloads_have_named_errors) {
  wisp::connected_payload connected;
  const std::uint8_t bad_family[] = {5, 0, 0, 1, 2, 3, 4};
  EXPECT_EQ(wisp::decode_connected(bad_family, connected), wisp::decode_error::bad_address_family);
  const std::uint8_t short_v6[] = {6, 0, 0, 1, 2, 3, 4};
  EXPECT_EQ(wisp::decode_connected(short_v6, connected), wisp::decode_error::payload_too_short);

  wisp::resolve_payload resolve;
  const std::uint8_t no_name[] = {0};
  EXPECT_EQ(wisp::decode_resolve(no_name, resolve), wisp::decode_error::empty_hostname);
  const std::uint8_t bad_filter[] = {5, 'a'};
  EXPECT_EQ(wisp::decode_resolve(bad_filter, resolve), wisp::decode_error::bad_address_family);

  wisp::resolved_payload resolved;
  const std::uint8_t too_many[] = {0, 200};
  EXPECT_EQ(wisp::decode_resolved(too_many, resolved), wisp::decode_error::too_many_addresses);
  const std::uint8_t claims_two[] = {0, 2, 4, 0, 0, 1, 2, 3, 4};
  EXPECT_EQ(wisp::decode_resolved(claims_two, resolved), wisp::decode_error::payload_too_short);
  const std::uint8_t trailing[] = {0, 0, 9};
  EXPECT_EQ(wisp::decode_resolved(trailing, resolved), wisp::decode_error::payload_too_long);

  wisp::listen_payload listen;
  const std::uint8_t no_backlog[] = {4, 0x50, 0, 127, 0, 0, 1};
  EXPECT_EQ(wisp::decode_listen(no_backlog, listen), wisp::decode_error::payload_too_short);
}

TEST(sockbridge_extension, window_update_carries_a_little_endian_byte_increment) {
  wisp::bytes out;
  wisp::encode_window_update(out, 7, 0x00010000);
  EXPECT_EQ(out, (wisp::bytes{0x86, 7, 0, 0, 0, 0x00, 0x00, 0x01, 0x00}));
  std::uint32_t increment = 0;
  ASSERT_EQ(wisp::decode_window_update(payload_of(out, wisp::packet_type::window_update, 7), increment),
            wisp::decode_error::ok);
  EXPECT_EQ(increment, 65536u);
}

TEST(sockbridge_extension, window_update_of_zero_or_wrong_size_is_malformed) {
  std::uint32_t increment = 99;
  const std::uint8_t zero[] = {0, 0, 0, 0};
  EXPECT_EQ(wisp::decode_window_update(zero, increment), wisp::decode_error::zero_window);
  const std::uint8_t three[] = {1, 0, 0};
  EXPECT_EQ(wisp::decode_window_update(three, increment), wisp::decode_error::payload_too_short);
  const std::uint8_t five[] = {1, 0, 0, 0, 0};
  EXPECT_EQ(wisp::decode_window_update(five, increment), wisp::decode_error::payload_too_long);
  EXPECT_EQ(increment, 99u) << "a failed decode leaves the output alone";
}
