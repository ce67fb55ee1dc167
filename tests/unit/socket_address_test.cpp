#include <gtest/gtest.h>

#include <cstring>

#include "sockbridge/host/socket_address.hpp"

namespace sb::host {
namespace {

TEST(socket_address, reads_ipv4_with_network_order_port) {
  vector_guest_memory memory(256);
  const std::uint8_t raw[16] = {SB_AF_INET, 0, 0x1f, 0x90, 192, 0, 2, 7};
  std::memcpy(memory.bytes().data() + 32, raw, sizeof raw);
  socket_address out;
  ASSERT_EQ(read_socket_address(memory, 32, 16, out), 0);
  EXPECT_EQ(out.family, SB_AF_INET);
  EXPECT_EQ(out.port, 8080);
  EXPECT_EQ(out.ip_text(), "192.0.2.7");
}

TEST(socket_address, reads_ipv6_from_the_wasi_libc_layout) {
  vector_guest_memory memory(256);
  std::uint8_t raw[32] = {SB_AF_INET6, 0, 0x00, 0x50};
  raw[8] = 0x20;
  raw[9] = 0x01;
  raw[10] = 0x0d;
  raw[11] = 0xb8;
  raw[23] = 0x01;
  std::memcpy(memory.bytes().data(), raw, sizeof raw);
  socket_address out;
  ASSERT_EQ(read_socket_address(memory, 0, 32, out), 0);
  EXPECT_EQ(out.port, 80);
  EXPECT_EQ(out.ip_text(), "2001:db8::1");
}

TEST(socket_address, short_length_is_einval_and_unknown_family_is_eafnosupport) {
  vector_guest_memory memory(256);
  memory.bytes()[0] = SB_AF_INET6;
  socket_address out;
  EXPECT_EQ(read_socket_address(memory, 0, 16, out), SB_EINVAL);
  memory.bytes()[0] = 9;
  EXPECT_EQ(read_socket_address(memory, 0, 16, out), SB_EAFNOSUPPORT);
  EXPECT_EQ(read_socket_address(memory, 0, 1, out), SB_EINVAL);
}

TEST(socket_address, ranges_past_the_end_of_guest_memory_are_efault) {
  vector_guest_memory memory(64);
  socket_address out;
  EXPECT_EQ(read_socket_address(memory, 60, 16, out), SB_EFAULT);
  EXPECT_EQ(read_socket_address(memory, 0xfffffff8u, 16, out), SB_EFAULT);
}

TEST(socket_address, write_truncates_to_the_callers_length_and_reports_the_full_one) {
  vector_guest_memory memory(256);
  socket_address address{SB_AF_INET6, {}, 443};
  address.ip[15] = 1;
  ASSERT_TRUE(memory.write_u32(200, 4));
  memory.bytes()[104] = 0xee;
  ASSERT_EQ(write_socket_address(memory, 100, 200, address), 0);
  EXPECT_EQ(memory.bytes()[100], SB_AF_INET6);
  EXPECT_EQ(memory.bytes()[102], 0x01);
  EXPECT_EQ(memory.bytes()[103], 0xbb);
  EXPECT_EQ(memory.bytes()[104], 0xee);  // beyond the 4 bytes the caller allowed
  EXPECT_EQ(memory.read_u32(200), SB_SOCKADDR_IN6_SIZE);
}

}  // namespace
}  // namespace sb::host
