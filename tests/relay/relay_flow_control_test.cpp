// Relay→client byte windows (sockbridge extension) against the real relay
// binary: a client that asked for a window receives no more DATA than it
// granted, the relay stops reading the target meanwhile (so the real sender
// is held back by TCP and the relay's memory stays flat), and every byte
// arrives intact once the client grants more.
#include <atomic>
#include <fstream>

#include "relay_harness.hpp"

namespace {

using namespace std::chrono_literals;
using namespace relay_harness;

constexpr std::uint32_t window = 64 * 1024;

// Byte `offset` of the test stream: a prime period, so a lost, repeated or
// reordered piece shows.
std::uint8_t pattern(std::uint64_t offset) { return static_cast<std::uint8_t>(offset % 251); }

// A peer that writes `size` pattern bytes as fast as TCP lets it, counting
// what the kernel accepted, then closes.
class pattern_sender {
 public:
  explicit pattern_sender(std::size_t size)
      : peer_(false, [this, size](int fd) {
          const int small = 16 * 1024;  // its own buffer stays small: progress shows backpressure
          setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
          std::vector<std::uint8_t> chunk(64 * 1024);
          while (written_ < size) {
            const auto piece = std::min(chunk.size(), size - written_);
            for (std::size_t i = 0; i < piece; ++i) chunk[i] = pattern(written_ + i);
            const auto n = send(fd, chunk.data(), piece, MSG_NOSIGNAL);  // the relay may close first
            if (n <= 0) return;
            written_ += static_cast<std::size_t>(n);
          }
        }) {}
  std::uint16_t port() const { return peer_.port(); }
  std::size_t written() const { return written_; }

 private:
  std::atomic<std::size_t> written_{0};
  tcp_peer peer_;
};

// Resident memory of a process, in bytes (VmRSS).
std::size_t resident_bytes(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6)) * 1024;
  return 0;
}

// A v2 session asking for the sockbridge extension with a byte window per stream.
void handshake_with_window(wisp_client& client, std::uint32_t stream_window) {
  client.answer_info({info_record(0x05), window_record(stream_window)});
  auto ready = client.next();
  ASSERT_TRUE(ready && (*ready)[0] == 0x03 && u32_at(*ready, 1) == 0) << "no CONTINUE after our INFO";
}

// Opens TCP stream 1 to 127.0.0.1:port and waits for CONNECTED and the confirmation.
void open_stream(wisp_client& client, std::uint16_t port) {
  client.send(connect_frame(1, "127.0.0.1", port));
  auto connected = client.next();
  ASSERT_TRUE(connected && (*connected)[0] == 0x80);
  auto confirmed = client.next();
  ASSERT_TRUE(confirmed && (*confirmed)[0] == 0x03);
}

// Receives DATA on stream 1 until `until` bytes in all (or a quiet `patience`),
// checking the pattern and that no frame exceeds what was granted.
struct receiver {
  std::uint64_t received = 0;
  std::uint64_t granted = window;
  bool intact = true;
  int closed = 0;  // CLOSE reason, once one arrived

  void receive(wisp_client& client, std::uint64_t until, std::chrono::milliseconds patience = wait_limit) {
    while (received < until && closed == 0) {
      auto f = client.next(patience);
      if (!f) return;
      if ((*f)[0] == 0x04 && u32_at(*f, 1) == 1) closed = (*f)[5];
      if ((*f)[0] != 0x02 || u32_at(*f, 1) != 1) continue;
      for (std::size_t i = 5; i < f->size(); ++i) intact = intact && (*f)[i] == pattern(received + i - 5);
      received += f->size() - 5;
      ASSERT_LE(received, granted) << "the relay sent past the window";
    }
  }
};

