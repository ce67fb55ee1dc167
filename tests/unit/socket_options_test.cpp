#include "kernel_harness.hpp"

namespace sb::host::testing {
namespace {

using socket_options_test = kernel_harness;
constexpr guest_ptr value_at = 0x300;
constexpr guest_ptr length_at = 0x340;

TEST_F(socket_options_test, boolean_and_int_options_round_trip) {
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  ASSERT_EQ(k.sock_setsockopt(fd, SB_SOL_SOCKET, SB_SO_REUSEADDR, value_at, put_int(value_at, 1)), 0);
  ASSERT_EQ(k.sock_setsockopt(fd, SB_IPPROTO_TCP, SB_TCP_NODELAY, value_at, put_int(value_at, 1)), 0);
  ASSERT_EQ(k.sock_setsockopt(fd, SB_SOL_SOCKET, SB_SO_KEEPALIVE, value_at, put_int(value_at, 1)), 0);
  ASSERT_EQ(k.sock_setsockopt(fd, SB_SOL_SOCKET, SB_SO_RCVBUF, value_at, put_int(value_at, 4096)), 0);
  for (auto [level, name, expected] : {std::tuple{SB_SOL_SOCKET, SB_SO_REUSEADDR, 1},
                                       {SB_IPPROTO_TCP, SB_TCP_NODELAY, 1},
                                       {SB_SOL_SOCKET, SB_SO_KEEPALIVE, 1},
                                       {SB_SOL_SOCKET, SB_SO_RCVBUF, 4096},
                                       {SB_SOL_SOCKET, SB_SO_TYPE, SB_SOCK_STREAM}}) {
    put_int(length_at, 4);
    ASSERT_EQ(k.sock_getsockopt(fd, level, name, value_at, length_at), 0) << name;
    EXPECT_EQ(memory.read_u32(value_at), static_cast<std::uint32_t>(expected)) << name;
    EXPECT_EQ(memory.read_u32(length_at), 4u);
  }
}

TEST_F(socket_options_test, unknown_options_and_levels_are_enoprotoopt_and_short_values_einval) {
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  EXPECT_EQ(k.sock_setsockopt(fd, SB_SOL_SOCKET, 999, value_at, put_int(value_at, 1)), -SB_ENOPROTOOPT);
  EXPECT_EQ(k.sock_setsockopt(fd, 41, SB_SO_REUSEADDR, value_at, 4), -SB_ENOPROTOOPT);
  EXPECT_EQ(k.sock_setsockopt(fd, SB_SOL_SOCKET, SB_SO_REUSEADDR, value_at, 2), -SB_EINVAL);
  EXPECT_EQ(k.sock_setsockopt(fd, SB_SOL_SOCKET, SB_SO_REUSEADDR, memory_bytes - 2, 4), -SB_EFAULT);
  put_int(length_at, 2);
  EXPECT_EQ(k.sock_getsockopt(fd, SB_SOL_SOCKET, SB_SO_TYPE, value_at, length_at), -SB_EINVAL);
  EXPECT_EQ(k.sock_getsockopt(fd, SB_SOL_SOCKET, SB_SO_TYPE, value_at, memory_bytes - 1), -SB_EFAULT);
  EXPECT_EQ(k.sock_setsockopt(99, SB_SOL_SOCKET, SB_SO_REUSEADDR, value_at, 4), -SB_EBADF);
}

TEST_F(socket_options_test, so_error_reports_a_failed_nonblocking_connect_once) {
  handshake_v2();
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM | SB_SOCK_NONBLOCK, 0);
  ASSERT_EQ(k.sock_connect(fd, addr_at, put_ipv4(1)), -SB_EINPROGRESS);
  relay_close(k.find(fd)->stream_id, wisp::close_reason::refused);
  put_int(length_at, 4);
  ASSERT_EQ(k.sock_getsockopt(fd, SB_SOL_SOCKET, SB_SO_ERROR, value_at, length_at), 0);
  EXPECT_EQ(memory.read_u32(value_at), static_cast<std::uint32_t>(SB_ECONNREFUSED));
  ASSERT_EQ(k.sock_getsockopt(fd, SB_SOL_SOCKET, SB_SO_ERROR, value_at, length_at), 0);
  EXPECT_EQ(memory.read_u32(value_at), 0u);
}

TEST_F(socket_options_test, receive_timeout_turns_a_silent_peer_into_eagain) {
  handshake_v2();
  const auto fd = connected_socket();
  ASSERT_EQ(k.sock_setsockopt(fd, SB_SOL_SOCKET, SB_SO_RCVTIMEO, value_at, put_timeval(value_at, 1, 500'000)), 0);
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 16, 0), would_block);
  EXPECT_EQ(k.wake_after_ms(), 1500);
  now += 1000;
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 16, 0), would_block);
  EXPECT_EQ(k.wake_after_ms(), 500);
  now += 500;
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 16, 0), -SB_EAGAIN);
  // A new call starts a new timeout.
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 16, 0), would_block);
  EXPECT_EQ(k.wake_after_ms(), 1500);

  put_int(length_at, 16);
  ASSERT_EQ(k.sock_getsockopt(fd, SB_SOL_SOCKET, SB_SO_RCVTIMEO, value_at, length_at), 0);
  EXPECT_EQ(memory.read_u32(value_at), 1u);
  EXPECT_EQ(memory.read_u32(value_at + 8), 500'000u);
}

