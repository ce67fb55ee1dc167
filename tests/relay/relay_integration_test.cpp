// Integration tests of the real sockbridge-relay binary, driven by an
// independent WebSocket client (websocketpp) that encodes Wisp frames by hand,
// against real TCP peers on 127.0.0.1 and ::1.
#include <sstream>

#include "relay_harness.hpp"

namespace {

using namespace std::chrono_literals;
using namespace relay_harness;

// --- tests ---

TEST(relay, v1_client_receives_initial_continue_on_stream_zero) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "");
  auto first = client.next();
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 9u);
  EXPECT_EQ((*first)[0], 0x03);
  EXPECT_EQ(u32_at(*first, 1), 0u);
  EXPECT_EQ(u32_at(*first, 5), 128u);
}

TEST(relay, v2_handshake_sends_info_then_continue_after_client_info) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "wisp-v2");
  auto info = client.next();
  ASSERT_TRUE(info);
  EXPECT_EQ((*info)[0], 0x05);
  EXPECT_EQ((*info)[5], 2);  // major version
  ASSERT_GE(info->size(), 12u);
  ASSERT_GE(info->size(), 17u);
  EXPECT_EQ((*info)[7], 0x01);   // UDP offered
  EXPECT_EQ((*info)[12], 0x05);  // stream-open confirmation offered
  client.send(frame(0x05, 0, {2, 0, 0x05, 0, 0, 0, 0}));
  auto ready = client.next();
  ASSERT_TRUE(ready);
  EXPECT_EQ((*ready)[0], 0x03);
  EXPECT_EQ(u32_at(*ready, 1), 0u);
}

TEST(relay, tcp_stream_round_trips_bytes_through_echo_server) {
  relay_process relay({"--dev"});
  tcp_peer peer(false, echo);
  wisp_client client(relay.port(), "wisp-v2");
  const auto buffer = client.handshake_v2();
  client.send(connect_frame(1, "127.0.0.1", peer.port()));
  auto confirmed = client.next();
  ASSERT_TRUE(confirmed);
  EXPECT_EQ((*confirmed)[0], 0x03) << "stream-open confirmation";
  EXPECT_EQ(u32_at(*confirmed, 1), 1u);
  EXPECT_EQ(u32_at(*confirmed, 5), buffer);
  client.send(data_frame(1, "ping over a real socket"));
  EXPECT_EQ(read_stream(client, 1, 23).first, "ping over a real socket");
}

TEST(relay, ipv6_target_round_trips_bytes) {
  relay_process relay({"--dev"});
  tcp_peer peer(true, echo);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(connect_frame(7, "::1", peer.port()));
  auto confirmed = client.next();
  ASSERT_TRUE(confirmed);
  ASSERT_EQ((*confirmed)[0], 0x03);
  client.send(data_frame(7, "v6"));
  EXPECT_EQ(read_stream(client, 7, 2).first, "v6");
}

TEST(relay, v1_stream_relays_data_without_confirmation) {
  relay_process relay({"--dev"});
  tcp_peer peer(false, echo);
  wisp_client client(relay.port(), "");
  ASSERT_TRUE(client.next());  // initial CONTINUE
  client.send(connect_frame(3, "127.0.0.1", peer.port()));
  client.send(data_frame(3, "early data"));  // v1 clients may send before any confirmation
  EXPECT_EQ(read_stream(client, 3, 10).first, "early data");
}

TEST(relay, connect_to_closed_port_closes_stream_with_refused) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(connect_frame(1, "127.0.0.1", closed_port()));
  EXPECT_EQ(read_stream(client, 1, 1).second, 0x44);
}

TEST(relay, default_policy_blocks_loopback_target) {
  relay_process relay({});
  tcp_peer peer(false, echo);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(connect_frame(1, "127.0.0.1", peer.port()));
  EXPECT_EQ(read_stream(client, 1, 1).second, 0x48);
  client.send(connect_frame(2, "localhost", peer.port()));
  EXPECT_EQ(read_stream(client, 2, 1).second, 0x48);
  client.send(connect_frame(3, "::ffff:127.0.0.1", peer.port()));
  EXPECT_EQ(read_stream(client, 3, 1).second, 0x48);
}

