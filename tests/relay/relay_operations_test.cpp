// Operating the relay: the config file and its precedence, the named limits,
// policy lists, Origin and token checks, /metrics and graceful drain — each
// against the real binary, an independent Wisp client and real TCP peers.
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "relay_harness.hpp"

namespace {

using namespace std::chrono_literals;
using namespace relay_harness;

constexpr std::uint8_t close_transfer_timeout = 0x47;
constexpr std::uint8_t close_blocked = 0x48;
constexpr std::uint8_t close_throttled = 0x49;

// Opens stream id to 127.0.0.1:port; true if the relay confirmed it.
bool open_stream(wisp_client& client, std::uint32_t id, std::uint16_t port) {
  client.send(connect_frame(id, "127.0.0.1", port));
  auto reply = client.next();
  return reply && (*reply)[0] == 0x03 && u32_at(*reply, 1) == id;
}

// A peer that sends `size` bytes and then waits for the client to close.
tcp_peer sending_peer(std::size_t size) {
  return tcp_peer(false, [size](int fd) {
    const std::string chunk(4096, 'x');
    for (std::size_t sent = 0; sent < size; sent += chunk.size())
      if (write(fd, chunk.data(), std::min(chunk.size(), size - sent)) <= 0) return;
    char byte;
    while (read(fd, &byte, 1) > 0) {
    }
  });
}

// --- config file ---

TEST(relay_config, toml_file_sets_limits_and_the_dev_profile) {
  temp_directory dir;
  dir.write("relay.toml", "dev = true\n[limits]\nmax_streams_per_session = 1\n");
  relay_process relay({"--config", (dir.path() / "relay.toml").string()});
  tcp_peer first(false, echo), second(false, echo);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  ASSERT_TRUE(open_stream(client, 1, first.port())) << "dev = true should allow the loopback target";
  client.send(connect_frame(2, "127.0.0.1", second.port()));
  EXPECT_EQ(read_stream(client, 2, 1).second, close_throttled);
}

TEST(relay_config, json_file_is_read_the_same_way) {
  temp_directory dir;
  dir.write("relay.json", R"({"token": "s3cret", "limits": {"max_sessions": 5}})");
  relay_process relay({"--config", (dir.path() / "relay.json").string()});
  wisp_client without(relay.port(), "wisp-v2");
  EXPECT_EQ(without.refused_status(), 401);
  wisp_client with(relay.port(), "wisp-v2", {"/wisp/?token=s3cret", {}});
  EXPECT_TRUE(with.wait_open());
}

TEST(relay_config, flags_override_the_file) {
  temp_directory dir;
  dir.write("relay.toml", "dev = true\n[limits]\nmax_streams_per_session = 1\n");
  relay_process relay({"--config", (dir.path() / "relay.toml").string(), "--max-streams-per-session", "2"});
  tcp_peer first(false, echo), second(false, echo);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  EXPECT_TRUE(open_stream(client, 1, first.port()));
  EXPECT_TRUE(open_stream(client, 2, second.port()));
}

TEST(relay_config, environment_variables_override_the_file) {
  temp_directory dir;
  dir.write("relay.toml", "token = \"from-file\"\n");
  setenv("SOCKBRIDGE_TOKEN", "from-env", 1);
  relay_process relay({"--config", (dir.path() / "relay.toml").string()});
  unsetenv("SOCKBRIDGE_TOKEN");
  wisp_client file_token(relay.port(), "wisp-v2", {"/?token=from-file", {}});
  EXPECT_EQ(file_token.refused_status(), 401);
  wisp_client env_token(relay.port(), "wisp-v2", {"/?token=from-env", {}});
  EXPECT_TRUE(env_token.wait_open());
}

TEST(relay_config, unknown_key_is_a_usage_error_naming_it) {
  temp_directory dir;
  dir.write("relay.toml", "[limits]\nmax_sesions = 3\n");
  const auto run = run_relay_to_exit({"--config", (dir.path() / "relay.toml").string()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(count_lines(run.err), 1u) << run.err;
  EXPECT_NE(run.err.find("limits.max_sesions: unknown setting"), std::string::npos) << run.err;
}

TEST(relay_config, wrong_type_and_bad_entries_are_usage_errors) {
  temp_directory dir;
  dir.write("type.toml", "dev = \"yes\"\n");
  dir.write("cidr.toml", "[policy]\nallow = [\"10.0.0.0/33\"]\n");
  dir.write("syntax.toml", "dev = \n");
  for (const char* name : {"type.toml", "cidr.toml", "syntax.toml", "missing.toml"}) {
    const auto run = run_relay_to_exit({"--config", (dir.path() / name).string()});
    EXPECT_EQ(run.exit_code, 2) << name;
    EXPECT_EQ(count_lines(run.err), 1u) << run.err;
    EXPECT_NE(run.err.find(name), std::string::npos) << run.err;
  }
}

TEST(relay_config, sample_configs_in_the_repository_are_valid) {
  for (const char* path : {SOCKBRIDGE_SAMPLE_CONFIG, SOCKBRIDGE_IMAGE_CONFIG}) {
    const auto run = run_relay_to_exit({"--config", path, "--listen", "127.0.0.1:0", "--help"});
    EXPECT_EQ(run.exit_code, 0) << path << ": " << run.err;
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// relay/relay.toml lists every setting with its default: it is exactly what
// the relay prints for its defaults.
TEST(relay_config, sample_config_is_the_printed_defaults) {
  const auto run = run_relay_to_exit({"--print-config"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, read_file(SOCKBRIDGE_SAMPLE_CONFIG))
      << "regenerate it: build/relay/sockbridge-relay --print-config > relay/relay.toml";
}

// Whatever --print-config writes, --config reads back to the same settings.
TEST(relay_config, printed_config_reads_back_to_the_same_settings) {
  temp_directory dir;
  const auto first = run_relay_to_exit({"--print-config", "--max-sessions", "7", "--allow", "10.0.0.0/8,db.internal",
                                        "--user", "ann:pass word", "--drain-timeout", "3", "--dev", "--motd",
                                        "say \"hi\"\\", "--listen-ports", "2000-3000"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("max_sessions = 7\n"), std::string::npos) << first.out;
  dir.write("printed.toml", first.out);
  const auto again = run_relay_to_exit({"--config", (dir.path() / "printed.toml").string(), "--print-config"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, first.out);
}

// One range per setting, whichever source sets it.
TEST(relay_config, file_flag_and_variable_share_each_range) {
  temp_directory dir;
  dir.write("long.toml", "drain_timeout_seconds = 3601\n");
  dir.write("day.toml", "[limits]\nconnect_timeout_seconds = 86400\n");
  const auto file = run_relay_to_exit({"--config", (dir.path() / "long.toml").string()});
  EXPECT_EQ(file.exit_code, 2);
  EXPECT_NE(file.err.find("drain_timeout_seconds: must be between 0 and 3600"), std::string::npos) << file.err;
  const auto flag = run_relay_to_exit({"--drain-timeout", "3601"});
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_NE(flag.err.find("--drain-timeout"), std::string::npos) << flag.err;
  setenv("SOCKBRIDGE_DRAIN_TIMEOUT", "3601", 1);
  const auto variable = run_relay_to_exit({});
  unsetenv("SOCKBRIDGE_DRAIN_TIMEOUT");
  EXPECT_EQ(variable.exit_code, 2);
  EXPECT_EQ(count_lines(variable.err), 1u) << variable.err;
  const auto day = run_relay_to_exit({"--config", (dir.path() / "day.toml").string(), "--print-config"});
  EXPECT_EQ(day.exit_code, 0) << day.err;
  EXPECT_EQ(run_relay_to_exit({"--connect-timeout", "86400", "--print-config"}).exit_code, 0);
}

TEST(relay_config, limit_from_its_environment_variable_applies) {
  setenv("SOCKBRIDGE_MAX_STREAMS_PER_SESSION", "1", 1);
  relay_process relay({"--dev"});
  unsetenv("SOCKBRIDGE_MAX_STREAMS_PER_SESSION");
  tcp_peer first(false, echo), second(false, echo);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  ASSERT_TRUE(open_stream(client, 1, first.port()));
  client.send(connect_frame(2, "127.0.0.1", second.port()));
  EXPECT_EQ(read_stream(client, 2, 1).second, close_throttled);
}

TEST(relay_config, hosts_file_from_the_config_file_pins_a_name) {
  temp_directory dir;
  dir.write("hosts", "127.0.0.1 pinned.test\n");
  dir.write("relay.toml", "dev = true\nhosts_file = \"" + (dir.path() / "hosts").string() + "\"\n");
  relay_process relay({"--config", (dir.path() / "relay.toml").string()});
  tcp_peer peer(false, echo);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(connect_frame(1, "pinned.test", peer.port()));
  ASSERT_TRUE(client.next());
  client.send(data_frame(1, "via the hosts file"));
  EXPECT_EQ(read_stream(client, 1, 18).first, "via the hosts file");
}

TEST(relay_config, hosts_file_from_the_environment_pins_a_name_for_resolve) {
  temp_directory dir;
  dir.write("hosts", "::1 pinned6.test\n");
  setenv("SOCKBRIDGE_HOSTS_FILE", (dir.path() / "hosts").string().c_str(), 1);
  relay_process relay({"--dev"});
  unsetenv("SOCKBRIDGE_HOSTS_FILE");
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  client.send(resolve_frame(1, 0, "pinned6.test"));
  const auto answer = client.next();
  ASSERT_TRUE(answer);
  EXPECT_EQ((*answer)[5], 0);
  ASSERT_EQ((*answer)[6], 1);
  EXPECT_EQ((*answer)[7], 6) << "the pinned IPv6 address";
}

TEST(relay_config, bad_hosts_file_line_is_a_usage_error_naming_the_line) {
  temp_directory dir;
  dir.write("hosts", "10.0.0.1 ok.test\nnot-an-address name.test\n");
  const auto run = run_relay_to_exit({"--hosts-file", (dir.path() / "hosts").string()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(count_lines(run.err), 1u) << run.err;
  EXPECT_NE(run.err.find("hosts line 2: 'not-an-address' is not an IP address"), std::string::npos) << run.err;
}

// --- limits ---

TEST(relay_limits, sessions_per_address_beyond_the_limit_are_refused_with_503) {
  relay_process relay({"--max-sessions-per-address", "1"});
  wisp_client first(relay.port(), "wisp-v2");
  ASSERT_TRUE(first.wait_open());
  wisp_client second(relay.port(), "wisp-v2");
  EXPECT_EQ(second.refused_status(), 503);
  EXPECT_EQ(metric(relay.port(), "sockbridge_denials_total{reason=\"max_sessions_per_address\"}"), 1);
}

TEST(relay_limits, sessions_beyond_the_relay_wide_limit_are_refused_with_503) {
  relay_process relay({"--max-sessions", "1"});
  wisp_client first(relay.port(), "wisp-v2");
  ASSERT_TRUE(first.wait_open());
  wisp_client second(relay.port(), "wisp-v2");
  EXPECT_EQ(second.refused_status(), 503);
  EXPECT_EQ(metric(relay.port(), "sockbridge_denials_total{reason=\"max_sessions\"}"), 1);
  EXPECT_EQ(metric(relay.port(), "sockbridge_sessions"), 1) << "the first session is untouched";
}

TEST(relay_limits, streams_beyond_the_relay_wide_limit_are_throttled_in_any_session) {
  relay_process relay({"--dev", "--max-streams-total", "1"});
  tcp_peer peer(false, echo);
  wisp_client first(relay.port(), "wisp-v2");
  first.handshake_v2();
  ASSERT_TRUE(open_stream(first, 1, peer.port()));
  wisp_client second(relay.port(), "wisp-v2");
  second.handshake_v2();
  second.send(connect_frame(1, "127.0.0.1", peer.port()));
  EXPECT_EQ(read_stream(second, 1, 1).second, close_throttled);
  EXPECT_EQ(metric(relay.port(), "sockbridge_denials_total{reason=\"max_streams_total\"}"), 1);
  first.send(data_frame(1, "still open"));
  EXPECT_EQ(read_stream(first, 1, 10).first, "still open");
}

// Sessions on different I/O threads opening streams at the same moment still
// hold no more than max_streams_total between them. UDP streams to a literal
// open without a peer, so the relay does nothing between counting and opening.
TEST(relay_limits, sessions_opening_streams_at_once_never_exceed_the_relay_wide_limit) {
  constexpr std::size_t limit = 16;
  constexpr std::size_t session_count = 4;
  constexpr std::uint32_t streams_per_session = 24;
  relay_process relay({"--dev", "--max-streams-total", std::to_string(limit)});
  std::vector<std::unique_ptr<wisp_client>> clients;
  for (std::size_t i = 0; i < session_count; ++i) {
    clients.push_back(std::make_unique<wisp_client>(relay.port(), "wisp-v2"));
    clients.back()->handshake_v2();
  }
  std::vector<std::thread> senders;
  std::promise<void> go;
  std::shared_future<void> start = go.get_future().share();
  for (auto& client : clients)
    senders.emplace_back([&client, start] {
      start.wait();
      for (std::uint32_t id = 1; id <= streams_per_session; ++id) client->send(udp_connect_frame(id, "127.0.0.1", 9));
    });
  go.set_value();
  for (auto& sender : senders) sender.join();
  std::size_t opened = 0;
  std::size_t throttled = 0;
  for (auto& client : clients) {
    for (std::uint32_t answered = 0; answered < streams_per_session;) {
      const auto f = client->next();
      ASSERT_TRUE(f) << answered << " of " << streams_per_session << " streams answered";
      if ((*f)[0] == 0x03 && u32_at(*f, 1) != 0) ++opened, ++answered;
      if ((*f)[0] == 0x04 && (*f)[5] == close_throttled) ++throttled, ++answered;
    }
  }
  EXPECT_EQ(opened, limit) << "streams held at once, in all sessions";
  EXPECT_EQ(throttled, session_count * streams_per_session - limit);
}

// A stream's slot of max_streams_total comes back however the stream ends:
// the client's CLOSE, or its session going away.
TEST(relay_limits, freed_stream_slots_can_be_used_again) {
  relay_process relay({"--dev", "--max-streams-total", "2"});
  auto opens = [](wisp_client& client, std::uint32_t id) {
    client.send(udp_connect_frame(id, "127.0.0.1", 9));
    const auto reply = client.next();
    return reply && (*reply)[0] == 0x03 && u32_at(*reply, 1) == id;
  };
  {
    wisp_client first(relay.port(), "wisp-v2");
    first.handshake_v2();
    ASSERT_TRUE(opens(first, 1));
    ASSERT_TRUE(opens(first, 2));
    EXPECT_FALSE(opens(first, 3)) << "over max_streams_total";
    first.send(frame(0x04, 1, {0x02}));  // the client closes stream 1
    EXPECT_TRUE(opens(first, 4)) << "the slot of the stream the client closed";
  }
  bool reopened = false;
  for (int attempt = 0; attempt < 50 && !reopened; ++attempt) {
    wisp_client second(relay.port(), "wisp-v2");
    second.handshake_v2();
    reopened = opens(second, 1) && opens(second, 2);
    if (!reopened) std::this_thread::sleep_for(20ms);  // the first session's end is still in flight
  }
  EXPECT_TRUE(reopened) << "the slots of the streams of a session that ended";
}

TEST(relay_limits, a_freed_session_slot_can_be_used_again) {
  relay_process relay({"--max-sessions", "1"});
  {
    wisp_client first(relay.port(), "wisp-v2");
    ASSERT_TRUE(first.wait_open());
  }
  bool reopened = false;
  for (int attempt = 0; attempt < 50 && !reopened; ++attempt) {
    wisp_client again(relay.port(), "wisp-v2");
    reopened = again.wait_open();
    if (!reopened) std::this_thread::sleep_for(20ms);  // the first session's close is still in flight
  }
  EXPECT_TRUE(reopened);
}

TEST(relay_limits, quiet_stream_is_closed_with_transfer_timeout) {
  relay_process relay({"--dev", "--stream-idle-timeout", "1"});
  tcp_peer peer(false, echo);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  ASSERT_TRUE(open_stream(client, 1, peer.port()));
  const auto started = std::chrono::steady_clock::now();
  auto close = client.next();
  ASSERT_TRUE(close);
  EXPECT_EQ((*close)[0], 0x04);
  EXPECT_EQ((*close)[5], close_transfer_timeout);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 900ms);
}

// A session's one timer watches every stream's idle timeout: the quiet
// stream ends on time while the busy one beside it lives on, until it too is quiet.
TEST(relay_limits, each_stream_times_out_on_its_own_quiet_time) {
  relay_process relay({"--dev", "--stream-idle-timeout", "2"});
  tcp_peer peer(false, echo);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  ASSERT_TRUE(open_stream(client, 1, peer.port()));
  ASSERT_TRUE(open_stream(client, 2, peer.port()));
  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::steady_clock::now() - started; };
  std::optional<std::chrono::steady_clock::duration> quiet_closed;
  int quiet_reason = 0;
  bool busy_closed = false;
  while (!quiet_closed && elapsed() < 5s) {
    client.send(frame(0x02, 2, {'x'}));  // stream 2 stays busy
    while (auto f = client.next(250ms)) {
      if ((*f)[0] != 0x04) continue;
      if (u32_at(*f, 1) == 2) busy_closed = true;
      if (u32_at(*f, 1) == 1) quiet_closed = elapsed(), quiet_reason = (*f)[5];
    }
  }
  ASSERT_TRUE(quiet_closed) << "the quiet stream never timed out";
  EXPECT_EQ(quiet_reason, close_transfer_timeout);
  EXPECT_GE(*quiet_closed, 1900ms);
  EXPECT_FALSE(busy_closed) << "the busy stream timed out with the quiet one";
  const auto busy_quiet_since = std::chrono::steady_clock::now();
  std::optional<bytes> close;
  while ((close = client.next()) && (*close)[0] != 0x04) {
  }
  ASSERT_TRUE(close) << "the busy stream, once quiet, never timed out";
  EXPECT_EQ(u32_at(*close, 1), 2u);
  EXPECT_EQ((*close)[5], close_transfer_timeout);
  EXPECT_GE(std::chrono::steady_clock::now() - busy_quiet_since, 1500ms);
}

TEST(relay_limits, session_without_streams_is_closed_when_idle) {
  relay_process relay({"--session-idle-timeout", "1"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  auto close = client.next();
  ASSERT_TRUE(close);
  EXPECT_EQ((*close)[0], 0x04);
  EXPECT_EQ(u32_at(*close, 1), 0u) << "session-level CLOSE on stream 0";
  EXPECT_TRUE(client.wait_closed());
}

TEST(relay_limits, byte_rate_limit_slows_a_download_without_losing_bytes) {
  constexpr std::size_t size = 384 * 1024;
  relay_process relay({"--dev", "--session-bytes-per-second", "131072"});
  auto peer = sending_peer(size);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(open_stream(client, 1, peer.port()));
  std::size_t received = 0;
  while (received < size) {
    auto f = client.next();
    ASSERT_TRUE(f) << "download stalled at " << received;
    if ((*f)[0] == 0x02) received += f->size() - 5;
  }
  EXPECT_EQ(received, size);
  // One second of burst, then 128 KiB/s: 384 KiB cannot arrive in under ~2 s.
  EXPECT_GE(std::chrono::steady_clock::now() - started, 1500ms);
}

// --- policy lists ---

TEST(relay_policy, port_outside_the_allowed_list_is_blocked) {
  relay_process relay({"--dev", "--ports", "1-1023"});
  tcp_peer peer(false, echo);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(connect_frame(1, "127.0.0.1", peer.port()));
  EXPECT_EQ(read_stream(client, 1, 1).second, close_blocked);
  EXPECT_EQ(metric(relay.port(), "sockbridge_denials_total{reason=\"port\"}"), 1);
}

TEST(relay_policy, deny_list_beats_the_dev_profile) {
  relay_process relay({"--dev", "--deny", "127.0.0.0/8", "--deny", "localhost"});
  tcp_peer peer(false, echo);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(connect_frame(1, "127.0.0.1", peer.port()));
  EXPECT_EQ(read_stream(client, 1, 1).second, close_blocked);
  client.send(connect_frame(2, "LOCALHOST", peer.port()));
  EXPECT_EQ(read_stream(client, 2, 1).second, close_blocked);
  EXPECT_EQ(metric(relay.port(), "sockbridge_denials_total{reason=\"deny_list\"}"), 2);
}

TEST(relay_policy, allow_list_opens_one_loopback_block_without_dev) {
  relay_process relay({"--allow", "127.0.0.1/32"});
  tcp_peer peer(false, echo);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  EXPECT_TRUE(open_stream(client, 1, peer.port()));
  client.send(connect_frame(2, "::1", peer.port()));
  EXPECT_EQ(read_stream(client, 2, 1).second, close_blocked) << "::1 is not on the allow list";
}

// --- Origin and token ---

TEST(relay_access, only_listed_origins_may_open_a_websocket) {
  relay_process relay({"--allowed-origin", "https://docs.example.org"});
  wisp_client listed(relay.port(), "wisp-v2", {"/", {{"Origin", "https://docs.example.org"}}});
  EXPECT_TRUE(listed.wait_open());
  wisp_client other(relay.port(), "wisp-v2", {"/", {{"Origin", "https://evil.example"}}});
  EXPECT_EQ(other.refused_status(), 403);
  wisp_client none(relay.port(), "wisp-v2");
  EXPECT_EQ(none.refused_status(), 403);
  EXPECT_EQ(metric(relay.port(), "sockbridge_denials_total{reason=\"origin\"}"), 2);
}

TEST(relay_access, token_may_come_as_bearer_header_or_query_parameter) {
  relay_process relay({"--token", "t0ken"});
  wisp_client header(relay.port(), "wisp-v2", {"/", {{"Authorization", "Bearer t0ken"}}});
  EXPECT_TRUE(header.wait_open());
  wisp_client query(relay.port(), "wisp-v2", {"/wisp/?a=1&token=t0ken", {}});
  EXPECT_TRUE(query.wait_open());
  wisp_client wrong(relay.port(), "wisp-v2", {"/?token=t0ke", {}});
  EXPECT_EQ(wrong.refused_status(), 401);
  EXPECT_EQ(body_of(http_get(relay.port(), "/healthz")), "ok\n") << "health checks need no token";
}

// --- metrics ---

TEST(relay_metrics, metrics_count_sessions_streams_bytes_and_connect_latency) {
  relay_process relay({"--dev"});
  tcp_peer peer(false, echo);
  {
    wisp_client client(relay.port(), "wisp-v2");
    client.handshake_v2();
    ASSERT_TRUE(open_stream(client, 1, peer.port()));
    client.send(data_frame(1, "twelve bytes"));
    ASSERT_EQ(read_stream(client, 1, 12).first, "twelve bytes");
    EXPECT_EQ(metric(relay.port(), "sockbridge_sessions"), 1);
    EXPECT_EQ(metric(relay.port(), "sockbridge_streams{state=\"open\"}"), 1);
  }
  EXPECT_EQ(metric(relay.port(), "sockbridge_sessions_total"), 1);
  EXPECT_EQ(metric(relay.port(), "sockbridge_streams_total"), 1);
  EXPECT_EQ(metric(relay.port(), "sockbridge_bytes_total{direction=\"in\"}"), 12);
  EXPECT_EQ(metric(relay.port(), "sockbridge_bytes_total{direction=\"out\"}"), 12);
  EXPECT_EQ(metric(relay.port(), "sockbridge_connect_seconds_count"), 1);
  EXPECT_EQ(metric(relay.port(), "sockbridge_connect_seconds_bucket{le=\"+Inf\"}"), 1);
  const auto response = http_get(relay.port(), "/metrics");
  EXPECT_NE(response.find("Content-Type: text/plain; version=0.0.4"), std::string::npos) << response;
  EXPECT_NE(response.find("# TYPE sockbridge_connect_seconds histogram"), std::string::npos);
}

TEST(relay_metrics, denials_are_counted_by_address_class) {
  relay_process relay({});
  tcp_peer peer(false, echo);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(connect_frame(1, "127.0.0.1", peer.port()));
  EXPECT_EQ(read_stream(client, 1, 1).second, close_blocked);
  EXPECT_EQ(metric(relay.port(), "sockbridge_denials_total{reason=\"loopback\"}"), 1);
}

// --- graceful drain ---

TEST(relay_drain, sigterm_lets_an_open_stream_finish_then_exits) {
  relay_process relay({"--dev", "--drain-timeout", "20"});
  tcp_peer peer(false, echo);
  wisp_client idle(relay.port(), "wisp-v2");
  idle.handshake_v2();
  wisp_client busy(relay.port(), "wisp-v2");
  busy.handshake_v2();
  ASSERT_TRUE(open_stream(busy, 1, peer.port()));
  relay.signal(SIGTERM);
  EXPECT_TRUE(idle.wait_closed()) << "a session without streams closes at once";
  EXPECT_FALSE(relay.wait_exit(300ms)) << "the relay must wait for the open stream";
  busy.send(data_frame(1, "still flowing"));
  EXPECT_EQ(read_stream(busy, 1, 13).first, "still flowing");
  busy.send(connect_frame(2, "127.0.0.1", peer.port()));
  EXPECT_EQ(read_stream(busy, 2, 1).second, close_throttled) << "no new streams while draining";
  busy.send(frame(0x04, 1, {0x02}));  // the client closes its stream
  EXPECT_EQ(relay.wait_exit(5000ms), 0);
  EXPECT_NE(relay.later_log().find("\"drained\":true"), std::string::npos) << relay.later_log();
}

TEST(relay_drain, a_draining_relay_accepts_no_new_session) {
  relay_process relay({"--dev", "--drain-timeout", "20"});
  tcp_peer peer(false, echo);
  wisp_client busy(relay.port(), "wisp-v2");
  busy.handshake_v2();
  ASSERT_TRUE(open_stream(busy, 1, peer.port()));
  relay.signal(SIGTERM);
  bool refused = false;
  // The signal reaches the relay's loop a moment after kill() returns.
  for (int attempt = 0; attempt < 50 && !refused; ++attempt) {
    wisp_client late(relay.port(), "wisp-v2");
    refused = !late.wait_open();
    if (!refused) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(refused) << "a new session opened while draining";
  busy.send(data_frame(1, "the open stream still works"));
  EXPECT_EQ(read_stream(busy, 1, 27).first, "the open stream still works");
  busy.send(frame(0x04, 1, {0x02}));
  EXPECT_EQ(relay.wait_exit(5000ms), 0);
}

TEST(relay_drain, drain_deadline_stops_the_relay_with_streams_still_open) {
  relay_process relay({"--dev", "--drain-timeout", "1"});
  tcp_peer peer(false, echo);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  ASSERT_TRUE(open_stream(client, 1, peer.port()));
  const auto started = std::chrono::steady_clock::now();
  relay.signal(SIGTERM);
  EXPECT_TRUE(client.wait_closed()) << "at the deadline the client gets a close, not a reset";
  EXPECT_GE(std::chrono::steady_clock::now() - started, 900ms);
  EXPECT_EQ(relay.wait_exit(5000ms), 0) << relay.later_log();  // under ASan: also no leak at exit
  EXPECT_NE(relay.later_log().find("\"drained\":false"), std::string::npos) << relay.later_log();
}

}  // namespace
