#include <gtest/gtest.h>

#include "kernel_harness.hpp"
#include "sockbridge/host/wasi.hpp"

namespace sb::host::testing {
namespace {

struct wasi_test : kernel_harness {
  captured_stdio stdio;
  wasi_preview1 wasi{memory, k, stdio};

  void put_iovec(guest_ptr at, guest_ptr buf, std::uint32_t len) {
    ASSERT_TRUE(memory.write_u32(at, buf));
    ASSERT_TRUE(memory.write_u32(at + 4, len));
  }
};

TEST_F(wasi_test, fd_write_gathers_iovecs_to_stdout_and_stderr) {
  put_text(buffer_at, "hello, world\n");
  put_iovec(0x200, buffer_at, 7);
  put_iovec(0x208, buffer_at + 7, 6);
  ASSERT_EQ(wasi.fd_write(1, 0x200, 2, 0x300), 0);
  EXPECT_EQ(stdio.out, "hello, world\n");
  EXPECT_EQ(memory.read_u32(0x300), 13u);
  ASSERT_EQ(wasi.fd_write(2, 0x200, 1, 0x300), 0);
  EXPECT_EQ(stdio.err, "hello, ");
}

TEST_F(wasi_test, fd_write_with_a_hostile_iovec_is_efault_and_writes_nothing) {
  put_iovec(0x200, memory_bytes - 2, 100);
  EXPECT_EQ(wasi.fd_write(1, 0x200, 1, 0x300), SB_EFAULT);
  EXPECT_EQ(wasi.fd_write(1, memory_bytes - 4, 1, 0x300), SB_EFAULT);
  EXPECT_TRUE(stdio.out.empty());
  EXPECT_EQ(wasi.fd_write(9, 0x200, 0, 0x300), SB_EBADF);
}

TEST(wasi_iovecs, lengths_adding_up_past_int32_max_are_einval_not_a_wrapped_count) {
  // 1024 iovecs (IOV_MAX) over one 2.5 MiB region: each is inside guest
  // memory, together they are 2.5 GiB, more than a call's count can say.
  constexpr std::size_t big = 5u << 19;
  vector_guest_memory memory{big + 0x10000};
  kernel k{memory, [] { return std::uint64_t{0}; }};
  captured_stdio stdio;
  wasi_preview1 wasi{memory, k, stdio};
  const guest_ptr iovs = big;
  for (std::uint32_t i = 0; i < 1024; ++i) {
    ASSERT_TRUE(memory.write_u32(iovs + 8 * i, 0));
    ASSERT_TRUE(memory.write_u32(iovs + 8 * i + 4, static_cast<std::uint32_t>(big)));
  }
  EXPECT_EQ(wasi.fd_write(1, iovs, 1024, iovs + 0x2000), SB_EINVAL);
  EXPECT_EQ(wasi.fd_read(0, iovs, 1024, iovs + 0x2000), SB_EINVAL);
  EXPECT_TRUE(stdio.out.empty());
}

TEST_F(wasi_test, args_are_laid_out_as_wasi_libc_expects) {
  wasi.set_args({"http_client", "127.0.0.1", "80"});
  ASSERT_EQ(wasi.args_sizes_get(0x200, 0x204), 0);
  EXPECT_EQ(memory.read_u32(0x200), 3u);
  EXPECT_EQ(memory.read_u32(0x204), 12u + 10u + 3u);
  ASSERT_EQ(wasi.args_get(0x300, buffer_at), 0);
  EXPECT_EQ(memory.read_u32(0x304), buffer_at + 12);
  EXPECT_EQ(text_at(buffer_at + 12, 10), std::string("127.0.0.1") + '\0');
  EXPECT_EQ(wasi.args_get(memory_bytes - 4, buffer_at), SB_EFAULT);
}

TEST_F(wasi_test, fd_read_and_fd_write_reach_sockets) {
  handshake_v2();
  const auto fd = connected_socket();
  relay_data(k.find(fd)->stream_id, "pong");
  put_iovec(0x200, buffer_at, 64);
  ASSERT_EQ(wasi.fd_read(fd, 0x200, 1, 0x300), 0);
  EXPECT_EQ(memory.read_u32(0x300), 4u);
  EXPECT_EQ(text_at(buffer_at, 4), "pong");
  EXPECT_EQ(wasi.fd_read(fd, 0x200, 1, 0x300), would_block);
  put_iovec(0x200, buffer_at, 2);
  ASSERT_EQ(wasi.fd_write(fd, 0x200, 1, 0x300), 0);
  EXPECT_EQ(memory.read_u32(0x300), 2u);
}

TEST_F(wasi_test, fdstat_reports_stdio_as_character_devices_and_sockets_by_type) {
  ASSERT_EQ(wasi.fd_fdstat_get(1, 0x200), 0);
  EXPECT_EQ(memory.bytes()[0x200], 2);
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM | SB_SOCK_NONBLOCK, 0);
  ASSERT_EQ(wasi.fd_fdstat_get(fd, 0x200), 0);
  EXPECT_EQ(memory.bytes()[0x200], SB_SOCK_STREAM);
  EXPECT_EQ(memory.bytes()[0x202], 1 << 2);
  EXPECT_EQ(wasi.fd_fdstat_get(77, 0x200), SB_EBADF);
}

TEST_F(wasi_test, proc_exit_records_the_code_and_closes_open_sockets) {
  handshake_v2();
  const auto fd = connected_socket();
  wasi.proc_exit(3);
  EXPECT_EQ(wasi.exit_code(), 3);
  EXPECT_FALSE(k.is_socket(fd));
  EXPECT_EQ(take_outgoing().size(), 1u);  // the CLOSE for the open stream
}

TEST_F(wasi_test, clocks_and_random_fill_guest_memory_and_check_pointers) {
  ASSERT_EQ(wasi.clock_time_get(0, 0, 0x200), 0);
  EXPECT_GT(memory.read_u32(0x204).value(), 0u);
  EXPECT_EQ(wasi.clock_time_get(7, 0, 0x200), SB_EINVAL);
  EXPECT_EQ(wasi.random_get(memory_bytes - 8, 16), SB_EFAULT);
  ASSERT_EQ(wasi.random_get(buffer_at, 600), 0);
  EXPECT_EQ(wasi.fd_prestat_get(3, 0x200), SB_EBADF);
}

TEST_F(wasi_test, poll_oneoff_sleeps_on_a_relative_clock_subscription) {
  constexpr guest_ptr subscription = 0x400, event = 0x500, count = 0x600;
  ASSERT_TRUE(memory.write_u64(subscription, 0xabcdef));         // userdata
  memory.bytes()[subscription + 8] = 0;                          // eventtype clock
  ASSERT_TRUE(memory.write_u64(subscription + 24, 50'000'000));  // 50 ms in ns
  EXPECT_EQ(wasi.poll_oneoff(subscription, event, 1, count), would_block);
  EXPECT_EQ(k.wake_after_ms(), 50);
  now += 50;
  ASSERT_EQ(wasi.poll_oneoff(subscription, event, 1, count), 0);
  EXPECT_EQ(memory.read_u32(count), 1u);
  EXPECT_EQ(memory.read_u32(event), 0xabcdefu);
  EXPECT_EQ(memory.bytes()[event + 10], 0);
  EXPECT_EQ(wasi.poll_oneoff(subscription, memory_bytes - 8, 1, count), SB_EFAULT);
  EXPECT_EQ(wasi.poll_oneoff(subscription, event, 0, count), SB_EINVAL);
}

TEST_F(wasi_test, poll_oneoff_reports_a_readable_socket) {
  handshake_v2();
  const auto fd = connected_socket();
  constexpr guest_ptr subscription = 0x400, event = 0x500, count = 0x600;
  ASSERT_TRUE(memory.write_u64(subscription, 7));
  memory.bytes()[subscription + 8] = 1;  // fd_read
  ASSERT_TRUE(memory.write_u32(subscription + 16, static_cast<std::uint32_t>(fd)));
  EXPECT_EQ(wasi.poll_oneoff(subscription, event, 1, count), would_block);
  relay_data(k.find(fd)->stream_id, "x");
  ASSERT_EQ(wasi.poll_oneoff(subscription, event, 1, count), 0);
  EXPECT_EQ(memory.read_u32(count), 1u);
  EXPECT_EQ(memory.bytes()[event + 10], 1);
}

TEST_F(wasi_test, fd_fdstat_set_flags_toggles_nonblocking_on_sockets) {
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  ASSERT_EQ(wasi.fd_fdstat_set_flags(fd, 1 << 2), 0);
  EXPECT_TRUE(k.find(fd)->nonblocking);
  ASSERT_EQ(wasi.fd_fdstat_set_flags(fd, 0), 0);
  EXPECT_FALSE(k.find(fd)->nonblocking);
  EXPECT_EQ(wasi.fd_fdstat_set_flags(40, 0), SB_EBADF);
}

}  // namespace
}  // namespace sb::host::testing
