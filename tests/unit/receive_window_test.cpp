// Relay→guest byte windows: the kernel asks for a window per TCP stream when
// the relay offers the feature, never lets a stream buffer more, grants back
// once half was read, and treats a relay that overruns a window as broken.
#include "kernel_harness.hpp"
#include "sockbridge/protocol/extensions.hpp"

namespace sb::host::testing {
namespace {

constexpr std::uint8_t windows_feature[] = {wisp::sockbridge_feature_stream_windows};
constexpr std::uint32_t window = stream_receive_window_bytes;
constexpr std::uint32_t chunk = 64 * 1024;

struct receive_window_test : kernel_harness {
  void SetUp() override {
    reply = handshake_v2_offering({{static_cast<std::uint8_t>(wisp::extension_id::stream_open_confirmation), {}},
                                   {static_cast<std::uint8_t>(wisp::extension_id::sockbridge), windows_feature}});
  }

  // The relay sends `bytes` on stream, in DATA packets of at most 64 KiB.
  void relay_sends(std::uint32_t stream, std::size_t bytes) {
    while (bytes > 0) {
      const auto piece = std::min<std::size_t>(bytes, chunk);
      relay_data(stream, std::string(piece, 'x'));
      bytes -= piece;
    }
  }

  // Reads `bytes` from fd in recv calls of at most `piece` bytes each.
  void guest_reads(std::int32_t fd, std::size_t bytes, std::uint32_t piece = chunk) {
    while (bytes > 0) {
      const auto want = static_cast<std::uint32_t>(std::min<std::size_t>(bytes, piece));
      ASSERT_EQ(k.sock_recv(fd, buffer_at, want, 0), static_cast<std::int32_t>(want));
      bytes -= want;
    }
  }

  // The increments of the WINDOW_UPDATE frames queued for stream, in order.
  std::vector<std::uint32_t> window_updates(std::uint32_t stream) {
    std::vector<std::uint32_t> increments;
    for (const auto& bytes : take_outgoing()) {
      wisp::frame frame;
      EXPECT_EQ(wisp::decode_frame(bytes, frame), wisp::decode_error::ok);
      if (frame.type != wisp::packet_type::window_update || frame.stream_id != stream) continue;
      std::uint32_t increment = 0;
      EXPECT_EQ(wisp::decode_window_update(frame.payload, increment), wisp::decode_error::ok);
      increments.push_back(increment);
    }
    return increments;
  }

  wisp::bytes reply;
};

TEST_F(receive_window_test, info_reply_asks_for_the_stream_window) {
  const auto info = decode_reply(reply);
  const auto* record = wisp::find_extension(info, wisp::extension_id::sockbridge);
  ASSERT_NE(record, nullptr);
  wisp::sockbridge_request request;
  ASSERT_EQ(wisp::decode_sockbridge_request(record->metadata, request), wisp::decode_error::ok);
  EXPECT_EQ(request.stream_window, window);
}

TEST_F(receive_window_test, a_guest_that_never_reads_buffers_at_most_one_window) {
  const auto fd = connected_socket();
  const auto stream = k.find(fd)->stream_id;
  relay_sends(stream, window);
  EXPECT_EQ(k.find(fd)->received.size(), window);
  EXPECT_EQ(k.link(), link_state::ready);
  EXPECT_TRUE(window_updates(stream).empty()) << "nothing was read, so nothing is granted";
}

TEST_F(receive_window_test, data_beyond_the_window_is_a_protocol_error_the_link_names) {
  const auto fd = connected_socket();
  const auto stream = k.find(fd)->stream_id;
  relay_sends(stream, window);
  relay_data(stream, "!");
  EXPECT_EQ(k.link(), link_state::closed);
  EXPECT_NE(k.link_message().find("relay broke the byte window"), std::string::npos) << k.link_message();
  EXPECT_NE(k.link_message().find("1 bytes of DATA on stream 1, which had 0 bytes of window left"), std::string::npos)
      << k.link_message();
  // What arrived within the window is still the guest's; then the reset.
  guest_reads(fd, window);
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 16, 0), -SB_ECONNRESET);
}

