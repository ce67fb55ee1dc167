// WebSocket and Wisp abuse against the real relay: oversized and endlessly
// fragmented messages, a handshake sent one byte at a time, invalid WebSocket
// frames, unknown packets, packets for streams that do not exist, reused
// stream ids, too many sessions and streams. Each must end exactly the one
// stream or session at fault, with its reason, while a bystander session on
// the same relay keeps moving bytes.
//
// Loopback targets only (--dev), so these run without a network namespace.
#include <map>

#include "relay_harness.hpp"

namespace {

using namespace std::chrono_literals;
using namespace relay_harness;
using clock_type = std::chrono::steady_clock;

constexpr std::uint8_t close_invalid_info = 0x41;
constexpr std::uint8_t close_transfer_timeout = 0x47;
constexpr std::uint8_t close_throttled = 0x49;

// WebSocket opcodes and close codes (RFC 6455).
constexpr std::uint8_t op_continuation = 0x0;
constexpr std::uint8_t op_text = 0x1;
constexpr std::uint8_t op_binary = 0x2;
constexpr std::uint8_t op_close = 0x8;
constexpr std::uint8_t op_ping = 0x9;
constexpr int close_protocol_error = 1002;
constexpr int close_policy_violation = 1008;
constexpr int close_message_too_big = 1009;

// A WebSocket client written for misbehaving: raw frames on a TCP socket,
// any opcode, fragmentation, flags and masking the test asks for.
class raw_websocket {
 public:
  explicit raw_websocket(std::uint16_t port) : fd_(tcp_connect_loopback(port)) {
    if (fd_ < 0) throw std::runtime_error("raw_websocket: connect");
    const std::string request =
        "GET /wisp/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Protocol: wisp-v2\r\n\r\n";
    send_raw(request);
    std::string response;
    while (response.find("\r\n\r\n") == std::string::npos) {
      std::uint8_t byte;
      if (!read_exact(&byte, 1)) throw std::runtime_error("raw_websocket: no handshake response");
      response.push_back(static_cast<char>(byte));
    }
    if (response.rfind("HTTP/1.1 101", 0) != 0) throw std::runtime_error("raw_websocket: " + response);
  }
  ~raw_websocket() { close(fd_); }

  // One frame, masked as a client must (unless told otherwise). False once the relay stopped reading.
  bool send_frame(std::uint8_t opcode, bool fin, const bytes& payload, std::uint8_t rsv = 0, bool masked = true) {
    bytes out = {static_cast<std::uint8_t>((fin ? 0x80 : 0) | rsv << 4 | opcode)};
    const std::uint8_t mask_bit = masked ? 0x80 : 0;
    if (payload.size() < 126) {
      out.push_back(static_cast<std::uint8_t>(mask_bit | payload.size()));
    } else if (payload.size() < 65536) {
      out.push_back(mask_bit | 126);
      out.push_back(static_cast<std::uint8_t>(payload.size() >> 8));
      out.push_back(static_cast<std::uint8_t>(payload.size()));
    } else {
      out.push_back(mask_bit | 127);
      for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(payload.size() >> shift));
    }
    const std::uint8_t key[4] = {0x12, 0x34, 0x56, 0x78};
    if (masked) out.insert(out.end(), key, key + 4);
    for (std::size_t i = 0; i < payload.size(); ++i)
      out.push_back(masked ? static_cast<std::uint8_t>(payload[i] ^ key[i % 4]) : payload[i]);
    return send_raw(std::string(out.begin(), out.end()));
  }

  // The next frame from the relay (opcode, payload), or nothing on EOF or timeout.
  std::optional<std::pair<std::uint8_t, bytes>> next_frame() {
    std::uint8_t head[2];
    if (!read_exact(head, 2)) return std::nullopt;
    std::uint64_t size = head[1] & 0x7f;
    const int extended = size == 126 ? 2 : size == 127 ? 8 : 0;
    if (extended) {
      std::uint8_t length[8];
      if (!read_exact(length, static_cast<std::size_t>(extended))) return std::nullopt;
      size = 0;
      for (int i = 0; i < extended; ++i) size = size << 8 | length[i];
    }
    bytes payload(size);
    if (!read_exact(payload.data(), payload.size())) return std::nullopt;
    return std::make_pair(static_cast<std::uint8_t>(head[0] & 0x0f), std::move(payload));
  }

