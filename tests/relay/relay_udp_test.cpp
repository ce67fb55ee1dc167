// UDP streams (Wisp CONNECT type 2) through the real relay to real UDP peers
// on 127.0.0.1 and ::1: datagram boundaries, policy, and ICMP errors; and
// bound UDP sockets (sockbridge UDP_BIND / DATAGRAM): one relay port talking
// to several peers, each datagram with its address, policy per datagram.
#include "relay_harness.hpp"

#include <atomic>

namespace {

using namespace std::chrono_literals;
using namespace relay_harness;

constexpr std::uint8_t close_refused = 0x44;
constexpr std::uint8_t close_blocked = 0x48;
constexpr std::uint8_t close_invalid_info = 0x41;
constexpr std::uint8_t close_address_in_use = 0x90;

// A UDP socket on loopback that answers every datagram with "echo:" + datagram.
class udp_echo_peer {
 public:
  explicit udp_echo_peer(bool ipv6) {
    fd_ = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
    sockaddr_storage storage{};
    if (bind(fd_, reinterpret_cast<sockaddr*>(&storage), loopback_address(ipv6, 0, storage)) != 0)
      throw std::runtime_error("udp bind");
    port_ = bound_port(fd_);
    thread_ = std::thread([this] {
      char buffer[65536];
      for (;;) {
        sockaddr_storage from{};
        socklen_t from_length = sizeof from;
        const auto n = recvfrom(fd_, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &from_length);
        if (n <= 0) return;
        ++received_;
        const std::string reply = "echo:" + std::string(buffer, static_cast<std::size_t>(n));
        sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), from_length);
      }
    });
  }
  ~udp_echo_peer() {
    shutdown(fd_, SHUT_RDWR);  // wakes the blocked recvfrom
    thread_.join();
    close(fd_);
  }
  std::uint16_t port() const { return port_; }
  int received() const { return received_; }

 private:
  std::atomic<int> received_ = 0;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

// The payloads of the next n DATA frames on stream (fewer if something else or nothing arrives).
std::vector<std::string> datagrams(wisp_client& client, std::uint32_t stream, std::size_t n) {
  std::vector<std::string> out;
  while (out.size() < n) {
    auto f = client.next();
    if (!f || (*f)[0] == 0x04) break;
    if ((*f)[0] == 0x02 && u32_at(*f, 1) == stream) out.emplace_back(f->begin() + 5, f->end());
  }
  return out;
}

void expect_round_trip(bool ipv6) {
  relay_process relay({"--dev"});
  udp_echo_peer peer(ipv6);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(udp_connect_frame(1, ipv6 ? "::1" : "127.0.0.1", peer.port()));
  auto confirmed = client.next();
  ASSERT_TRUE(confirmed);
  EXPECT_EQ((*confirmed)[0], 0x03) << "stream-open confirmation";
  client.send(data_frame(1, "first"));
  client.send(data_frame(1, "second datagram"));
  const auto replies = datagrams(client, 1, 2);
  EXPECT_EQ(replies, (std::vector<std::string>{"echo:first", "echo:second datagram"}));
}

TEST(relay_udp, datagrams_keep_their_boundaries_over_ipv4) { expect_round_trip(false); }

TEST(relay_udp, datagrams_keep_their_boundaries_over_ipv6) { expect_round_trip(true); }

TEST(relay_udp, datagrams_sent_before_confirmation_are_not_lost) {
  relay_process relay({"--dev"});
  udp_echo_peer peer(false);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(udp_connect_frame(1, "localhost", peer.port()));
  client.send(data_frame(1, "early"));
  EXPECT_EQ(datagrams(client, 1, 1), std::vector<std::string>{"echo:early"});
}

TEST(relay_udp, loopback_udp_target_is_blocked_by_default) {
  relay_process relay({});
  udp_echo_peer peer(false);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(udp_connect_frame(1, "127.0.0.1", peer.port()));
  EXPECT_EQ(read_stream(client, 1, 1).second, close_blocked);
}

TEST(relay_udp, closed_udp_port_closes_the_stream_with_refused) {
  relay_process relay({"--dev"});
  const auto port = [] {
    udp_echo_peer gone(false);
    return gone.port();
  }();
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(udp_connect_frame(1, "127.0.0.1", port));
  ASSERT_TRUE(client.next());  // confirmation: a UDP socket opens without a packet
  client.send(data_frame(1, "anyone there?"));
  EXPECT_EQ(read_stream(client, 1, 1).second, close_refused);
}

// --- bound UDP sockets (UDP_BIND 0x87, DATAGRAM 0x88) ---

// An endpoint on the wire: family, port (little-endian), loopback address.
bytes loopback_endpoint(bool ipv6, std::uint16_t port) {
  bytes out{static_cast<std::uint8_t>(ipv6 ? 6 : 4), static_cast<std::uint8_t>(port),
            static_cast<std::uint8_t>(port >> 8)};
  if (ipv6) {
    out.insert(out.end(), 15, 0);
    out.push_back(1);
  } else {
    out.insert(out.end(), {127, 0, 0, 1});
  }
  return out;
}

