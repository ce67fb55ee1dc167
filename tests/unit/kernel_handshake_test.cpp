// The kernel's side of the Wisp v2 handshake: which extension records its
// INFO reply carries for what the relay offered (credentials, key auth
// signatures, MOTD, windows).
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

// Key auth (0x03): the relay's offer is u8 required, u8 algorithms, challenge.
wisp::bytes key_offer(std::uint8_t algorithms, std::size_t challenge_bytes = 64) {
  wisp::bytes metadata{1, algorithms};
  for (std::size_t i = 0; i < challenge_bytes; ++i) metadata.push_back(static_cast<std::uint8_t>(i * 7));
  return metadata;
}

TEST_F(handshake_test, a_key_challenge_holds_the_reply_until_the_embedder_signs_it) {
  k.use_relay_key();
  const auto offer = key_offer(wisp::key_algorithm_ed25519);
  wisp::bytes info;
  wisp::encode_info(info, {2, 0, {record(id::sockbridge), record(id::key_auth, offer)}});
  k.on_frame(info);
  EXPECT_TRUE(take_outgoing().empty()) << "no reply before the signature";
  const auto challenge = k.key_challenge();
  ASSERT_EQ(challenge.size(), 64u);
  EXPECT_TRUE(std::equal(challenge.begin(), challenge.end(), offer.begin() + 2));

  const wisp::bytes key_hash(wisp::key_hash_sha256_bytes, 0xaa);
  const wisp::bytes signature(wisp::ed25519_signature_bytes, 0x55);
  EXPECT_FALSE(k.answer_key_challenge(wisp::bytes(64, 0xaa), signature)) << "the kernel sends SHA-256 (draft 6)";
  EXPECT_FALSE(k.answer_key_challenge(key_hash, wisp::bytes(63, 0x55)));
  ASSERT_TRUE(k.answer_key_challenge(key_hash, signature));
  EXPECT_TRUE(k.key_challenge().empty());
  EXPECT_FALSE(k.answer_key_challenge(key_hash, signature)) << "answered once";

  const auto replies = take_outgoing();
  ASSERT_EQ(replies.size(), 1u);
  const auto reply = decode_reply(replies[0]);
  EXPECT_NE(wisp::find_extension(reply, id::sockbridge), nullptr) << "the other records are kept";
  const auto* answer = wisp::find_extension(reply, id::key_auth);
  ASSERT_NE(answer, nullptr);
  wisp::key_auth_answer sent;
  ASSERT_EQ(wisp::decode_key_auth_answer(answer->metadata, sent), wisp::decode_error::ok);
  EXPECT_EQ(sent, (wisp::key_auth_answer{wisp::key_algorithm_ed25519, key_hash, signature}));
}

TEST_F(handshake_test, without_a_key_the_offer_is_not_answered_and_the_reply_leaves_at_once) {
  const auto reply = handshake_v2_offering({record(id::key_auth, key_offer(wisp::key_algorithm_ed25519))});
  EXPECT_EQ(wisp::find_extension(decode_reply(reply), id::key_auth), nullptr);
  EXPECT_TRUE(k.key_challenge().empty());
}

TEST_F(handshake_test, a_relay_offering_only_unknown_key_algorithms_fails_pending_connects_with_eacces) {
  k.use_relay_key();
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  ASSERT_EQ(k.sock_connect(fd, addr_at, put_ipv4(80)), would_block);
  wisp::bytes info;
  wisp::encode_info(info, {2, 0, {record(id::key_auth, key_offer(0x06))}});
  k.on_frame(info);
  EXPECT_EQ(k.link(), link_state::closed);
  EXPECT_EQ(k.link_message(),
            "relay offers key authentication only with algorithms 0x06, and the key given is Ed25519 (0x01), the "
            "one algorithm Wisp v2 defines");
  EXPECT_EQ(k.sock_connect(fd, addr_at, SB_SOCKADDR_IN_SIZE), -SB_EACCES);
}

TEST_F(handshake_test, unknown_key_algorithms_leave_the_login_to_the_password) {
  k.use_relay_key();
  ASSERT_TRUE(k.set_relay_credentials("alice", "correct horse"));
  const auto reply =
      handshake_v2_offering({record(id::password_auth, required), record(id::key_auth, key_offer(0x02))});
  const auto info = decode_reply(reply);
  EXPECT_NE(wisp::find_extension(info, id::password_auth), nullptr);
  EXPECT_EQ(wisp::find_extension(info, id::key_auth), nullptr);
  EXPECT_EQ(k.link(), link_state::ready);
}

TEST_F(handshake_test, an_empty_key_challenge_fails_the_link) {
  k.use_relay_key();
  wisp::bytes info;
  wisp::encode_info(info, {2, 0, {record(id::key_auth, key_offer(wisp::key_algorithm_ed25519, 0))}});
  k.on_frame(info);
  EXPECT_EQ(k.link(), link_state::closed);
  EXPECT_EQ(k.link_message(), "relay sent an empty key auth challenge");
}

TEST_F(handshake_test, a_malformed_key_offer_fails_the_link) {
  k.use_relay_key();
  const std::uint8_t one_byte[] = {1};
  wisp::bytes info;
  wisp::encode_info(info, {2, 0, {record(id::key_auth, one_byte)}});
  k.on_frame(info);
  EXPECT_EQ(k.link(), link_state::closed);
  EXPECT_TRUE(k.link_message().starts_with("relay sent a malformed key auth offer: ")) << k.link_message();
}

TEST_F(handshake_test, an_embedder_that_cannot_sign_fails_pending_connects_with_eacces) {
  k.use_relay_key();
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  ASSERT_EQ(k.sock_connect(fd, addr_at, put_ipv4(80)), would_block);
  wisp::bytes info;
  wisp::encode_info(info, {2, 0, {record(id::key_auth, key_offer(wisp::key_algorithm_ed25519))}});
  k.on_frame(info);
  k.refuse_key_challenge("the key is not an Ed25519 key");
  EXPECT_EQ(k.link_message(), "cannot answer the relay's key challenge: the key is not an Ed25519 key");
  EXPECT_TRUE(take_outgoing().empty()) << "no INFO reply";
  EXPECT_EQ(k.sock_connect(fd, addr_at, SB_SOCKADDR_IN_SIZE), -SB_EACCES);
}

}  // namespace
}  // namespace sb::host::testing