  // Reads until the relay's WebSocket close frame and answers it, as RFC 6455
  // asks; its status code, or -1 if none came.
  int close_code() {
    while (auto f = next_frame()) {
      if (f->first != op_close) continue;
      send_frame(op_close, true, f->second);
      return f->second.size() >= 2 ? f->second[0] << 8 | f->second[1] : 0;
    }
    return -1;
  }

  // True if something (or EOF) is there to read within limit.
  bool readable_within(std::chrono::milliseconds limit) {
    pollfd p{fd_, POLLIN, 0};
    return poll(&p, 1, static_cast<int>(limit.count())) > 0;
  }

  // The Wisp handshake of a v2 client without extensions.
  void handshake_v2() {
    const auto info = next_frame();
    ASSERT_TRUE(info && info->second[0] == 0x05);
    send_frame(op_binary, true, frame(0x05, 0, {2, 0, 0x05, 0, 0, 0, 0}));
    const auto ready = next_frame();
    ASSERT_TRUE(ready && ready->second[0] == 0x03);
  }

  // True if the relay ends the TCP connection within limit.
  bool closed_within(std::chrono::milliseconds limit) {
    std::string ignored;
    return drain(fd_, ignored, clock_type::now() + limit);
  }

 private:
  bool send_raw(const std::string& data) {
    return ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
  }
  bool read_exact(std::uint8_t* out, std::size_t size) {
    for (std::size_t got = 0; got < size;) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(std::chrono::milliseconds(wait_limit).count())) <= 0) return false;
      const auto n = read(fd_, out + got, size - got);
      if (n <= 0) return false;
      got += static_cast<std::size_t>(n);
    }
    return true;
  }
  int fd_;
};

// A second session on the same relay with an open stream to its own echo
// peer: the proof that an abusive session hurt nobody else.
class bystander {
 public:
  explicit bystander(std::uint16_t relay_port) : peer_(false, echo), client_(relay_port, "wisp-v2") {
    client_.handshake_v2();
    client_.send(connect_frame(1, "127.0.0.1", peer_.port()));
    const auto confirmed = client_.next();
    if (!confirmed || (*confirmed)[0] != 0x03) throw std::runtime_error("bystander: stream not confirmed");
  }
  // True if a message still makes the round trip.
  bool still_served() {
    client_.send(data_frame(1, "still served"));
    return read_stream(client_, 1, 12).first == "still served";
  }

 private:
  tcp_peer peer_;
  wisp_client client_;
};

// The relay's Wisp CLOSE on stream 0 (the session), as a raw frame payload: its reason, or -1.
int session_close_reason(const std::optional<std::pair<std::uint8_t, bytes>>& f) {
  if (!f || f->first != op_binary || f->second.size() != 6 || f->second[0] != 0x04 || u32_at(f->second, 1) != 0)
    return -1;
  return f->second[5];
}

// --- message size and fragmentation ---

TEST(relay_abuse, oversized_message_closes_that_session_with_message_too_big) {
  relay_process relay({"--dev", "--max-message-bytes", "4096"});
  bystander other(relay.port());
  raw_websocket abuser(relay.port());
  abuser.handshake_v2();
  abuser.send_frame(op_binary, true, data_frame(1, std::string(5000, 'x')));
  EXPECT_EQ(abuser.close_code(), close_message_too_big);
  EXPECT_TRUE(abuser.closed_within(2s));
  EXPECT_TRUE(other.still_served());
}

TEST(relay_abuse, fragment_flood_counts_toward_the_message_limit) {
  relay_process relay({"--dev", "--max-message-bytes", "4096"});
  bystander other(relay.port());
  raw_websocket abuser(relay.port());
  abuser.handshake_v2();
  abuser.send_frame(op_binary, false, frame(0x02, 1));
  // One-byte continuation frames until the relay stops reading (it closes at 4 KiB).
  for (int i = 0; i < 8192 && abuser.send_frame(op_continuation, false, {'x'}); ++i) {
  }
  EXPECT_EQ(abuser.close_code(), close_message_too_big);
  EXPECT_TRUE(other.still_served());
}

