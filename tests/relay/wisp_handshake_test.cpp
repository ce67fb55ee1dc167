// The relay's half of the Wisp v2 handshake without sockets: what its INFO
// offers for a configuration, and what it makes of a client's INFO (logins,
// stream windows).
#include "wisp_handshake.hpp"

#include <gtest/gtest.h>

#include "sockbridge/protocol/extensions.hpp"

namespace sb::relay {
namespace {

namespace wisp = sb::protocol;
using id = wisp::extension_id;

// A client INFO with these records, decoded as the session sees it. The
// returned frame's views point into `storage`.
wisp::frame client_info(wisp::bytes& storage, const std::vector<wisp::extension>& records) {
  storage.clear();
  wisp::encode_info(storage, {2, 0, records});
  wisp::frame frame;
  EXPECT_EQ(wisp::decode_frame(storage, frame), wisp::decode_error::ok);
  return frame;
}

wisp::bytes login(std::string_view username, std::string_view password,
                  wisp::password_layout layout = wisp::password_layout::draft6) {
  wisp::bytes metadata;
  wisp::encode_password_credentials(metadata, {username, password, layout});
  return metadata;
}

relay_config with_users() {
  relay_config config;
  config.users = {{"alice", "correct horse"}, {"bob", "hunter2"}};
  return config;
}

TEST(password_auth, only_the_exact_password_of_a_known_user_matches) {
  const user_table users = {{"alice", "correct horse"}};
  EXPECT_TRUE(check_password(users, "alice", "correct horse"));
  EXPECT_FALSE(check_password(users, "alice", "correct hors"));
  EXPECT_FALSE(check_password(users, "alice", "correct horse "));
  EXPECT_FALSE(check_password(users, "alice", ""));
  EXPECT_FALSE(check_password(users, "mallory", "correct horse"));
  EXPECT_FALSE(check_password(users, "", ""));
}

TEST(wisp_handshake, the_first_offered_subprotocol_is_chosen_and_none_means_wisp_v1) {
  EXPECT_EQ(chosen_subprotocol("wisp-v2"), "wisp-v2");
  EXPECT_EQ(chosen_subprotocol(" wisp-v2 , other"), "wisp-v2");
  EXPECT_EQ(chosen_subprotocol("anything,wisp-v2"), "anything");
  EXPECT_EQ(chosen_subprotocol(""), "");
  EXPECT_EQ(chosen_subprotocol(" \t, wisp-v2"), "");
}

TEST(wisp_handshake, relay_info_offers_login_and_motd_only_when_configured) {
  wisp::bytes frame = encode_relay_info(relay_config{}, {});
  wisp::frame decoded;
  wisp::info_payload info;
  ASSERT_EQ(wisp::decode_frame(frame, decoded), wisp::decode_error::ok);
  ASSERT_EQ(wisp::decode_info(decoded.payload, info), wisp::decode_error::ok);
  EXPECT_EQ(wisp::find_extension(info, id::password_auth), nullptr);
  EXPECT_EQ(wisp::find_extension(info, id::motd), nullptr);
  const auto* sockbridge = wisp::find_extension(info, id::sockbridge);
  ASSERT_NE(sockbridge, nullptr);
  wisp::sockbridge_offer offer;
  ASSERT_EQ(wisp::decode_sockbridge_offer(sockbridge->metadata, offer), wisp::decode_error::ok);
  EXPECT_TRUE(offer.has(wisp::sockbridge_feature_stream_windows));

  auto config = with_users();
  config.motd = "Be kind.";
  frame = encode_relay_info(config, {});
  ASSERT_EQ(wisp::decode_frame(frame, decoded), wisp::decode_error::ok);
  ASSERT_EQ(wisp::decode_info(decoded.payload, info), wisp::decode_error::ok);
  const auto* password = wisp::find_extension(info, id::password_auth);
  ASSERT_NE(password, nullptr);
  wisp::password_offer required{false};
  ASSERT_EQ(wisp::decode_password_offer(password->metadata, required), wisp::decode_error::ok);
  EXPECT_TRUE(required.required);
  const auto* motd = wisp::find_extension(info, id::motd);
  ASSERT_NE(motd, nullptr);
  std::string_view text;
  ASSERT_EQ(wisp::decode_motd(motd->metadata, text), wisp::decode_error::ok);
  EXPECT_EQ(text, "Be kind.");
}

TEST(wisp_handshake, a_client_without_credentials_is_refused_with_auth_required) {
  wisp::bytes storage;
  const auto hello = read_client_info(with_users(), client_info(storage, {{0x05, {}}}), {});
  EXPECT_EQ(hello.refusal, wisp::close_reason::auth_required);
}

TEST(wisp_handshake, a_wrong_password_or_unknown_user_is_refused_with_auth_bad_password) {
  wisp::bytes storage;
  auto credentials = login("alice", "hunter2");
  auto hello = read_client_info(with_users(), client_info(storage, {{0x02, credentials}}), {});
  EXPECT_EQ(hello.refusal, wisp::close_reason::auth_bad_password);
  EXPECT_EQ(hello.username, "alice");
  credentials = login("mallory", "hunter2");
  hello = read_client_info(with_users(), client_info(storage, {{0x02, credentials}}), {});
  EXPECT_EQ(hello.refusal, wisp::close_reason::auth_bad_password);
}

TEST(wisp_handshake, the_right_password_opens_the_session) {
  wisp::bytes storage;
  const auto credentials = login("bob", "hunter2");
  const auto hello = read_client_info(with_users(), client_info(storage, {{0x02, credentials}, {0x05, {}}}), {});
  EXPECT_FALSE(hello.refusal);
  EXPECT_EQ(hello.username, "bob");
  EXPECT_TRUE(hello.open_confirmation);
  EXPECT_FALSE(hello.sockbridge);
}

TEST(wisp_handshake, a_login_with_a_u16_password_length_as_epoxy_sends_it_opens_the_session_too) {
  wisp::bytes storage;
  const auto credentials = login("alice", "correct horse", wisp::password_layout::password_length);
  const auto hello = read_client_info(with_users(), client_info(storage, {{0x02, credentials}}), {});
  EXPECT_FALSE(hello.refusal) << hello.why;
  EXPECT_EQ(hello.username, "alice");
  const auto wrong = login("alice", "correct hors", wisp::password_layout::password_length);
  EXPECT_EQ(read_client_info(with_users(), client_info(storage, {{0x02, wrong}}), {}).refusal,
            wisp::close_reason::auth_bad_password);
}

TEST(wisp_handshake, credentials_are_ignored_when_no_users_are_configured) {
  wisp::bytes storage;
  const auto credentials = login("anyone", "anything");
  const auto hello = read_client_info(relay_config{}, client_info(storage, {{0x02, credentials}}), {});
  EXPECT_FALSE(hello.refusal);
  EXPECT_EQ(hello.username, "");
}

TEST(wisp_handshake, the_client_stream_window_is_read_from_its_sockbridge_record) {
  wisp::bytes storage;
  wisp::bytes request;
  wisp::encode_sockbridge_request(request, {65536});
  auto hello = read_client_info(relay_config{}, client_info(storage, {{0x53, request}}), {});
  EXPECT_TRUE(hello.sockbridge);
  EXPECT_EQ(hello.stream_window, 65536u);
  hello = read_client_info(relay_config{}, client_info(storage, {{0x53, {}}}), {});
  EXPECT_TRUE(hello.sockbridge);
  EXPECT_FALSE(hello.stream_window) << "an older client: DATA is not windowed";
  const wisp::bytes zero = {0, 0, 0, 0};
  hello = read_client_info(relay_config{}, client_info(storage, {{0x53, zero}}), {});
  EXPECT_EQ(hello.refusal, wisp::close_reason::invalid_info);
}

TEST(wisp_handshake, anything_but_an_info_on_stream_zero_is_invalid) {
  wisp::bytes storage;
  wisp::encode_continue(storage, 0, 5);
  wisp::frame frame;
  ASSERT_EQ(wisp::decode_frame(storage, frame), wisp::decode_error::ok);
  EXPECT_EQ(read_client_info(relay_config{}, frame, {}).refusal, wisp::close_reason::invalid_info);
}

}  // namespace
}  // namespace sb::relay
