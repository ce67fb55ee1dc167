// The kernel's side of the Wisp v2 handshake: which extension records its
// INFO reply carries for what the relay offered (credentials, MOTD, windows).
#include "kernel_harness.hpp"
#include "sockbridge/protocol/extensions.hpp"

namespace sb::host::testing {
namespace {

using id = wisp::extension_id;

constexpr std::uint8_t required[] = {1};
constexpr std::uint8_t motd[] = {'h', 'e', 'l', 'l', 'o'};

wisp::extension record(id which, wisp::byte_view metadata = {}) { return {static_cast<std::uint8_t>(which), metadata}; }

using handshake_test = kernel_harness;

TEST_F(handshake_test, credentials_are_sent_to_a_relay_that_asks_for_them) {
  ASSERT_TRUE(k.set_relay_credentials("alice", "correct horse"));
  const auto reply = handshake_v2_offering({record(id::password_auth, required), record(id::motd, motd)});
  const auto info = decode_reply(reply);
  const auto* login = wisp::find_extension(info, id::password_auth);
  ASSERT_NE(login, nullptr);
  wisp::password_credentials sent;
  ASSERT_EQ(wisp::decode_password_credentials(login->metadata, sent), wisp::decode_error::ok);
  EXPECT_EQ(sent.username, "alice");
  EXPECT_EQ(sent.password, "correct horse");
  EXPECT_EQ(sent.layout, wisp::password_layout::password_length) << "no 0x53: epoxy-server or wisp-js, u16 form";
  EXPECT_EQ(k.link(), link_state::ready) << "the MOTD needs no answer";
}

TEST_F(handshake_test, a_sockbridge_relay_gets_credentials_in_the_draft6_layout) {
  ASSERT_TRUE(k.set_relay_credentials("alice", "correct horse"));
  const auto reply = handshake_v2_offering({record(id::password_auth, required), record(id::sockbridge)});
  const auto info = decode_reply(reply);
  const auto* login = wisp::find_extension(info, id::password_auth);
  ASSERT_NE(login, nullptr);
  EXPECT_EQ(std::string(login->metadata.begin(), login->metadata.end()),
            "\x05"
            "alicecorrect horse");
}

TEST_F(handshake_test, credentials_stay_home_when_the_relay_does_not_ask) {
  ASSERT_TRUE(k.set_relay_credentials("alice", "correct horse"));
  const auto reply = handshake_v2_offering({record(id::stream_open_confirmation)});
  const auto info = decode_reply(reply);
  EXPECT_EQ(wisp::find_extension(info, id::password_auth), nullptr);
  EXPECT_NE(wisp::find_extension(info, id::stream_open_confirmation), nullptr);
}

TEST_F(handshake_test, without_credentials_the_reply_has_no_login_and_the_refusal_is_reported) {
  const auto reply = handshake_v2_offering({record(id::password_auth, required)});
  EXPECT_EQ(wisp::find_extension(decode_reply(reply), id::password_auth), nullptr);
  relay_close(0, wisp::close_reason::auth_required);
  EXPECT_EQ(k.link(), link_state::closed);
  EXPECT_EQ(k.link_message(), "relay closed the session: authentication required");
}

TEST_F(handshake_test, wrong_credentials_refused_by_the_relay_fail_pending_connects) {
  ASSERT_TRUE(k.set_relay_credentials("alice", "wrong"));
  wisp::bytes info;
  wisp::encode_info(info, {2, 0, {record(id::password_auth, required), record(id::stream_open_confirmation)}});
  k.on_frame(info);
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  ASSERT_EQ(k.sock_connect(fd, addr_at, put_ipv4(80)), would_block);
  relay_close(0, wisp::close_reason::auth_bad_password);
  EXPECT_EQ(k.link_message(), "relay closed the session: authentication failed: bad password");
  EXPECT_EQ(k.sock_connect(fd, addr_at, SB_SOCKADDR_IN_SIZE), -SB_EACCES) << "the relay refused us, not the network";
}

TEST_F(handshake_test, a_username_longer_than_the_wire_allows_is_refused) {
  EXPECT_FALSE(k.set_relay_credentials(std::string(256, 'u'), "pw"));
  EXPECT_TRUE(k.set_relay_credentials(std::string(255, 'u'), "pw"));
  EXPECT_FALSE(k.set_relay_credentials("u", std::string(65536, 'p'))) << "past the u16 password length";
}

TEST_F(handshake_test, a_malformed_sockbridge_offer_fails_the_link) {
  const std::uint8_t two_bytes[] = {1, 0};
  wisp::bytes info;
  wisp::encode_info(info, {2, 0, {record(id::sockbridge, two_bytes)}});
  k.on_frame(info);
  EXPECT_EQ(k.link(), link_state::closed);
  EXPECT_EQ(k.link_message(), "relay sent a malformed sockbridge offer: payload longer than its fixed fields");
}

}  // namespace
}  // namespace sb::host::testing