TEST(relay_abuse, packet_split_into_hundreds_of_fragments_arrives_whole) {
  relay_process relay({"--dev"});
  tcp_peer peer(false, echo);
  raw_websocket client(relay.port());
  client.handshake_v2();
  client.send_frame(op_binary, true, connect_frame(1, "127.0.0.1", peer.port()));
  const auto confirmed = client.next_frame();
  ASSERT_TRUE(confirmed && confirmed->second[0] == 0x03);
  const std::string text(300, 'f');
  const auto packet = data_frame(1, text);
  client.send_frame(op_binary, false, {packet.front()});
  for (std::size_t i = 1; i < packet.size(); ++i)
    client.send_frame(op_continuation, i + 1 == packet.size(), {packet[i]});
  std::string echoed;
  while (echoed.size() < text.size()) {
    const auto f = client.next_frame();
    ASSERT_TRUE(f) << "echo stopped after " << echoed.size() << " bytes";
    if (f->second[0] == 0x02) echoed.append(f->second.begin() + 5, f->second.end());
  }
  EXPECT_EQ(echoed, text);
}

// Empty continuation frames never complete a message and never grow it: they
// must not count as activity that keeps a session without streams open, and
// a client that floods on without answering the close is dropped after the
// (close) handshake timeout.
TEST(relay_abuse, endless_empty_fragments_do_not_keep_an_idle_session_open) {
  relay_process relay({"--dev", "--session-idle-timeout", "1", "--handshake-timeout", "1"});
  bystander other(relay.port());
  raw_websocket abuser(relay.port());
  abuser.handshake_v2();
  const auto started = clock_type::now();
  abuser.send_frame(op_binary, false, {});
  while (clock_type::now() - started < 5s && !abuser.readable_within(10ms))
    abuser.send_frame(op_continuation, false, {});
  const auto closing = abuser.next_frame();
  const auto took = clock_type::now() - started;
  EXPECT_EQ(session_close_reason(closing), close_transfer_timeout) << "the flood kept the session open";
  EXPECT_GE(took, 900ms);
  EXPECT_LT(took, 3s);
  while (clock_type::now() - started < 8s && abuser.send_frame(op_continuation, false, {}) &&
         !abuser.closed_within(10ms)) {
  }
  EXPECT_LT(clock_type::now() - started, took + 2500ms) << "the relay waited for a close reply that never came";
  EXPECT_TRUE(other.still_served());
}

// --- the HTTP handshake ---

TEST(relay_abuse, upgrade_request_sent_one_byte_per_second_is_cut_off_by_the_handshake_timeout) {
  relay_process relay({"--dev", "--handshake-timeout", "2"});
  bystander other(relay.port());
  const int fd = tcp_connect_loopback(relay.port());
  ASSERT_GE(fd, 0);
  const std::string request =
      "GET /wisp/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
  const auto started = clock_type::now();
  std::size_t sent = 0;
  bool closed = false;
  while (!closed && sent < request.size()) {
    if (::send(fd, &request[sent], 1, MSG_NOSIGNAL) != 1) break;
    ++sent;
    std::string ignored;
    closed = drain(fd, ignored, clock_type::now() + 1s);  // one byte per second, unless the relay hangs up
  }
  const auto took = clock_type::now() - started;
  close(fd);
  EXPECT_LT(sent, request.size()) << "the trickle outlived the handshake timeout";
  EXPECT_GE(took, 1900ms);
  EXPECT_LT(took, 4s);
  EXPECT_TRUE(other.still_served());
}

// --- invalid WebSocket frames ---

struct invalid_frame {
  const char* what;
  std::uint8_t opcode;
  bool fin;
  std::size_t size;
  std::uint8_t rsv;
  bool masked;
};

TEST(relay_abuse, invalid_websocket_frames_close_that_session_with_protocol_error) {
  const invalid_frame cases[] = {
      {"reserved data opcode 0x3", 0x3, true, 4, 0, true},
      {"reserved control opcode 0xb", 0xb, true, 0, 0, true},
      {"RSV1 set without an extension", op_binary, true, 5, 0x4, true},
      {"RSV3 set", op_binary, true, 5, 0x1, true},
      {"unmasked client frame", op_binary, true, 5, 0, false},
      {"fragmented ping", op_ping, false, 0, 0, true},
      {"ping longer than 125 bytes", op_ping, true, 126, 0, true},
      {"continuation with nothing to continue", op_continuation, true, 5, 0, true},
  };
  relay_process relay({"--dev"});
  bystander other(relay.port());
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    raw_websocket abuser(relay.port());
    abuser.handshake_v2();
    abuser.send_frame(c.opcode, c.fin, bytes(c.size, 0x02), c.rsv, c.masked);
    EXPECT_EQ(abuser.close_code(), close_protocol_error);
    EXPECT_TRUE(abuser.closed_within(2s));
  }
  EXPECT_TRUE(other.still_served());
}