TEST(relay, unresolvable_host_closes_stream_with_unreachable) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(connect_frame(1, "no-such-host.invalid", 80));
  EXPECT_EQ(read_stream(client, 1, 1).second, 0x42);
}

TEST(relay, remote_close_sends_all_data_then_voluntary_close) {
  relay_process relay({"--dev"});
  const std::string payload(300 * 1024, 'x');
  tcp_peer peer(false, [&payload](int fd) {
    for (std::size_t sent = 0; sent < payload.size();) {
      const auto n = write(fd, payload.data() + sent, payload.size() - sent);
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
  });
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(connect_frame(1, "127.0.0.1", peer.port()));
  auto [text, reason] = read_stream(client, 1, payload.size() + 1);
  EXPECT_EQ(text.size(), payload.size());
  EXPECT_EQ(text, payload);
  EXPECT_EQ(reason, 0x02);
}

TEST(relay, data_for_an_unknown_stream_is_ignored_and_the_session_lives_on) {
  relay_process relay({"--dev"});
  tcp_peer peer(false, echo);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(data_frame(99, "nobody"));
  client.send(connect_frame(1, "127.0.0.1", peer.port()));
  ASSERT_TRUE(client.next());
  client.send(data_frame(1, "still here"));
  EXPECT_EQ(read_stream(client, 1, 10).first, "still here");
}

TEST(relay, malformed_frame_closes_session) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send({0x02, 0x01});
  auto close = client.next();
  ASSERT_TRUE(close);
  EXPECT_EQ((*close)[0], 0x04);
  EXPECT_EQ(u32_at(*close, 1), 0u);
  EXPECT_EQ((*close)[5], 0x41);
  EXPECT_TRUE(client.wait_closed());
}

TEST(relay, missing_client_info_closes_a_v2_session) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "wisp-v2");
  ASSERT_TRUE(client.next());  // INFO
  client.send(connect_frame(1, "127.0.0.1", 80));
  auto close = client.next();
  ASSERT_TRUE(close);
  EXPECT_EQ((*close)[0], 0x04);
  EXPECT_EQ((*close)[5], 0x41);
  EXPECT_TRUE(client.wait_closed());
}

TEST(relay, oversized_message_closes_session) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(data_frame(1, std::string(2 * 1024 * 1024, 'x')));  // over the 1 MiB default
  EXPECT_TRUE(client.wait_closed());
}

TEST(relay, connect_reusing_a_live_stream_id_is_refused_with_invalid_info) {
  relay_process relay({"--dev"});
  tcp_peer peer(false, echo);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(connect_frame(1, "127.0.0.1", peer.port()));
  ASSERT_TRUE(client.next());  // confirmation
  client.send(connect_frame(1, "127.0.0.1", peer.port()));
  EXPECT_EQ(read_stream(client, 1, 1).second, 0x41);
}

TEST(relay, client_gets_more_buffer_after_using_half_of_it) {
  relay_process relay({"--dev"});
  tcp_peer peer(false, [](int fd) {
    char buffer[65536];
    while (read(fd, buffer, sizeof buffer) > 0) {
    }
  });
  wisp_client client(relay.port(), "wisp-v2");
  const auto buffer = client.handshake_v2();
  client.send(connect_frame(1, "127.0.0.1", peer.port()));
  ASSERT_TRUE(client.next());  // confirmation: the full buffer
  for (std::uint32_t i = 0; i < buffer / 2; ++i) client.send(data_frame(1, "packet"));
  auto grant = client.next();
  ASSERT_TRUE(grant) << "no CONTINUE after half the buffer was used";
  EXPECT_EQ((*grant)[0], 0x03);
  EXPECT_EQ(u32_at(*grant, 1), 1u);
  EXPECT_GT(u32_at(*grant, 5), 0u);
  EXPECT_LE(u32_at(*grant, 5), buffer);
}

