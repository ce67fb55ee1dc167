#include "kernel_harness.hpp"

namespace sb::host::testing {
namespace {

constexpr guest_ptr table_at = 0x400;

struct entry {
  std::int32_t fd;
  std::int16_t events;
};

struct poll_fixture : kernel_harness {
  void put_table(std::initializer_list<entry> entries) {
    guest_ptr at = table_at;
    for (const auto& e : entries) {
      ASSERT_TRUE(memory.write_u32(at, static_cast<std::uint32_t>(e.fd)));
      ASSERT_TRUE(memory.write_u32(at + 4, static_cast<std::uint16_t>(e.events)));
      at += SB_POLLFD_SIZE;
    }
  }
  std::int16_t revents(std::size_t index) {
    const auto* raw = memory.bytes().data() + table_at + index * SB_POLLFD_SIZE;
    return static_cast<std::int16_t>(raw[6] | raw[7] << 8);
  }
};

TEST_F(poll_fixture, reports_readable_socket_and_writable_stdout) {
  handshake_v2();
  const auto quiet = connected_socket();
  const auto busy = connected_socket();
  relay_data(k.find(busy)->stream_id, "x");
  put_table({{quiet, SB_POLLIN}, {busy, SB_POLLIN}, {1, SB_POLLOUT}});
  ASSERT_EQ(k.sock_poll(table_at, 3, 0), 2);
  EXPECT_EQ(revents(0), 0);
  EXPECT_EQ(revents(1), SB_POLLIN);
  EXPECT_EQ(revents(2), SB_POLLOUT);
}

TEST_F(poll_fixture, waits_until_data_arrives_or_the_timeout_passes) {
  handshake_v2();
  const auto fd = connected_socket();
  put_table({{fd, SB_POLLIN}});
  EXPECT_EQ(k.sock_poll(table_at, 1, 250), would_block);
  EXPECT_EQ(k.wake_after_ms(), 250);
  now += 100;
  relay_data(k.find(fd)->stream_id, "ping");
  EXPECT_EQ(k.sock_poll(table_at, 1, 250), 1);
  EXPECT_EQ(revents(0), SB_POLLIN);

  k.sock_recv(fd, buffer_at, 16, 0);
  EXPECT_EQ(k.sock_poll(table_at, 1, 250), would_block);
  now += 250;
  EXPECT_EQ(k.sock_poll(table_at, 1, 250), 0);
  EXPECT_EQ(revents(0), 0);
}

TEST_F(poll_fixture, nonblocking_connect_becomes_writable_when_confirmed) {
  handshake_v2();
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM | SB_SOCK_NONBLOCK, 0);
  ASSERT_EQ(k.sock_connect(fd, addr_at, put_ipv4(80)), -SB_EINPROGRESS);
  put_table({{fd, SB_POLLOUT}});
  EXPECT_EQ(k.sock_poll(table_at, 1, -1), would_block);
  EXPECT_EQ(k.wake_after_ms(), -1);
  relay_continue(k.find(fd)->stream_id, 8);
  EXPECT_EQ(k.sock_poll(table_at, 1, -1), 1);
  EXPECT_EQ(revents(0), SB_POLLOUT);
}

TEST_F(poll_fixture, closed_peer_reports_hangup_and_errors_even_if_not_asked) {
  handshake_v2();
  const auto fd = connected_socket();
  relay_close(k.find(fd)->stream_id, wisp::close_reason::network_error);
  put_table({{fd, SB_POLLOUT}});
  ASSERT_EQ(k.sock_poll(table_at, 1, 0), 1);
  EXPECT_EQ(revents(0), SB_POLLOUT | SB_POLLHUP | SB_POLLERR);
}

TEST_F(poll_fixture, unknown_fds_are_pollnval_and_negative_fds_are_ignored) {
  put_table({{55, SB_POLLIN}, {-1, SB_POLLIN}});
  ASSERT_EQ(k.sock_poll(table_at, 2, 0), 1);
  EXPECT_EQ(revents(0), SB_POLLNVAL);
  EXPECT_EQ(revents(1), 0);
}

TEST_F(poll_fixture, hostile_tables_are_rejected) {
  EXPECT_EQ(k.sock_poll(memory_bytes - 4, 1, 0), -SB_EFAULT);
  EXPECT_EQ(k.sock_poll(table_at, SB_POLL_MAX_FDS + 1, 0), -SB_EINVAL);
  EXPECT_EQ(k.sock_poll(0xfffffff8u, 2, 0), -SB_EFAULT);
}

TEST_F(poll_fixture, stdin_is_readable_once_bytes_arrive_and_reads_block_until_then) {
  k.attach_stdin();
  put_table({{0, SB_POLLIN}});
  EXPECT_EQ(k.sock_poll(table_at, 1, -1), would_block);
  EXPECT_EQ(k.read_stdin(buffer_at, 16), would_block);
  const std::string line = "hello\n";
  k.push_stdin({reinterpret_cast<const std::uint8_t*>(line.data()), line.size()});
  EXPECT_EQ(k.sock_poll(table_at, 1, -1), 1);
  ASSERT_EQ(k.read_stdin(buffer_at, 16), 6);
  EXPECT_EQ(text_at(buffer_at, 6), "hello\n");
  k.close_stdin();
  EXPECT_EQ(k.read_stdin(buffer_at, 16), 0);
}

TEST_F(poll_fixture, closed_stdin_returns_what_is_queued_then_stays_at_end_of_file) {
  k.attach_stdin();
  const std::string rest = "last";
  k.push_stdin({reinterpret_cast<const std::uint8_t*>(rest.data()), rest.size()});
  k.close_stdin();
  put_table({{0, SB_POLLIN}});
  EXPECT_EQ(k.sock_poll(table_at, 1, -1), 1);
  ASSERT_EQ(k.read_stdin(buffer_at, 16), 4);
  EXPECT_EQ(k.read_stdin(buffer_at, 16), 0);
  k.attach_stdin();
  EXPECT_EQ(k.read_stdin(buffer_at, 16), 0) << "attaching again does not reopen it";
  EXPECT_EQ(k.sock_poll(table_at, 1, -1), 1);
}

TEST_F(poll_fixture, stdin_without_a_source_reads_as_end_of_file) {
  EXPECT_EQ(k.read_stdin(buffer_at, 16), 0);
  EXPECT_EQ(k.read_stdin(memory_bytes, 16), -SB_EFAULT);
}

}  // namespace
}  // namespace sb::host::testing
