// Network faults injected under the real relay, in the isolated network of
// netns.hpp: a target that never answers a SYN, a DNS server that never
// answers, a peer that resets, a peer that half-closes. Each must end (or
// carry on) the one stream with the reason the guest turns into the right
// errno, on time, while the session keeps serving its other streams.
#include <netinet/tcp.h>

#include <map>

#include "netns.hpp"
#include "relay_harness.hpp"

namespace {

using namespace std::chrono_literals;
using namespace relay_harness;

constexpr std::uint8_t close_voluntary = 0x02;
constexpr std::uint8_t close_network_error = 0x03;
constexpr std::uint8_t close_connect_timeout = 0x43;
constexpr std::uint8_t close_connection_reset = 0x93;
constexpr std::uint8_t packet_shutdown = 0x85;

using clock_type = std::chrono::steady_clock;

// Opens stream id to 127.0.0.1:port and waits for its confirmation
// (CONNECTED first, if the session negotiated the extension).
void open_loopback_stream(wisp_client& client, std::uint32_t id, std::uint16_t port) {
  client.send(connect_frame(id, "127.0.0.1", port));
  for (auto f = client.next(); f; f = client.next())
    if ((*f)[0] == 0x03 && u32_at(*f, 1) == id) return;
  ADD_FAILURE() << "stream " << id << " was not confirmed";
}

// --- connect timeout ---

void expect_connect_timeout(const char* black_hole) {
  relay_process relay({"--dev", "--allow", black_hole, "--connect-timeout", "1"});
  tcp_peer bystander(false, echo);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  const auto started = clock_type::now();
  client.send(connect_frame(1, black_hole, 80));
  open_loopback_stream(client, 2, bystander.port());
  client.send(data_frame(2, "not held up"));
  std::string echoed;
  int reason = 0;
  auto took = clock_type::duration::zero();
  while (reason == 0) {
    const auto f = client.next();
    ASSERT_TRUE(f) << "stream 1 neither connected nor closed";
    if ((*f)[0] == 0x02 && u32_at(*f, 1) == 2) echoed.append(f->begin() + 5, f->end());
    if ((*f)[0] == 0x04 && u32_at(*f, 1) == 1) {
      reason = (*f)[5];
      took = clock_type::now() - started;
    }
  }
  EXPECT_EQ(echoed, "not held up") << "the echo must come before the hanging connect ends";
  EXPECT_EQ(reason, close_connect_timeout);
  EXPECT_GE(took, 900ms) << "closed before the connect timeout";
  EXPECT_LT(took, 3s);
}

TEST(relay_fault, connect_to_a_black_holed_ipv4_address_times_out) { expect_connect_timeout(netns::black_hole_v4); }

TEST(relay_fault, connect_to_a_black_holed_ipv6_address_times_out) { expect_connect_timeout(netns::black_hole_v6); }

// Without the allow list the black-hole address is documentation space:
// refused before any SYN is sent.
TEST(relay_fault, black_hole_address_is_reserved_without_the_allow_list) {
  relay_process relay({"--connect-timeout", "1"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(connect_frame(1, netns::black_hole_v4, 80));
  EXPECT_EQ(read_stream(client, 1, 1).second, 0x48);
}

// --- DNS timeout ---

// A DNS server on 127.0.0.1:53 that reads queries and never answers.
class silent_dns_server {
 public:
  silent_dns_server() {
    fd_ = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(netns::dns_server_port);
    inet_pton(AF_INET, netns::dns_server, &address.sin_addr);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
      throw std::runtime_error("cannot bind the DNS server's port");
  }
  ~silent_dns_server() { close(fd_); }
  // Queries that arrived so far (read without blocking).
  int queries() {
    char buffer[512];
    while (recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT) > 0) ++queries_;
    return queries_;
  }

 private:
  int fd_ = -1;
  int queries_ = 0;
};

TEST(relay_fault, name_lookup_that_gets_no_answer_times_out_for_connect_udp_and_resolve) {
  if (!netns::resolver_redirected()) GTEST_SKIP() << "could not point resolv.conf at the test's DNS server";
  silent_dns_server dns;
  relay_process relay({"--dns-timeout", "1"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  const auto started = clock_type::now();
  client.send(connect_frame(1, "slow.example", 80));
  client.send(udp_connect_frame(2, "slow.example", 53));
  client.send(resolve_frame(3, 0, "slow.example"));
  std::map<std::uint32_t, int> outcome;  // stream or request → close reason or RESOLVED status
  while (outcome.size() < 3) {
    const auto f = client.next();
    ASSERT_TRUE(f) << "no answer within the wait limit";
    if ((*f)[0] == 0x04 || (*f)[0] == 0x82) outcome[u32_at(*f, 1)] = (*f)[5];
  }
  const auto took = clock_type::now() - started;
  EXPECT_EQ(outcome[1], close_connect_timeout) << "TCP";
  EXPECT_EQ(outcome[2], close_connect_timeout) << "UDP";
  EXPECT_EQ(outcome[3], close_connect_timeout) << "RESOLVE";
  EXPECT_GE(took, 900ms);
  // glibc itself gives up after resolver_give_up_seconds; the relay must not wait for it.
  EXPECT_LT(took, std::chrono::seconds(netns::resolver_give_up_seconds) - 500ms);
  EXPECT_GT(dns.queries(), 0) << "the relay's resolver never asked our server";
}

// Waits until the server has received a query, so that a lookup is surely hanging.
bool wait_for_query(silent_dns_server& dns) {
  const auto deadline = clock_type::now() + wait_limit;
  while (dns.queries() == 0 && clock_type::now() < deadline) std::this_thread::sleep_for(10ms);
  return dns.queries() > 0;
}

// Lookups run beside one another: one that hangs at the DNS server does not
// hold up the next. localhost comes from /etc/hosts, but through getaddrinfo
// like any name the relay's own hosts file does not pin.
TEST(relay_fault, name_lookup_is_answered_while_another_one_hangs) {
  if (!netns::resolver_redirected()) GTEST_SKIP() << "could not point resolv.conf at the test's DNS server";
  silent_dns_server dns;
  tcp_peer peer(false, echo);
  relay_process relay({"--dev", "--dns-timeout", "30", "--connect-timeout", "30"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  client.send(resolve_frame(1, 0, "slow.example"));
  ASSERT_TRUE(wait_for_query(dns)) << "the first lookup never reached the DNS server";
  const auto started = clock_type::now();
  client.send(resolve_frame(2, 4, "localhost"));
  client.send(connect_frame(3, "localhost", peer.port()));
  std::map<std::uint32_t, bytes> answers;  // request or stream → its RESOLVED or CONNECTED
  while (answers.size() < 2) {
    const auto f = client.next();
    ASSERT_TRUE(f) << "no answer within the wait limit";
    ASSERT_NE(u32_at(*f, 1), 1u) << "the hanging lookup ended first: the others waited for it";
    if ((*f)[0] == 0x82 || (*f)[0] == 0x80 || (*f)[0] == 0x04) answers[u32_at(*f, 1)] = *f;
  }
  const auto took = clock_type::now() - started;
  EXPECT_EQ(answers[2][0], 0x82);
  EXPECT_EQ(answers[2][5], 0) << "RESOLVED status";
  EXPECT_EQ(answers[3][0], 0x80) << "CONNECTED, not CLOSE";
  EXPECT_LT(took, std::chrono::seconds(netns::resolver_give_up_seconds) / 2);
}

// With every lookup thread taken, the next lookup waits in the queue, and its
// deadline runs while it waits.
TEST(relay_fault, lookup_queued_behind_busy_lookup_threads_still_times_out) {
  if (!netns::resolver_redirected()) GTEST_SKIP() << "could not point resolv.conf at the test's DNS server";
  silent_dns_server dns;
  relay_process relay({"--dev", "--dns-threads", "1", "--dns-timeout", "1"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  client.send(resolve_frame(1, 0, "slow.example"));
  ASSERT_TRUE(wait_for_query(dns));
  const auto started = clock_type::now();
  client.send(resolve_frame(2, 4, "localhost"));
  std::optional<bytes> answer;
  while (!answer) {
    const auto f = client.next();
    ASSERT_TRUE(f) << "no answer within the wait limit";
    if ((*f)[0] == 0x82 && u32_at(*f, 1) == 2) answer = f;
  }
  const auto took = clock_type::now() - started;
  EXPECT_EQ((*answer)[5], close_connect_timeout) << "the only lookup thread was busy until glibc gave up";
  EXPECT_GE(took, 900ms);
  EXPECT_LT(took, std::chrono::seconds(netns::resolver_give_up_seconds) - 500ms);
}

// A stream waiting for its lookup already holds one of max_streams_total.
TEST(relay_fault, udp_stream_waiting_for_its_lookup_counts_against_max_streams_total) {
  if (!netns::resolver_redirected()) GTEST_SKIP() << "could not point resolv.conf at the test's DNS server";
  silent_dns_server dns;
  tcp_peer peer(false, echo);
  relay_process relay({"--dev", "--max-streams-total", "1", "--dns-timeout", "30"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(udp_connect_frame(1, "slow.example", 53));
  ASSERT_TRUE(wait_for_query(dns));
  client.send(connect_frame(2, "127.0.0.1", peer.port()));
  EXPECT_EQ(read_stream(client, 2, 1).second, 0x49) << "CLOSE throttled";
}

// --- what the peer does ---

TEST(relay_fault, peer_reset_after_data_delivers_the_data_then_closes_with_connection_reset) {
  relay_process relay({"--dev"});
  std::promise<void> data_seen;
  auto reset_now = data_seen.get_future();
  tcp_peer peer(false, [&reset_now](int fd) {
    if (write(fd, "before reset", 12) != 12) return;
    reset_now.wait();
    const linger abortive{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);  // close() now sends RST
  });
  tcp_peer bystander(false, echo);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  open_loopback_stream(client, 2, bystander.port());
  open_loopback_stream(client, 1, peer.port());  // last: its data may follow the confirmation at once
  EXPECT_EQ(read_stream(client, 1, 12).first, "before reset");
  data_seen.set_value();
  EXPECT_EQ(read_stream(client, 1, 1).second, close_connection_reset);
  client.send(data_frame(2, "still up"));
  EXPECT_EQ(read_stream(client, 2, 8).first, "still up");
}

TEST(relay_fault, peer_reset_is_a_network_error_for_plain_wisp_clients) {
  relay_process relay({"--dev"});
  tcp_peer peer(false, [](int fd) {
    const linger abortive{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
    char byte;
    if (read(fd, &byte, 1) != 1) return;  // resets once the client has spoken
  });
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(false);
  open_loopback_stream(client, 1, peer.port());
  client.send(data_frame(1, "x"));
  EXPECT_EQ(read_stream(client, 1, 1).second, close_network_error);
}

TEST(relay_fault, peer_half_close_delivers_the_data_then_shutdown_and_the_client_may_still_send) {
  relay_process relay({"--dev"});
  std::promise<std::string> after_fin;
  tcp_peer peer(false, [&after_fin](int fd) {
    if (write(fd, "last words", 10) != 10) return;
    shutdown(fd, SHUT_WR);
    std::string heard;
    char buffer[256];
    for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) heard.append(buffer, static_cast<std::size_t>(n));
    after_fin.set_value(heard);
  });
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  open_loopback_stream(client, 1, peer.port());
  std::string data;
  bool shut = false;
  while (!shut) {
    const auto f = client.next();
    ASSERT_TRUE(f) << "no SHUTDOWN after " << data.size() << " bytes";
    ASSERT_NE((*f)[0], 0x04) << "the stream closed instead of half-closing";
    if ((*f)[0] == 0x02) data.append(f->begin() + 5, f->end());
    shut = (*f)[0] == packet_shutdown && u32_at(*f, 1) == 1;
  }
  EXPECT_EQ(data, "last words") << "all data before the SHUTDOWN";
  client.send(data_frame(1, "answer after your FIN"));
  client.send(frame(packet_shutdown, 1));
  auto heard = after_fin.get_future();
  ASSERT_EQ(heard.wait_for(wait_limit), std::future_status::ready);
  EXPECT_EQ(heard.get(), "answer after your FIN");
  EXPECT_EQ(read_stream(client, 1, 1).second, close_voluntary) << "both directions shut: the stream ends";
}

TEST(relay_fault, peer_half_close_ends_the_stream_for_plain_wisp_clients_after_the_data) {
  relay_process relay({"--dev"});
  tcp_peer peer(false, [](int fd) {
    if (write(fd, "last words", 10) != 10) return;
    shutdown(fd, SHUT_WR);
    char buffer[256];
    while (read(fd, buffer, sizeof buffer) > 0) {
    }
  });
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(false);
  open_loopback_stream(client, 1, peer.port());
  const auto [data, reason] = read_stream(client, 1, 11);
  EXPECT_EQ(data, "last words");
  EXPECT_EQ(reason, close_voluntary);
}

}  // namespace