TEST(relay, client_close_closes_the_target_connection) {
  relay_process relay({"--dev"});
  std::promise<void> peer_saw_eof;
  tcp_peer peer(false, [&peer_saw_eof](int fd) {
    char buffer[1024];
    while (read(fd, buffer, sizeof buffer) > 0) {
    }
    peer_saw_eof.set_value();
  });
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(connect_frame(1, "127.0.0.1", peer.port()));
  ASSERT_TRUE(client.next());  // confirmation
  client.send(frame(0x04, 1, {0x02}));
  EXPECT_EQ(peer_saw_eof.get_future().wait_for(wait_limit), std::future_status::ready);
}

// --- the sockbridge extension ---

TEST(relay_extension, resolve_returns_the_addresses_of_a_name) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  bytes request = {4};
  for (char c : std::string("localhost")) request.push_back(static_cast<std::uint8_t>(c));
  client.send(frame(0x81, 42, request));
  auto answer = client.next();
  ASSERT_TRUE(answer);
  EXPECT_EQ((*answer)[0], 0x82);
  EXPECT_EQ(u32_at(*answer, 1), 42u);
  EXPECT_EQ((*answer)[5], 0) << "status ok";
  ASSERT_EQ((*answer)[6], 1) << "one IPv4 address";
  EXPECT_EQ(bytes(answer->begin() + 7, answer->end()), (bytes{4, 0, 0, 127, 0, 0, 1}));
}

TEST(relay_extension, resolve_of_a_name_pointing_at_loopback_is_blocked_by_default) {
  relay_process relay({});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  bytes request = {0};
  for (char c : std::string("localhost")) request.push_back(static_cast<std::uint8_t>(c));
  client.send(frame(0x81, 1, request));
  auto answer = client.next();
  ASSERT_TRUE(answer);
  EXPECT_EQ((*answer)[5], 0x48);
  EXPECT_EQ((*answer)[6], 0);
}

TEST(relay_extension, unknown_name_resolves_to_name_not_found) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  bytes request = {0};
  for (char c : std::string("no-such-host.invalid")) request.push_back(static_cast<std::uint8_t>(c));
  client.send(frame(0x81, 1, request));
  auto answer = client.next();
  ASSERT_TRUE(answer);
  EXPECT_EQ((*answer)[5], 0x92);
}

TEST(relay_extension, connect_reports_local_and_peer_addresses_before_confirmation) {
  relay_process relay({"--dev"});
  tcp_peer peer(false, echo);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  client.send(connect_frame(1, "127.0.0.1", peer.port()));
  auto connected = client.next();
  ASSERT_TRUE(connected);
  ASSERT_EQ((*connected)[0], 0x80);
  ASSERT_EQ(connected->size(), 5u + 7 + 7);
  EXPECT_EQ((*connected)[5], 4);                                     // local family
  EXPECT_EQ((*connected)[12], 4);                                    // peer family
  EXPECT_EQ((*connected)[13] | (*connected)[14] << 8, peer.port());  // peer port
  auto confirmed = client.next();
  ASSERT_TRUE(confirmed);
  EXPECT_EQ((*confirmed)[0], 0x03);
}

TEST(relay_extension, half_close_lets_the_peer_answer_after_our_fin) {
  relay_process relay({"--dev"});
  // The peer reads until EOF, then answers with what it read, upper-cased.
  tcp_peer peer(false, [](int fd) {
    std::string request;
    char buffer[1024];
    for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) request.append(buffer, static_cast<std::size_t>(n));
    for (auto& c : request) c = static_cast<char>(toupper(c));
    if (write(fd, request.data(), request.size()) < 0) return;
  });
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  client.send(connect_frame(1, "127.0.0.1", peer.port()));
  ASSERT_TRUE(client.next());  // CONNECTED
  ASSERT_TRUE(client.next());  // CONTINUE
  client.send(data_frame(1, "only after eof"));
  client.send(frame(0x85, 1));  // SHUTDOWN: FIN to the peer
  std::string answer;
  bool peer_finished = false;
  while (auto f = client.next()) {
    if ((*f)[0] == 0x02) answer.append(f->begin() + 5, f->end());
    if ((*f)[0] == 0x85 || (*f)[0] == 0x04) {
      peer_finished = true;
      break;
    }
  }
  EXPECT_EQ(answer, "ONLY AFTER EOF");
  EXPECT_TRUE(peer_finished);
}

