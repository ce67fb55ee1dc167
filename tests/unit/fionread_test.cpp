// ioctl(FIONREAD): wasi-libc asks poll_oneoff with an fd_read subscription and
// a zero clock, and returns the fd_read event's nbytes. These tests make that
// exact call and check nbytes for TCP, UDP, stdin and files.
#include <gtest/gtest.h>

#include "kernel_harness.hpp"
#include "sockbridge/host/wasi.hpp"

namespace sb::host::testing {
namespace {

constexpr guest_ptr subscriptions_at = 0x400;  // two 48-byte subscriptions
constexpr guest_ptr events_at = 0x500;         // two 32-byte events
constexpr guest_ptr count_at = 0x600;
constexpr std::uint8_t eventtype_clock = 0;
constexpr std::uint8_t eventtype_fd_read = 1;
constexpr std::uint32_t clock_monotonic = 1;

struct fionread_test : kernel_harness {
  discard_stdio stdio;
  wasi_preview1 wasi{memory, k, stdio};

  // What wasi-libc's ioctl(fd, FIONREAD, &n) computes: nbytes of the fd_read
  // event, 0 if only the clock fired; nullopt if the call would block or failed.
  std::optional<std::uint64_t> fionread(std::int32_t fd) {
    std::fill_n(memory.bytes().begin() + subscriptions_at, 96, 0);
    memory.bytes()[subscriptions_at + 8] = eventtype_fd_read;
    EXPECT_TRUE(memory.write_u32(subscriptions_at + 16, static_cast<std::uint32_t>(fd)));
    memory.bytes()[subscriptions_at + 48 + 8] = eventtype_clock;
    EXPECT_TRUE(memory.write_u32(subscriptions_at + 48 + 16, clock_monotonic));  // timeout 0
    auto result = wasi.poll_oneoff(subscriptions_at, events_at, 2, count_at);
    if (result == would_block) {
      now += 1;  // the zero clock fires on the retry
      result = wasi.poll_oneoff(subscriptions_at, events_at, 2, count_at);
    }
    if (result != 0) return std::nullopt;
    for (std::uint32_t i = 0; i < *memory.read_u32(count_at); ++i) {
      const auto event = events_at + 32 * i;
      if (memory.bytes()[event + 10] != eventtype_fd_read) continue;
      if (memory.bytes()[event + 8] != 0) return std::nullopt;  // the event's error
      std::uint64_t nbytes = 0;
      for (int b = 7; b >= 0; --b) nbytes = nbytes << 8 | memory.bytes()[event + 16 + b];
      return nbytes;
    }
    return 0;
  }
};

TEST_F(fionread_test, a_tcp_socket_reports_every_queued_byte) {
  handshake_v2();
  const auto fd = connected_socket();
  EXPECT_EQ(fionread(fd), 0u) << "nothing queued yet";
  relay_data(k.find(fd)->stream_id, "hello, ");
  relay_data(k.find(fd)->stream_id, "world");
  EXPECT_EQ(fionread(fd), 12u) << "both chunks count";
  ASSERT_EQ(k.sock_recv(fd, buffer_at, 5, 0), 5);
  EXPECT_EQ(fionread(fd), 7u);
  ASSERT_EQ(k.sock_recv(fd, buffer_at, 100, 0), 7);
  EXPECT_EQ(fionread(fd), 0u);
}

TEST_F(fionread_test, a_udp_socket_reports_the_next_datagram_size) {
  handshake_v2();
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_DGRAM, 0);
  ASSERT_EQ(k.sock_connect(fd, addr_at, put_ipv4(7000)), 0);
  relay_data(k.find(fd)->stream_id, "first reply");
  relay_data(k.find(fd)->stream_id, "second");
  EXPECT_EQ(fionread(fd), 11u) << "one datagram, not the sum";
  ASSERT_EQ(k.sock_recv(fd, buffer_at, 100, 0), 11);
  EXPECT_EQ(fionread(fd), 6u);
}

TEST_F(fionread_test, stdin_reports_bytes_pushed_and_not_yet_read) {
  k.attach_stdin();
  const std::uint8_t typed[] = {'l', 's', '\n'};
  k.push_stdin(typed);
  EXPECT_EQ(fionread(0), 3u);
}

TEST_F(fionread_test, a_file_reports_the_bytes_left_after_its_position) {
  ASSERT_EQ(wasi.add_file("/etc/app.conf", {'p', 'o', 'r', 't', '=', '8', '0', '\n'}), 0);
  put_text(0x700, "etc/app.conf");
  ASSERT_EQ(wasi.path_open(3, 0, 0x700, 12, 0, 1 << 1, 0, 0, 0x710), 0);
  const auto fd = static_cast<std::int32_t>(*memory.read_u32(0x710));
  EXPECT_EQ(fionread(fd), 8u);
  ASSERT_EQ(wasi.fd_seek(fd, 5, 0, 0x718), 0);
  EXPECT_EQ(fionread(fd), 3u);
  ASSERT_EQ(wasi.fd_seek(fd, 100, 0, 0x718), 0);
  EXPECT_EQ(fionread(fd), 0u) << "past the end";
}

TEST_F(fionread_test, an_unknown_fd_is_ebadf) { EXPECT_EQ(fionread(42), std::nullopt); }

}  // namespace
}  // namespace sb::host::testing