TEST_F(receive_window_test, reading_half_the_window_grants_it_back_in_one_update) {
  const auto fd = connected_socket();
  const auto stream = k.find(fd)->stream_id;
  relay_sends(stream, window);
  guest_reads(fd, window / 2 - 1, 4096);
  EXPECT_TRUE(window_updates(stream).empty()) << "no grant per read";
  guest_reads(fd, 1);
  EXPECT_EQ(window_updates(stream), std::vector<std::uint32_t>{window / 2});
  // The relay may now send exactly that much more.
  relay_sends(stream, window / 2);
  EXPECT_EQ(k.link(), link_state::ready);
  EXPECT_EQ(k.find(fd)->received.size(), window);
}

TEST_F(receive_window_test, a_guest_reading_everything_keeps_the_stream_flowing) {
  const auto fd = connected_socket();
  const auto stream = k.find(fd)->stream_id;
  std::uint64_t granted = window;
  std::uint64_t sent = 0;
  for (int round = 0; round < 10; ++round) {
    const auto allowed = static_cast<std::size_t>(granted - sent);
    relay_sends(stream, allowed);
    sent += allowed;
    guest_reads(fd, allowed);
    for (auto increment : window_updates(stream)) granted += increment;
  }
  EXPECT_EQ(k.link(), link_state::ready);
  EXPECT_GE(sent, 5u * window) << "grants kept up with the reads";
}

TEST_F(receive_window_test, peeking_grants_nothing) {
  const auto fd = connected_socket();
  relay_sends(k.find(fd)->stream_id, window);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(k.sock_recv(fd, buffer_at, chunk * 3, SB_MSG_PEEK), chunk * 3);
  EXPECT_TRUE(window_updates(k.find(fd)->stream_id).empty());
}

TEST_F(receive_window_test, shutdown_read_grants_back_the_bytes_it_drops) {
  const auto fd = connected_socket();
  const auto stream = k.find(fd)->stream_id;
  relay_sends(stream, window);
  ASSERT_EQ(k.sock_shutdown(fd, SB_SHUT_RD), 0);
  EXPECT_EQ(window_updates(stream), std::vector<std::uint32_t>{window});
}

TEST_F(receive_window_test, a_finished_stream_is_granted_nothing_more) {
  const auto fd = connected_socket();
  const auto stream = k.find(fd)->stream_id;
  relay_sends(stream, window);
  relay_close(stream, wisp::close_reason::voluntary);
  guest_reads(fd, window);
  EXPECT_TRUE(window_updates(stream).empty());
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 16, 0), 0);
}

TEST_F(receive_window_test, udp_datagrams_are_not_windowed) {
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_DGRAM, 0);
  ASSERT_EQ(k.sock_connect(fd, addr_at, put_ipv4(53)), 0);
  const auto stream = k.find(fd)->stream_id;
  for (std::size_t sent = 0; sent <= window; sent += 60000) relay_data(stream, std::string(60000, 'u'));
  EXPECT_EQ(k.link(), link_state::ready);
}

using older_relay_test = kernel_harness;

TEST_F(older_relay_test, a_relay_without_the_window_feature_gets_no_window_and_may_send_freely) {
  // An older relay: its sockbridge record carries no feature bits.
  const auto reply =
      handshake_v2_offering({{static_cast<std::uint8_t>(wisp::extension_id::stream_open_confirmation), {}},
                             {static_cast<std::uint8_t>(wisp::extension_id::sockbridge), {}}});
  const auto info = decode_reply(reply);
  const auto* record = wisp::find_extension(info, wisp::extension_id::sockbridge);
  ASSERT_NE(record, nullptr);
  EXPECT_TRUE(record->metadata.empty()) << "no window asked of a relay that cannot honour one";
  const auto fd = connected_socket();
  for (std::uint32_t sent = 0; sent <= 2 * window; sent += chunk)
    relay_data(k.find(fd)->stream_id, std::string(chunk, 'o'));
  EXPECT_EQ(k.link(), link_state::ready);
  EXPECT_EQ(k.find(fd)->received.size(), 2 * window + chunk);
}

}  // namespace
}  // namespace sb::host::testing