TEST_F(socket_options_test, send_timeout_bounds_a_blocking_connect_with_etimedout) {
  handshake_v2();
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  ASSERT_EQ(k.sock_setsockopt(fd, SB_SOL_SOCKET, SB_SO_SNDTIMEO, value_at, put_timeval(value_at, 2, 0)), 0);
  ASSERT_EQ(k.sock_connect(fd, addr_at, put_ipv4(80)), would_block);
  now += 2000;
  EXPECT_EQ(k.sock_connect(fd, addr_at, SB_SOCKADDR_IN_SIZE), -SB_ETIMEDOUT);
}

TEST_F(socket_options_test, msg_dontwait_makes_one_recv_nonblocking) {
  handshake_v2();
  const auto fd = connected_socket();
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 16, SB_MSG_DONTWAIT), -SB_EAGAIN);
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 16, 0), would_block);
  EXPECT_EQ(k.wake_after_ms(), -1);
}

TEST_F(socket_options_test, peer_and_local_names) {
  handshake_v2();
  const auto fd = connected_socket(8080);
  put_int(length_at, SB_SOCKADDR_IN_SIZE);
  ASSERT_EQ(k.sock_getpeername(fd, value_at, length_at), 0);
  EXPECT_EQ(memory.bytes()[value_at + 2], 0x1f);
  EXPECT_EQ(memory.bytes()[value_at + 3], 0x90);
  EXPECT_EQ(memory.bytes()[value_at + 4], 127);
  const auto fresh = k.sock_socket(SB_AF_INET6, SB_SOCK_STREAM, 0);
  EXPECT_EQ(k.sock_getpeername(fresh, value_at, length_at), -SB_ENOTCONN);
  put_int(length_at, SB_SOCKADDR_IN6_SIZE);
  ASSERT_EQ(k.sock_getsockname(fresh, value_at, length_at), 0);
  EXPECT_EQ(memory.bytes()[value_at], SB_AF_INET6);
  EXPECT_EQ(memory.read_u32(length_at), static_cast<std::uint32_t>(SB_SOCKADDR_IN6_SIZE));
  EXPECT_EQ(k.sock_getsockname(fresh, value_at, memory_bytes), -SB_EFAULT);
}

TEST_F(socket_options_test, set_nonblocking_switches_recv_to_eagain) {
  handshake_v2();
  const auto fd = connected_socket();
  ASSERT_EQ(k.set_nonblocking(fd, true), 0);
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 16, 0), -SB_EAGAIN);
  EXPECT_EQ(k.set_nonblocking(77, true), -SB_EBADF);
}

}  // namespace
}  // namespace sb::host::testing