TEST(relay_abuse, text_message_closes_that_session_with_invalid_info) {
  relay_process relay({"--dev"});
  bystander other(relay.port());
  raw_websocket abuser(relay.port());
  abuser.handshake_v2();
  abuser.send_frame(op_text, true, {'h', 'i', '!', '!', '!'});
  EXPECT_EQ(session_close_reason(abuser.next_frame()), close_invalid_info);
  EXPECT_EQ(abuser.close_code(), close_policy_violation);
  EXPECT_TRUE(other.still_served());
}

// --- Wisp packets that make no sense ---

TEST(relay_abuse, unknown_packet_types_close_that_session_with_invalid_info) {
  relay_process relay({"--dev"});
  bystander other(relay.port());
  for (const std::uint8_t type : {0x00, 0x06, 0x7f, 0x86, 0xff}) {
    SCOPED_TRACE(static_cast<int>(type));
    raw_websocket abuser(relay.port());
    abuser.handshake_v2();
    abuser.send_frame(op_binary, true, frame(type, 1, {1, 2, 3}));
    EXPECT_EQ(session_close_reason(abuser.next_frame()), close_invalid_info);
    EXPECT_EQ(abuser.close_code(), close_policy_violation);
    EXPECT_TRUE(abuser.closed_within(2s));
  }
  EXPECT_TRUE(other.still_served());
}

TEST(relay_abuse, relay_only_packets_from_a_client_close_that_session_with_invalid_info) {
  relay_process relay({"--dev"});
  bystander other(relay.port());
  // CONNECTED, RESOLVED and ACCEPTED only ever travel relay → client.
  const bytes relay_only[] = {frame(0x80, 1, bytes(14, 0)), frame(0x82, 1, {0, 0}), frame(0x84, 1, bytes(18, 0))};
  for (const auto& packet : relay_only) {
    SCOPED_TRACE(static_cast<int>(packet[0]));
    wisp_client abuser(relay.port(), "wisp-v2");
    abuser.handshake_v2(true);
    abuser.send(packet);
    const auto close = abuser.next();
    ASSERT_TRUE(close);
    EXPECT_EQ((*close)[0], 0x04);
    EXPECT_EQ(u32_at(*close, 1), 0u);
    EXPECT_EQ((*close)[5], close_invalid_info);
    EXPECT_TRUE(abuser.wait_closed());
  }
  EXPECT_TRUE(other.still_served());
}

TEST(relay_abuse, shutdown_with_a_payload_closes_that_session_with_invalid_info) {
  relay_process relay({"--dev"});
  bystander other(relay.port());
  tcp_peer peer(false, echo);
  wisp_client abuser(relay.port(), "wisp-v2");
  abuser.handshake_v2(true);
  abuser.send(connect_frame(1, "127.0.0.1", peer.port()));
  ASSERT_TRUE(abuser.next());  // CONNECTED
  abuser.send(frame(0x85, 1, {0x01}));
  std::optional<bytes> close;
  while ((close = abuser.next()) && ((*close)[0] != 0x04 || u32_at(*close, 1) != 0)) {
  }
  ASSERT_TRUE(close) << "the session was not closed";
  EXPECT_EQ((*close)[5], close_invalid_info);
  EXPECT_TRUE(abuser.wait_closed());
  EXPECT_TRUE(other.still_served());
}

TEST(relay_abuse, data_and_close_for_streams_that_are_gone_or_never_were_are_ignored) {
  // 127.0.0.2 is denied by the list: a refusal without naming an address beyond loopback.
  relay_process relay({"--dev", "--deny", "127.0.0.2/32"});
  tcp_peer first(false, echo), second(false, echo);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(connect_frame(1, "127.0.0.1", first.port()));
  ASSERT_TRUE(client.next());
  client.send(frame(0x04, 1, {0x02}));           // the client closes stream 1 …
  client.send(data_frame(1, "after my close"));  // … and still sends on it
  client.send(data_frame(77, "never opened"));
  client.send(frame(0x04, 78, {0x02}));
  client.send(connect_frame(2, "127.0.0.2", 80));  // refused by policy
  EXPECT_EQ(read_stream(client, 2, 1).second, 0x48);
  client.send(data_frame(2, "after the refusal"));
  client.send(connect_frame(3, "127.0.0.1", second.port()));
  const auto confirmed = client.next();
  ASSERT_TRUE(confirmed) << "the session died";
  EXPECT_EQ((*confirmed)[0], 0x03);
  EXPECT_EQ(u32_at(*confirmed, 1), 3u) << "no reply to any of the stray packets";
  client.send(data_frame(3, "alive"));
  EXPECT_EQ(read_stream(client, 3, 5).first, "alive");
}