TEST(relay_extension, listen_accepts_real_tcp_clients_as_relay_streams) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  client.send(frame(0x83, 5, {4, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0}));  // 0.0.0.0:0, backlog 8
  auto listening = client.next();
  ASSERT_TRUE(listening);
  ASSERT_EQ((*listening)[0], 0x80) << "CONNECTED carries the bound address";
  const std::uint16_t port = static_cast<std::uint16_t>((*listening)[6] | (*listening)[7] << 8);
  ASSERT_NE(port, 0);

  const int fd = tcp_connect_loopback(port);
  ASSERT_GE(fd, 0);
  auto accepted = client.next();
  ASSERT_TRUE(accepted);
  ASSERT_EQ((*accepted)[0], 0x84);
  EXPECT_EQ(u32_at(*accepted, 1), 5u);
  const auto stream = u32_at(*accepted, 5);
  EXPECT_NE(stream & 0x80000000u, 0u);
  auto grant = client.next();
  ASSERT_TRUE(grant);
  EXPECT_EQ((*grant)[0], 0x03);

  ASSERT_EQ(write(fd, "from outside", 12), 12);
  EXPECT_EQ(read_stream(client, stream, 12).first, "from outside");
  client.send(data_frame(stream, "from the guest"));
  char buffer[64] = {};
  ssize_t got = 0;
  for (ssize_t n; got < 14 && (n = read(fd, buffer + got, sizeof buffer - static_cast<std::size_t>(got))) > 0;)
    got += n;
  EXPECT_EQ(std::string(buffer, static_cast<std::size_t>(got)), "from the guest");
  close(fd);
}

TEST(relay_extension, listen_is_refused_unless_enabled) {
  relay_process relay({});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  client.send(frame(0x83, 5, {4, 0x90, 0x1f, 0, 0, 0, 0, 8, 0, 0, 0}));
  auto refused = client.next();
  ASSERT_TRUE(refused);
  EXPECT_EQ((*refused)[0], 0x04);
  EXPECT_EQ((*refused)[5], 0x48);
}

TEST(relay_extension, extension_packets_without_negotiation_close_the_session) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(false);
  client.send(frame(0x81, 1, {0, 'x'}));
  auto close = client.next();
  ASSERT_TRUE(close);
  EXPECT_EQ((*close)[0], 0x04);
  EXPECT_EQ((*close)[5], 0x41);
}

// --- plain HTTP ---

TEST(relay_http, healthz_returns_ok) {
  relay_process relay({});
  const auto response = http_get(relay.port(), "/healthz");
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << response;
  EXPECT_NE(response.find("Content-Type: text/plain"), std::string::npos) << response;
  EXPECT_EQ(body_of(response), "ok\n");
}

TEST(relay_http, static_file_served_with_wasm_mime_type) {
  temp_directory site;
  const std::string module("\0asm\x01\0\0\0", 8);
  site.write("module.wasm", module);
  relay_process relay({"--web-root", site.path().string()});
  const auto response = http_get(relay.port(), "/module.wasm");
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << response;
  EXPECT_NE(response.find("Content-Type: application/wasm\r\n"), std::string::npos) << response;
  EXPECT_NE(response.find("Cache-Control: no-cache\r\n"), std::string::npos) << response;
  EXPECT_EQ(body_of(response), module);
}

TEST(relay_http, root_serves_index_html) {
  temp_directory site;
  site.write("index.html", "<!doctype html><title>demo</title>");
  relay_process relay({"--web-root", site.path().string()});
  const auto response = http_get(relay.port(), "/");
  EXPECT_NE(response.find("Content-Type: text/html; charset=utf-8\r\n"), std::string::npos) << response;
  EXPECT_EQ(body_of(response), "<!doctype html><title>demo</title>");
}

