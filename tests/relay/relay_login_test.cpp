// The Wisp v2 MOTD and password-authentication extensions against the real
// relay binary: the MOTD in the relay's INFO, logins required, refused with
// the Wisp reasons (0xc2 none given, 0xc0 wrong) and accepted when right,
// from flags, the config file or the environment.
#include <cstdlib>

#include "relay_harness.hpp"

namespace {

using namespace relay_harness;

constexpr std::uint8_t close_auth_bad_password = 0xc0;
constexpr std::uint8_t close_auth_required = 0xc2;

std::string text(const std::optional<bytes>& b) { return b ? std::string(b->begin(), b->end()) : "(absent)"; }

// The relay's answer to our INFO must be CLOSE on stream 0 with `reason`, then the WebSocket closes.
void expect_session_refused(wisp_client& client, std::uint8_t reason) {
  auto close = client.next();
  ASSERT_TRUE(close);
  EXPECT_EQ((*close)[0], 0x04);
  EXPECT_EQ(u32_at(*close, 1), 0u);
  EXPECT_EQ((*close)[5], reason);
  EXPECT_TRUE(client.wait_closed());
}

// The session opened: the initial CONTINUE, and a stream reaches an echo server.
void expect_session_works(wisp_client& client) {
  auto ready = client.next();
  ASSERT_TRUE(ready);
  ASSERT_EQ((*ready)[0], 0x03) << "expected the initial CONTINUE";
  tcp_peer peer(false, echo);
  client.send(connect_frame(1, "127.0.0.1", peer.port()));
  ASSERT_TRUE(client.next());  // confirmation
  client.send(data_frame(1, "logged in"));
  EXPECT_EQ(read_stream(client, 1, 9).first, "logged in");
  client.send(frame(0x04, 1, {0x02}));  // the relay closes the peer's connection, so the peer can end
}

TEST(relay_motd, the_motd_is_offered_in_the_relay_info) {
  relay_process relay({"--dev", "--motd", "Welcome. Be kind: logs are kept 7 days."});
  wisp_client client(relay.port(), "wisp-v2");
  const auto info = client.answer_info({info_record(0x05)});
  EXPECT_EQ(text(info_extension(info, 0x04)), "Welcome. Be kind: logs are kept 7 days.");
  EXPECT_FALSE(info_extension(info, 0x02)) << "no login offered without users";
  expect_session_works(client);
}

TEST(relay_motd, without_a_motd_none_is_offered) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "wisp-v2");
  EXPECT_FALSE(info_extension(client.answer_info({}), 0x04));
}

TEST(relay_login, configured_users_make_login_required) {
  relay_process relay({"--dev", "--user", "alice:correct horse"});
  wisp_client client(relay.port(), "wisp-v2");
  const auto info = client.answer_info({info_record(0x05)});
  EXPECT_EQ(info_extension(info, 0x02), bytes{1}) << "password auth offered as required";
  expect_session_refused(client, close_auth_required);
}

TEST(relay_login, a_wrong_password_is_refused_with_auth_bad_password) {
  relay_process relay({"--dev", "--user", "alice:correct horse"});
  wisp_client client(relay.port(), "wisp-v2");
  client.answer_info({login_record("alice", "correct hors"), info_record(0x05)});
  expect_session_refused(client, close_auth_bad_password);
}

TEST(relay_login, an_unknown_user_is_refused_with_auth_bad_password) {
  relay_process relay({"--dev", "--user", "alice:correct horse"});
  wisp_client client(relay.port(), "wisp-v2");
  client.answer_info({login_record("mallory", "correct horse")});
  expect_session_refused(client, close_auth_bad_password);
}

TEST(relay_login, the_right_password_opens_the_session) {
  relay_process relay({"--dev", "--user", "bob:hunter2", "--user", "alice:correct horse"});
  wisp_client client(relay.port(), "wisp-v2");
  client.answer_info({login_record("alice", "correct horse"), info_record(0x05)});
  expect_session_works(client);
}

TEST(relay_login, wisp_v1_sessions_cannot_log_in_and_are_refused) {
  relay_process relay({"--dev", "--user", "alice:correct horse"});
  wisp_client client(relay.port(), "");
  expect_session_refused(client, close_auth_required);
}

TEST(relay_login, users_and_motd_come_from_the_config_file_and_the_environment) {
  temp_directory dir;
  dir.write("relay.toml", "dev = true\nmotd = \"from the file\"\n[password_auth]\nusers = [\"carol:pa:ss\"]\n");
  {
    relay_process relay({"--config", (dir.path() / "relay.toml").string()});
    wisp_client client(relay.port(), "wisp-v2");
    const auto info = client.answer_info({login_record("carol", "pa:ss"), info_record(0x05)});
    EXPECT_EQ(text(info_extension(info, 0x04)), "from the file");
    expect_session_works(client);
  }
  setenv("SOCKBRIDGE_USER", "dave:pass word", 1);
  relay_process relay({"--config", (dir.path() / "relay.toml").string()});
  unsetenv("SOCKBRIDGE_USER");
  wisp_client carol(relay.port(), "wisp-v2");
  carol.answer_info({login_record("carol", "pa:ss")});
  expect_session_refused(carol, close_auth_bad_password);  // the variable replaced the file's users
  wisp_client dave(relay.port(), "wisp-v2");
  dave.answer_info({login_record("dave", "pass word"), info_record(0x05)});
  expect_session_works(dave);
}

TEST(relay_login, malformed_user_entries_and_long_motds_are_usage_errors) {
  const std::string long_motd(4097, 'm');
  const std::vector<std::vector<std::string>> bad = {{"--user", "no-colon"},
                                                     {"--user", ":nameless"},
                                                     {"--user", "empty:"},
                                                     {"--user", "a:1", "--user", "a:2"},
                                                     {"--motd", long_motd}};
  for (const auto& args : bad) {
    const auto run = run_relay_to_exit(args);
    EXPECT_EQ(run.exit_code, 2) << args.back();
    EXPECT_EQ(count_lines(run.err), 1u) << run.err;
  }
}

}  // namespace