bytes udp_bind_frame(std::uint32_t stream, bool ipv6, std::uint16_t port) {
  bytes address{static_cast<std::uint8_t>(ipv6 ? 6 : 4), static_cast<std::uint8_t>(port),
                static_cast<std::uint8_t>(port >> 8)};
  address.insert(address.end(), ipv6 ? 16 : 4, 0);  // the unspecified address: the relay picks the interface
  return frame(0x87, stream, address);
}

bytes datagram_frame(std::uint32_t stream, bool ipv6, std::uint16_t port, const std::string& text) {
  auto payload = loopback_endpoint(ipv6, port);
  payload.insert(payload.end(), text.begin(), text.end());
  return frame(0x88, stream, payload);
}

struct received_datagram {
  std::uint16_t port = 0;  // the sender's
  std::string text;
};

// The next n DATAGRAMs on stream (fewer if a CLOSE or nothing arrives), each with its sender's port.
std::vector<received_datagram> addressed_datagrams(wisp_client& client, std::uint32_t stream, std::size_t n,
                                                   std::chrono::milliseconds limit = wait_limit) {
  std::vector<received_datagram> out;
  while (out.size() < n) {
    auto f = client.next(limit);
    if (!f || ((*f)[0] == 0x04 && u32_at(*f, 1) == stream)) break;
    if ((*f)[0] != 0x88 || u32_at(*f, 1) != stream) continue;
    const std::size_t address_bytes = (*f)[5] == 6 ? 16 : 4;
    out.push_back({static_cast<std::uint16_t>((*f)[6] | (*f)[7] << 8),
                   std::string(f->begin() + 8 + static_cast<std::ptrdiff_t>(address_bytes), f->end())});
  }
  return out;
}

// Sends UDP_BIND and returns the relay port from its CONNECTED (0 if it refused).
std::uint16_t bind_relay_port(wisp_client& client, std::uint32_t stream, bool ipv6, std::uint16_t port = 0) {
  client.send(udp_bind_frame(stream, ipv6, port));
  auto bound = client.next();
  if (!bound || (*bound)[0] != 0x80 || u32_at(*bound, 1) != stream) return 0;
  EXPECT_EQ((*bound)[5], ipv6 ? 6 : 4) << "the local address has the socket's family";
  auto confirmed = client.next();
  EXPECT_TRUE(confirmed && (*confirmed)[0] == 0x03) << "then the open confirmation";
  return static_cast<std::uint16_t>((*bound)[6] | (*bound)[7] << 8);
}

// Sends text from the UDP socket fd to 127.0.0.1:port (a relay's bound port, from outside).
void send_to_loopback(int fd, std::uint16_t port, const std::string& text) {
  sockaddr_storage target{};
  const auto length = loopback_address(false, port, target);
  ASSERT_EQ(sendto(fd, text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&target), length),
            static_cast<ssize_t>(text.size()));
}

void expect_one_port_for_two_peers(bool ipv6) {
  relay_process relay({"--dev"});
  udp_echo_peer first(ipv6);
  udp_echo_peer second(ipv6);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  ASSERT_NE(bind_relay_port(client, 1, ipv6), 0);
  client.send(datagram_frame(1, ipv6, first.port(), "to the first"));
  client.send(datagram_frame(1, ipv6, second.port(), "to the second"));
  const auto replies = addressed_datagrams(client, 1, 2);
  ASSERT_EQ(replies.size(), 2u);
  const auto reply_from = [&](std::uint16_t port) {
    for (const auto& reply : replies)
      if (reply.port == port) return reply.text;
    return std::string("(nothing from this port)");
  };
  EXPECT_EQ(reply_from(first.port()), "echo:to the first");
  EXPECT_EQ(reply_from(second.port()), "echo:to the second");
}

TEST(relay_udp, one_bound_port_talks_to_two_peers_over_ipv4) { expect_one_port_for_two_peers(false); }

TEST(relay_udp, one_bound_port_talks_to_two_peers_over_ipv6) { expect_one_port_for_two_peers(true); }

TEST(relay_udp, a_bound_port_hears_a_sender_the_guest_never_wrote_to) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  const auto port = bind_relay_port(client, 1, false);
  ASSERT_NE(port, 0);
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_storage self{};
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&self), loopback_address(false, 0, self)), 0);
  send_to_loopback(fd, port, "knock");
  const auto heard = addressed_datagrams(client, 1, 1);
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_EQ(heard[0].port, bound_port(fd));
  EXPECT_EQ(heard[0].text, "knock");
  close(fd);
}