TEST(relay_http, head_returns_the_headers_of_get_without_a_body) {
  temp_directory site;
  site.write("app.js", "export {};\n");
  relay_process relay({"--web-root", site.path().string()});
  const auto response = http_get(relay.port(), "/app.js", "HEAD");
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << response;
  EXPECT_NE(response.find("Content-Type: text/javascript"), std::string::npos) << response;
  EXPECT_NE(response.find("Content-Length: 11\r\n"), std::string::npos) << response;
  EXPECT_EQ(body_of(response), "");
}

TEST(relay_http, missing_file_returns_404) {
  temp_directory site;
  relay_process relay({"--web-root", site.path().string()});
  EXPECT_EQ(http_get(relay.port(), "/nothing.js").rfind("HTTP/1.1 404", 0), 0u);
}

TEST(relay_http, paths_that_leave_the_web_root_are_not_served) {
  temp_directory outside;
  outside.write("secret.txt", "secret");
  temp_directory site;
  std::filesystem::create_symlink(outside.path() / "secret.txt", site.path() / "link.txt");
  std::filesystem::create_directory(site.path() / "sub");
  relay_process relay({"--web-root", site.path().string()});
  const auto escape = "/sub/../../" + outside.path().filename().string() + "/secret.txt";
  EXPECT_EQ(http_get(relay.port(), escape).rfind("HTTP/1.1 400", 0), 0u);
  EXPECT_EQ(http_get(relay.port(), "/link.txt").rfind("HTTP/1.1 404", 0), 0u);
}

// --- command line and process ---

TEST(relay_cli, dev_flag_logs_that_loopback_targets_are_allowed) {
  relay_process relay({"--dev"});
  const auto& lines = relay.startup_lines();
  const auto warning = std::find_if(lines.begin(), lines.end(), [](const std::string& line) {
    return line.find("\"event\":\"dev_mode\"") != std::string::npos;
  });
  ASSERT_NE(warning, lines.end());
  EXPECT_NE(warning->find("\"level\":\"warn\""), std::string::npos) << *warning;
  EXPECT_NE(warning->find("loopback"), std::string::npos) << *warning;
}

TEST(relay_cli, bracketed_ipv6_listen_address_serves_on_ipv6_loopback) {
  relay_process relay({}, "[::1]:0");
  const auto response =
      http_exchange(relay.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", true);
  EXPECT_EQ(body_of(response), "ok\n");
}

// The settings come from one table in the relay; --print-config writes each
// with its flag and variable, so --help must show every one of them.
TEST(relay_cli, help_documents_every_setting_flag_and_variable_on_stdout) {
  const auto help = run_relay_to_exit({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  const auto printed = run_relay_to_exit({"--print-config"});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  std::istringstream lines(printed.out);
  const std::string marker = "# flag ";
  std::size_t settings = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(marker, 0) != 0) continue;
    ++settings;
    const auto flag = line.substr(marker.size(), line.find(',') - marker.size());
    const auto variable = line.substr(line.rfind(' ') + 1);
    EXPECT_NE(help.out.find(flag + " "), std::string::npos) << flag;
    EXPECT_NE(help.out.find(variable), std::string::npos) << variable;
  }
  EXPECT_GE(settings, 30u) << printed.out;
  for (const char* flag : {"--config", "--print-config"})
    EXPECT_NE(help.out.find(std::string(flag) + " "), std::string::npos) << flag;
}

TEST(relay_cli, unknown_flag_exits_with_usage_error_on_one_line) {
  const auto run = run_relay_to_exit({"--no-such-flag"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(count_lines(run.err), 1u) << run.err;
  EXPECT_NE(run.err.find("--no-such-flag"), std::string::npos) << run.err;
  EXPECT_EQ(run.out, "");
}

TEST(relay_cli, listen_address_without_port_exits_with_usage_error) {
  const auto run = run_relay_to_exit({"--listen", "127.0.0.1"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(count_lines(run.err), 1u) << run.err;
}

TEST(relay_cli, address_in_use_exits_with_runtime_error) {
  tcp_peer holder(false, [](int) {});
  const auto run = run_relay_to_exit({"--listen", "127.0.0.1:" + std::to_string(holder.port())});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(count_lines(run.err), 1u) << run.err;
  EXPECT_NE(run.err.find("cannot listen"), std::string::npos) << run.err;
}

}  // namespace
