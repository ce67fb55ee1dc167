// A kernel wired to in-memory guest memory, with helpers that play the relay.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "sockbridge/host/kernel.hpp"
#include "stdio_sinks.hpp"

namespace sb::host::testing {

namespace wisp = sb::protocol;

inline constexpr guest_ptr addr_at = 0x100;
inline constexpr guest_ptr buffer_at = 0x1000;
inline constexpr std::size_t memory_bytes = 0x40000;

struct kernel_harness : ::testing::Test {
  vector_guest_memory memory{memory_bytes};
  std::uint64_t now = 1'000'000;  // the kernel's clock, in ms; tests move it
  wisp::bytes kept_frame_;
  kernel k{memory, [this] { return now; }};

  // The relay's side of a Wisp v2 handshake (INFO offering stream-open
  // confirmation and, if sockbridge, the sockbridge extension; then CONTINUE).
  void handshake_v2(std::uint32_t credit = 16, bool sockbridge = false) {
    wisp::bytes info;
    wisp::info_payload offer{2, 0, {{static_cast<std::uint8_t>(wisp::extension_id::stream_open_confirmation), {}}}};
    if (sockbridge) offer.extensions.push_back({static_cast<std::uint8_t>(wisp::extension_id::sockbridge), {}});
    wisp::encode_info(info, offer);
    k.on_frame(info);
    take_outgoing();  // the kernel's INFO reply
    relay_continue(0, credit);
  }

  void handshake_v1(std::uint32_t credit = 16) { relay_continue(0, credit); }

  // The relay's side of a v2 handshake offering exactly these extension
  // records, then CONTINUE; returns the kernel's INFO reply.
  wisp::bytes handshake_v2_offering(const std::vector<wisp::extension>& offer, std::uint32_t credit = 16) {
    wisp::bytes info;
    wisp::encode_info(info, {2, 0, offer});
    k.on_frame(info);
    auto replies = take_outgoing();
    EXPECT_EQ(replies.size(), 1u);
    relay_continue(0, credit);
    return replies.empty() ? wisp::bytes{} : replies[0];
  }

  // The INFO reply's records; views point into `reply`.
  static wisp::info_payload decode_reply(const wisp::bytes& reply) {
    wisp::frame frame;
    wisp::info_payload info;
    EXPECT_EQ(wisp::decode_frame(reply, frame), wisp::decode_error::ok);
    EXPECT_EQ(frame.type, wisp::packet_type::info);
    EXPECT_EQ(wisp::decode_info(frame.payload, info), wisp::decode_error::ok);
    return info;
  }

  void relay_continue(std::uint32_t stream, std::uint32_t credit) {
    wisp::bytes frame;
    wisp::encode_continue(frame, stream, credit);
    k.on_frame(frame);
  }

  void relay_data(std::uint32_t stream, const std::string& text) {
    wisp::bytes frame;
    wisp::encode_data(frame, stream, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
    k.on_frame(frame);
  }

  // Checks that frames is one frame of `type`; the returned view stays valid until the next call.
  wisp::frame only_frame(std::vector<wisp::bytes> frames, wisp::packet_type type) {
    EXPECT_EQ(frames.size(), 1u);
    wisp::frame frame;
    if (frames.empty()) return frame;
    kept_frame_ = std::move(frames[0]);
    EXPECT_EQ(wisp::decode_frame(kept_frame_, frame), wisp::decode_error::ok);
    EXPECT_EQ(frame.type, type);
    return frame;
  }

  void relay_close(std::uint32_t stream, wisp::close_reason reason) {
    wisp::bytes frame;
    wisp::encode_close(frame, stream, reason);
    k.on_frame(frame);
  }

  std::vector<wisp::bytes> take_outgoing() {
    std::vector<wisp::bytes> frames;
    while (k.has_outgoing()) {
      frames.push_back(k.next_outgoing());
      k.pop_outgoing();
    }
    return frames;
  }

  // Writes a wasi-libc sockaddr_in for 127.0.0.1:port at addr_at.
  std::uint32_t put_ipv4(std::uint16_t port, std::array<std::uint8_t, 4> ip = {127, 0, 0, 1}) {
    auto* raw = memory.bytes().data() + addr_at;
    std::memset(raw, 0, SB_SOCKADDR_IN_SIZE);
    raw[0] = SB_AF_INET;
    raw[2] = static_cast<std::uint8_t>(port >> 8);
    raw[3] = static_cast<std::uint8_t>(port);
    std::memcpy(raw + 4, ip.data(), 4);
    return SB_SOCKADDR_IN_SIZE;
  }

  void put_text(guest_ptr at, const std::string& text) {
    std::memcpy(memory.bytes().data() + at, text.data(), text.size());
  }

  // Writes an i32 option value at `at` and returns its length.
  std::uint32_t put_int(guest_ptr at, std::int32_t value) {
    EXPECT_TRUE(memory.write_u32(at, static_cast<std::uint32_t>(value)));
    return 4;
  }

  // Writes a wasi-libc struct timeval {i64 sec, i64 usec} at `at`.
  std::uint32_t put_timeval(guest_ptr at, std::int64_t seconds, std::int64_t micros) {
    EXPECT_TRUE(memory.write_u64(at, static_cast<std::uint64_t>(seconds)));
    EXPECT_TRUE(memory.write_u64(at + 8, static_cast<std::uint64_t>(micros)));
    return 16;
  }

  std::string text_at(guest_ptr at, std::size_t length) {
    return {reinterpret_cast<const char*>(memory.bytes().data() + at), length};
  }

  // A blocking TCP socket connected to 127.0.0.1:port over a v2 link, with
  // `credit` packets of relay buffer; returns its fd.
  std::int32_t connected_socket(std::uint16_t port = 80, std::uint32_t credit = 16) {
    const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
    EXPECT_GE(fd, first_socket_fd);
    EXPECT_EQ(k.sock_connect(fd, addr_at, put_ipv4(port)), would_block);
    relay_continue(k.find(fd)->stream_id, credit);
    EXPECT_EQ(k.sock_connect(fd, addr_at, SB_SOCKADDR_IN_SIZE), 0);
    take_outgoing();
    return fd;
  }
};

}  // namespace sb::host::testing