TEST(relay_flow_control, relay_sends_no_more_than_the_window_and_the_real_sender_waits) {
  constexpr std::size_t total = 32 * 1024 * 1024;
  relay_process relay({"--dev"});
  pattern_sender peer(total);
  wisp_client client(relay.port(), "wisp-v2");
  handshake_with_window(client, window);
  const auto memory_before = resident_bytes(relay.pid());
  open_stream(client, peer.port());

  receiver r;
  r.receive(client, window);
  EXPECT_EQ(r.received, window) << "the whole first window arrives";
  // The client grants nothing: nothing more may come, however much the peer has.
  r.receive(client, window + 1, 700ms);
  EXPECT_EQ(r.received, window);
  const auto held_back = peer.written();
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(peer.written(), held_back) << "the peer should be stalled by TCP backpressure";
  EXPECT_LT(held_back, total);
  const auto memory_after = resident_bytes(relay.pid());
  const auto memory_growth = memory_after > memory_before ? memory_after - memory_before : 0;
  EXPECT_LT(memory_growth, 8u * 1024 * 1024) << "the relay buffered what the window held back";

  // Grant back what was read, half a window at a time (as the host kernel does): everything arrives intact.
  while (r.received < total && r.closed == 0 && !::testing::Test::HasFailure()) {
    const auto increment = static_cast<std::uint32_t>(window / 2);
    if (r.granted - r.received <= window / 2) {
      client.send(window_update_frame(1, increment));
      r.granted += increment;
    }
    r.receive(client, std::min<std::uint64_t>(r.granted, total));
  }
  EXPECT_EQ(r.received, total);
  EXPECT_TRUE(r.intact) << "bytes were lost, repeated or reordered";
}

TEST(relay_flow_control, end_of_stream_waits_behind_the_data_the_window_held_back) {
  constexpr std::size_t total = 100 * 1024;
  relay_process relay({"--dev"});
  pattern_sender peer(total);  // sends, then closes
  wisp_client client(relay.port(), "wisp-v2");
  handshake_with_window(client, window);
  open_stream(client, peer.port());
  receiver r;
  r.receive(client, total, 700ms);
  EXPECT_EQ(r.received, window);
  EXPECT_EQ(r.closed, 0) << "the end of the stream came before its data";

  client.send(window_update_frame(1, window));
  r.granted += window;
  r.receive(client, total);
  EXPECT_EQ(r.received, total);
  EXPECT_TRUE(r.intact);
  // Then the peer's FIN: SHUTDOWN (the stream stays open for our sending).
  auto fin = client.next();
  ASSERT_TRUE(fin);
  EXPECT_EQ((*fin)[0], 0x85);
}

TEST(relay_flow_control, inbound_streams_of_a_guest_listener_are_windowed_too) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "wisp-v2");
  handshake_with_window(client, window);
  client.send(frame(0x83, 5, {4, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0}));  // LISTEN 0.0.0.0:0, backlog 8
  auto listening = client.next();
  ASSERT_TRUE(listening && (*listening)[0] == 0x80);
  const auto port = static_cast<std::uint16_t>((*listening)[6] | (*listening)[7] << 8);

  const int fd = tcp_connect_loopback(port);
  ASSERT_GE(fd, 0);
  auto accepted = client.next();
  ASSERT_TRUE(accepted && (*accepted)[0] == 0x84);
  const auto stream = u32_at(*accepted, 5);
  std::thread writer([fd] {
    const std::string megabyte(1024 * 1024, 'i');
    (void)!send(fd, megabyte.data(), megabyte.size(), MSG_NOSIGNAL);
  });
  std::size_t received = 0;
  while (auto f = client.next(700ms))
    if ((*f)[0] == 0x02 && u32_at(*f, 1) == stream) received += f->size() - 5;
  EXPECT_EQ(received, window);
  shutdown(fd, SHUT_RDWR);
  writer.join();
  close(fd);
}

TEST(relay_flow_control, window_update_without_a_negotiated_window_closes_the_session) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);  // sockbridge, but no window asked for
  client.send(window_update_frame(1, 4096));
  auto close = client.next();
  ASSERT_TRUE(close);
  EXPECT_EQ((*close)[0], 0x04);
  EXPECT_EQ(u32_at(*close, 1), 0u);
  EXPECT_EQ((*close)[5], 0x41);
}

TEST(relay_flow_control, a_zero_window_request_is_refused_as_invalid) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "wisp-v2");
  client.answer_info({info_record(0x53, {0, 0, 0, 0})});
  auto close = client.next();
  ASSERT_TRUE(close);
  EXPECT_EQ((*close)[0], 0x04);
  EXPECT_EQ((*close)[5], 0x41);
}

}  // namespace