// A reused id is refused, and the stream that had it is closed too: after
// CLOSE(id) the client and the relay must agree that the id is free.
TEST(relay_abuse, connect_reusing_a_live_stream_id_closes_that_stream_only) {
  relay_process relay({"--dev"});
  std::promise<void> target_closed;
  tcp_peer target(false, [&target_closed](int fd) {
    echo(fd);
    target_closed.set_value();
  });
  tcp_peer other_target(false, echo);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(connect_frame(1, "127.0.0.1", target.port()));
  ASSERT_TRUE(client.next());
  client.send(connect_frame(2, "127.0.0.1", other_target.port()));
  ASSERT_TRUE(client.next());
  client.send(connect_frame(1, "127.0.0.1", other_target.port()));
  EXPECT_EQ(read_stream(client, 1, 1).second, close_invalid_info);
  EXPECT_EQ(target_closed.get_future().wait_for(wait_limit), std::future_status::ready)
      << "the relay kept the connection of a stream it told the client was closed";
  client.send(data_frame(2, "unaffected"));
  EXPECT_EQ(read_stream(client, 2, 10).first, "unaffected");
}

// Every packet that opens a stream goes through one admission: an id of the
// relay's space (high bit) is refused on that stream, whichever packet names it.
TEST(relay_abuse, stream_opened_in_the_relays_id_space_is_refused_and_the_session_goes_on) {
  relay_process relay({"--dev"});
  tcp_peer target(false, echo);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  const std::uint32_t relay_id = 0x80000001u;
  const bytes opening[] = {connect_frame(relay_id, "127.0.0.1", target.port()),
                           frame(0x83, relay_id, {4, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0})};  // LISTEN 0.0.0.0:0
  for (const auto& packet : opening) {
    SCOPED_TRACE(static_cast<int>(packet[0]));
    client.send(packet);
    const auto close = client.next();
    ASSERT_TRUE(close);
    EXPECT_EQ((*close)[0], 0x04);
    EXPECT_EQ(u32_at(*close, 1), relay_id);
    EXPECT_EQ((*close)[5], close_invalid_info);
  }
  client.send(connect_frame(1, "127.0.0.1", target.port()));
  ASSERT_TRUE(client.next());
  client.send(data_frame(1, "still served"));
  EXPECT_EQ(read_stream(client, 1, 12).first, "still served");
}

// --- limits ---

TEST(relay_abuse, sessions_beyond_the_per_address_limit_are_refused_and_the_others_keep_working) {
  relay_process relay({"--dev", "--max-sessions-per-address", "2"});
  bystander first(relay.port());
  bystander second(relay.port());
  for (int i = 0; i < 3; ++i) {
    wisp_client refused(relay.port(), "wisp-v2");
    EXPECT_EQ(refused.refused_status(), 503);
  }
  EXPECT_TRUE(first.still_served());
  EXPECT_TRUE(second.still_served());
}

TEST(relay_abuse, streams_beyond_the_per_session_limit_are_throttled_and_the_open_ones_keep_working) {
  relay_process relay({"--dev", "--max-streams-per-session", "2"});
  tcp_peer a(false, echo), b(false, echo), c(false, echo);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(connect_frame(1, "127.0.0.1", a.port()));
  ASSERT_TRUE(client.next());
  client.send(connect_frame(2, "127.0.0.1", b.port()));
  ASSERT_TRUE(client.next());
  for (std::uint32_t id = 3; id < 8; ++id) {
    client.send(connect_frame(id, "127.0.0.1", c.port()));
    EXPECT_EQ(read_stream(client, id, 1).second, close_throttled) << id;
  }
  client.send(data_frame(1, "one"));
  EXPECT_EQ(read_stream(client, 1, 3).first, "one");
  client.send(frame(0x04, 2, {0x02}));  // a freed slot opens again
  client.send(connect_frame(8, "127.0.0.1", c.port()));
  const auto confirmed = client.next();
  ASSERT_TRUE(confirmed);
  EXPECT_EQ((*confirmed)[0], 0x03);
  EXPECT_EQ(u32_at(*confirmed, 1), 8u);
}

}  // namespace
