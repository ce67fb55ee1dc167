// UDP streams (Wisp CONNECT type 2) through the real relay to real UDP peers
// on 127.0.0.1 and ::1: datagram boundaries, policy, and ICMP errors.
#include "relay_harness.hpp"

namespace {

using namespace std::chrono_literals;
using namespace relay_harness;

constexpr std::uint8_t close_refused = 0x44;
constexpr std::uint8_t close_blocked = 0x48;

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

 private:
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

}  // namespace