// Without listening permission a bound port hears only the endpoints it sent to, as behind a NAT.
TEST(relay_udp, without_listening_a_bound_port_hears_only_endpoints_it_sent_to) {
  relay_process relay({"--allow", "127.0.0.0/8"});  // loopback reachable, guest listening still off
  udp_echo_peer peer(false);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  const auto port = bind_relay_port(client, 1, false);
  ASSERT_NE(port, 0);
  const int stranger = socket(AF_INET, SOCK_DGRAM, 0);
  send_to_loopback(stranger, port, "knock");
  EXPECT_TRUE(addressed_datagrams(client, 1, 1, 300ms).empty()) << "nobody asked this sender";
  EXPECT_EQ(denials(relay.port(), "unsolicited_datagram"), 1);
  client.send(datagram_frame(1, false, peer.port(), "asked"));
  const auto replies = addressed_datagrams(client, 1, 1);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].port, peer.port());
  EXPECT_EQ(replies[0].text, "echo:asked") << "an answer from an endpoint the port sent to";
  close(stranger);
}

TEST(relay_udp, default_policy_drops_datagrams_to_and_from_loopback_and_keeps_the_port) {
  relay_process relay({});
  udp_echo_peer peer(false);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  const auto port = bind_relay_port(client, 1, false);
  ASSERT_NE(port, 0) << "any port needs no permission";
  client.send(datagram_frame(1, false, peer.port(), "to loopback"));
  // A sender on loopback reaches the relay's port, but the relay must not pass it on.
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  send_to_loopback(fd, port, "from loopback");
  EXPECT_TRUE(addressed_datagrams(client, 1, 1, 500ms).empty()) << "nothing comes back, and no CLOSE";
  EXPECT_EQ(peer.received(), 0) << "the datagram never left the relay";
  EXPECT_EQ(denials(relay.port(), "loopback"), 2) << "one to, one from";
  client.send(datagram_frame(1, false, peer.port(), "again"));
  EXPECT_TRUE(addressed_datagrams(client, 1, 1, 300ms).empty());
  EXPECT_EQ(denials(relay.port(), "loopback"), 3) << "the stream is still open, still checking";
  close(fd);
}

TEST(relay_udp, binding_a_chosen_port_follows_the_listen_rules) {
  {
    relay_process relay({});
    wisp_client client(relay.port(), "wisp-v2");
    client.handshake_v2(true);
    client.send(udp_bind_frame(1, false, 20005));
    EXPECT_EQ(read_stream(client, 1, 1).second, close_blocked);
    EXPECT_EQ(denials(relay.port(), "listen_disabled"), 1);
  }
  relay_process relay({"--dev", "--listen-ports", "20000-20010"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  client.send(udp_bind_frame(1, false, 30000));
  EXPECT_EQ(read_stream(client, 1, 1).second, close_blocked);
  EXPECT_EQ(denials(relay.port(), "listen_port"), 1);
  udp_echo_peer taken(false);  // holds a port on 127.0.0.1, the relay's listen interface
  relay_process wide({"--dev"});
  wisp_client other(wide.port(), "wisp-v2");
  other.handshake_v2(true);
  other.send(udp_bind_frame(1, false, taken.port()));
  EXPECT_EQ(read_stream(other, 1, 1).second, close_address_in_use);
  const auto free_port = [] {
    udp_echo_peer gone(false);
    return gone.port();
  }();
  EXPECT_EQ(bind_relay_port(other, 2, false, free_port), free_port) << "a free port in range is bound as asked";
}

TEST(relay_udp, the_session_byte_rate_limits_datagrams_without_dropping_them) {
  relay_process relay({"--dev", "--session-bytes-per-second", "131072"});
  udp_echo_peer peer(false);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  ASSERT_NE(bind_relay_port(client, 1, false), 0);
  const std::string chunk(16 * 1024, 'u');
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 24; ++i) client.send(datagram_frame(1, false, peer.port(), chunk));
  const auto deadline = started + 15s;
  while (peer.received() < 24 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(peer.received(), 24) << "paced, not dropped";
  // One second of burst, then 128 KiB/s for 384 KiB up (and its echo down): not in under ~2 s.
  EXPECT_GE(std::chrono::steady_clock::now() - started, 1500ms);
}

TEST(relay_udp, datagram_on_a_stream_that_is_not_bound_ends_the_session) {
  relay_process relay({"--dev"});
  udp_echo_peer peer(false);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  client.send(udp_connect_frame(1, "127.0.0.1", peer.port()));
  ASSERT_TRUE(client.next());
  client.send(datagram_frame(1, false, peer.port(), "wrong kind"));
  EXPECT_EQ(read_stream(client, 0, 1).second, close_invalid_info);
}

TEST(relay_udp, udp_bind_without_the_extension_ends_the_session) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(false);
  client.send(udp_bind_frame(1, false, 0));
  EXPECT_EQ(read_stream(client, 0, 1).second, close_invalid_info);
}

}  // namespace
