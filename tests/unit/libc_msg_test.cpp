// guest/libc's data calls (send.c, recv.c): send/recv/sendto/recvfrom and
// sendmsg/recvmsg over fake imports — bytes and flags reach the import,
// MSG_WAITALL is the libc's loop, several iovecs make one call, and bad
// messages and flags fail as POSIX says. libc_under_test.hpp: how it is built.
#include <climits>
#include <cstring>
#include <string>

#include "libc_fake_imports.hpp"
#include "libc_under_test.hpp"

namespace sb::guest::testing {
namespace {

using libc_msg_test = libc_test;

std::string int_bytes(std::int32_t value) { return std::string(reinterpret_cast<const char*>(&value), sizeof value); }

sockaddr_in peer(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = SB_AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(0x7f000001);
  return address;
}

std::string bytes_of(const sockaddr_in& address) {
  return std::string(reinterpret_cast<const char*>(&address), sizeof address);
}

// The SO_TYPE query recv(MSG_WAITALL) makes first.
void script_socket_type(fake_imports& imports, std::int32_t type) {
  imports.script("getsockopt", {0, int_bytes(type)});
}

TEST_F(libc_msg_test, send_passes_the_bytes_and_flags_and_returns_the_count_queued) {
  imports.script("send", {3});
  EXPECT_EQ(libc::send(4, "hello", 5, SB_MSG_NOSIGNAL), 3);
  EXPECT_EQ(imports.calls[0].input, "hello");
  EXPECT_EQ(imports.calls[0].args, (std::vector<std::int64_t>{4, 5, SB_MSG_NOSIGNAL}));
}

TEST_F(libc_msg_test, send_after_the_peer_left_is_epipe) {
  imports.script("send", {-SB_EPIPE});
  EXPECT_EQ(libc::send(4, "x", 1, 0), -1);
  EXPECT_EQ(errno, SB_EPIPE);
}

TEST_F(libc_msg_test, send_with_flags_no_header_defines_is_eopnotsupp_without_sending) {
  EXPECT_EQ(libc::send(4, "x", 1, 0x10000), -1);
  EXPECT_EQ(errno, SB_ENOTSUP);
  EXPECT_EQ(libc::sendto(4, "x", 1, 0x8000 /* Linux's MSG_MORE */, nullptr, 0), -1);
  EXPECT_EQ(errno, SB_ENOTSUP);
  EXPECT_TRUE(imports.calls.empty());
}

TEST_F(libc_msg_test, send_accepts_every_flag_the_sdk_headers_define) {
  const int flags = SB_MSG_DONTWAIT | SB_MSG_NOSIGNAL | 0x4 /* MSG_DONTROUTE */;
  imports.script("send", {1});
  EXPECT_EQ(libc::send(4, "x", 1, flags), 1);
  EXPECT_EQ(imports.calls[0].args[2], flags);
}

// MSG_OOB as guest/include/sys/socket.h numbers it (glibc's, in this file, is MSG_PEEK's bit in a guest).
constexpr int sdk_msg_oob = 0x0100;

TEST_F(libc_msg_test, send_with_msg_oob_sends_in_band) {
  imports.script("send", {1});
  EXPECT_EQ(libc::send(4, "!", 1, sdk_msg_oob | SB_MSG_NOSIGNAL), 1);
  EXPECT_EQ(imports.calls[0].args[2], SB_MSG_NOSIGNAL);
}

TEST_F(libc_msg_test, recv_asking_for_urgent_data_is_einval_and_never_peeks) {
  char buffer[4];
  EXPECT_EQ(libc::recv(4, buffer, sizeof buffer, sdk_msg_oob), -1);
  EXPECT_EQ(errno, SB_EINVAL);
  struct iovec piece = {buffer, sizeof buffer};
  struct msghdr message = {};
  message.msg_iov = &piece;
  message.msg_iovlen = 1;
  EXPECT_EQ(libc::recvmsg(4, &message, sdk_msg_oob), -1);
  EXPECT_EQ(errno, SB_EINVAL);
  EXPECT_TRUE(imports.calls.empty());
}

TEST_F(libc_msg_test, recv_returns_the_bytes_received) {
  imports.script("recv", {5, "hello"});
  char buffer[16] = {};
  EXPECT_EQ(libc::recv(4, buffer, sizeof buffer, SB_MSG_PEEK), 5);
  EXPECT_STREQ(buffer, "hello");
  EXPECT_EQ(imports.calls[0].args, (std::vector<std::int64_t>{4, 16, SB_MSG_PEEK}));
}

TEST_F(libc_msg_test, recv_at_end_of_stream_returns_zero_and_on_an_idle_nonblocking_socket_eagain) {
  imports.script("recv", {0});
  imports.script("recv", {-SB_EAGAIN});
  char buffer[4];
  EXPECT_EQ(libc::recv(4, buffer, sizeof buffer, 0), 0);
  EXPECT_EQ(libc::recv(4, buffer, sizeof buffer, SB_MSG_DONTWAIT), -1);
  EXPECT_EQ(errno, SB_EAGAIN);
}

TEST_F(libc_msg_test, recv_with_flags_no_header_defines_is_eopnotsupp_without_receiving) {
  char buffer[4];
  EXPECT_EQ(libc::recv(4, buffer, sizeof buffer, 0x20000), -1);
  EXPECT_EQ(errno, SB_ENOTSUP);
  EXPECT_TRUE(imports.calls.empty());
}

TEST_F(libc_msg_test, recv_waitall_on_a_stream_receives_until_the_buffer_is_full) {
  script_socket_type(imports, SB_SOCK_STREAM);
  imports.script("recv", {3, "abc"});
  imports.script("recv", {2, "de"});
  char buffer[6] = {};
  EXPECT_EQ(libc::recv(4, buffer, 5, SB_MSG_WAITALL | SB_MSG_PEEK), 5);
  EXPECT_STREQ(buffer, "abcde");
  ASSERT_EQ(imports.calls.size(), 3u);
  EXPECT_EQ(imports.calls[0].args, (std::vector<std::int64_t>{4, SB_SOL_SOCKET, SB_SO_TYPE, 4}));
  EXPECT_EQ(imports.calls[1].args, (std::vector<std::int64_t>{4, 5, SB_MSG_PEEK}));
  EXPECT_EQ(imports.calls[2].args, (std::vector<std::int64_t>{4, 2, SB_MSG_PEEK}));
  EXPECT_EQ(imports.calls[2].pointers[0], buffer + 3);
}

TEST_F(libc_msg_test, recv_waitall_returns_the_partial_count_at_end_of_stream) {
  script_socket_type(imports, SB_SOCK_STREAM);
  imports.script("recv", {2, "ab"});
  imports.script("recv", {0});
  char buffer[8];
  EXPECT_EQ(libc::recv(4, buffer, sizeof buffer, SB_MSG_WAITALL), 2);
}

TEST_F(libc_msg_test, recv_waitall_returns_the_partial_count_when_an_error_follows_data) {
  script_socket_type(imports, SB_SOCK_STREAM);
  imports.script("recv", {2, "ab"});
  imports.script("recv", {-SB_ECONNRESET});
  char buffer[8];
  EXPECT_EQ(libc::recv(4, buffer, sizeof buffer, SB_MSG_WAITALL), 2);
}

TEST_F(libc_msg_test, recv_waitall_error_before_any_data_sets_errno) {
  script_socket_type(imports, SB_SOCK_STREAM);
  imports.script("recv", {-SB_ECONNRESET});
  char buffer[8];
  EXPECT_EQ(libc::recv(4, buffer, sizeof buffer, SB_MSG_WAITALL), -1);
  EXPECT_EQ(errno, SB_ECONNRESET);
}

TEST_F(libc_msg_test, recv_waitall_on_a_datagram_socket_returns_one_datagram) {
  script_socket_type(imports, SB_SOCK_DGRAM);
  imports.script("recv", {3, "one"});
  char buffer[16] = {};
  EXPECT_EQ(libc::recv(4, buffer, sizeof buffer, SB_MSG_WAITALL), 3);
  EXPECT_STREQ(buffer, "one");
  EXPECT_EQ(imports.calls.back().args[2], 0);
}

TEST_F(libc_msg_test, sendto_passes_the_destination_and_its_length) {
  const sockaddr_in to = peer(53);
  imports.script("sendto", {4});
  EXPECT_EQ(libc::sendto(4, "ping", 4, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to), 4);
  EXPECT_EQ(imports.calls[0].input, "ping");
  EXPECT_EQ(imports.calls[0].input_address, bytes_of(to));
  EXPECT_EQ(imports.calls[0].args[3], SB_SOCKADDR_IN_SIZE);
}

TEST_F(libc_msg_test, sendto_without_a_destination_passes_length_zero) {
  imports.script("sendto", {-SB_EDESTADDRREQ});
  EXPECT_EQ(libc::sendto(4, "ping", 4, 0, nullptr, 16), -1);
  EXPECT_EQ(errno, SB_EDESTADDRREQ);
  EXPECT_EQ(imports.calls[0].args[3], 0);
}

TEST_F(libc_msg_test, recvfrom_writes_the_sender_and_its_length) {
  const sockaddr_in from = peer(5353);
  imports.script("recvfrom", {4, "pong", bytes_of(from)});
  char buffer[8] = {};
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  EXPECT_EQ(libc::recvfrom(4, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&address), &length), 4);
  EXPECT_STREQ(buffer, "pong");
  EXPECT_EQ(length, sizeof from);
  EXPECT_EQ(std::memcmp(&address, &from, sizeof from), 0);
}

TEST_F(libc_msg_test, recvfrom_error_leaves_the_address_length_alone) {
  imports.script("recvfrom", {-SB_ECONNREFUSED});
  char buffer[8];
  sockaddr_in address{};
  socklen_t length = sizeof address;
  EXPECT_EQ(libc::recvfrom(4, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&address), &length), -1);
  EXPECT_EQ(errno, SB_ECONNREFUSED);
  EXPECT_EQ(length, sizeof address);
}

TEST_F(libc_msg_test, recvfrom_without_an_address_is_a_plain_recv) {
  imports.script("recv", {2, "hi"});
  char buffer[8];
  EXPECT_EQ(libc::recvfrom(4, buffer, sizeof buffer, 0, nullptr, nullptr), 2);
  EXPECT_EQ(imports.calls[0].name, "recv");
}

TEST_F(libc_msg_test, sendmsg_sends_several_iovecs_as_one_message) {
  char get[] = "GET ", path[] = "/ ", version[] = "HTTP/1.0";
  iovec parts[] = {{get, 4}, {nullptr, 0}, {path, 2}, {version, 8}};
  msghdr message{};
  message.msg_iov = parts;
  message.msg_iovlen = 4;
  imports.script("sendto", {14});
  EXPECT_EQ(libc::sendmsg(4, &message, SB_MSG_NOSIGNAL), 14);
  ASSERT_EQ(imports.calls.size(), 1u);
  EXPECT_EQ(imports.calls[0].input, "GET / HTTP/1.0");
  EXPECT_EQ(imports.calls[0].args, (std::vector<std::int64_t>{4, 14, SB_MSG_NOSIGNAL, 0}));
}

TEST_F(libc_msg_test, sendmsg_of_a_datagram_in_two_iovecs_sends_one_datagram_to_msg_name) {
  const sockaddr_in to = peer(53);
  char header[] = "HDR", body[] = "payload";
  iovec parts[] = {{header, 3}, {body, 7}};
  msghdr message{};
  message.msg_name = const_cast<sockaddr_in*>(&to);
  message.msg_namelen = sizeof to;
  message.msg_iov = parts;
  message.msg_iovlen = 2;
  imports.script("sendto", {10});
  EXPECT_EQ(libc::sendmsg(4, &message, 0), 10);
  EXPECT_EQ(imports.calls[0].input, "HDRpayload");
  EXPECT_EQ(imports.calls[0].input_address, bytes_of(to));
}

TEST_F(libc_msg_test, sendmsg_with_only_empty_iovecs_sends_an_empty_message) {
  iovec parts[] = {{nullptr, 0}};
  msghdr message{};
  message.msg_iov = parts;
  message.msg_iovlen = 1;
  imports.script("sendto", {0});
  EXPECT_EQ(libc::sendmsg(4, &message, 0), 0);
  EXPECT_EQ(imports.calls[0].args[1], 0);
}

TEST_F(libc_msg_test, sendmsg_error_sets_errno) {
  char data[] = "x";
  iovec parts[] = {{data, 1}, {data, 1}};
  msghdr message{};
  message.msg_iov = parts;
  message.msg_iovlen = 2;
  imports.script("sendto", {-SB_EMSGSIZE});
  EXPECT_EQ(libc::sendmsg(4, &message, 0), -1);
  EXPECT_EQ(errno, SB_EMSGSIZE);
}

TEST_F(libc_msg_test, msg_calls_with_a_null_message_or_iov_are_efault) {
  EXPECT_EQ(libc::sendmsg(4, nullptr, 0), -1);
  EXPECT_EQ(errno, SB_EFAULT);
  errno = 0;
  EXPECT_EQ(libc::recvmsg(4, nullptr, 0), -1);
  EXPECT_EQ(errno, SB_EFAULT);
  msghdr message{};
  message.msg_iovlen = 1;
  errno = 0;
  EXPECT_EQ(libc::sendmsg(4, &message, 0), -1);
  EXPECT_EQ(errno, SB_EFAULT);
  errno = 0;
  EXPECT_EQ(libc::recvmsg(4, &message, 0), -1);
  EXPECT_EQ(errno, SB_EFAULT);
  EXPECT_TRUE(imports.calls.empty());
}

TEST_F(libc_msg_test, msg_calls_with_more_iovecs_than_iov_max_are_emsgsize) {
  iovec parts[1] = {};
  msghdr message{};
  message.msg_iov = parts;
  message.msg_iovlen = 1025;  // wasi-libc's IOV_MAX is 1024
  EXPECT_EQ(libc::sendmsg(4, &message, 0), -1);
  EXPECT_EQ(errno, SB_EMSGSIZE);
  errno = 0;
  message.msg_iovlen = static_cast<decltype(message.msg_iovlen)>(-1);
  EXPECT_EQ(libc::recvmsg(4, &message, 0), -1);
  EXPECT_EQ(errno, SB_EMSGSIZE);
  EXPECT_TRUE(imports.calls.empty());
}

TEST_F(libc_msg_test, msg_calls_with_unknown_flags_are_eopnotsupp) {
  char data[] = "x";
  iovec parts[] = {{data, 1}};
  msghdr message{};
  message.msg_iov = parts;
  message.msg_iovlen = 1;
  EXPECT_EQ(libc::sendmsg(4, &message, 0x10000), -1);
  EXPECT_EQ(errno, SB_ENOTSUP);
  errno = 0;
  EXPECT_EQ(libc::recvmsg(4, &message, 0x10000), -1);
  EXPECT_EQ(errno, SB_ENOTSUP);
  EXPECT_TRUE(imports.calls.empty());
}

TEST_F(libc_msg_test, recvmsg_scatters_one_receive_over_several_iovecs_and_reports_the_sender) {
  const sockaddr_in from = peer(9999);
  imports.script("recvfrom", {11, "hello world", bytes_of(from)});
  char first[5], space[1], rest[10] = {};
  iovec parts[] = {{first, sizeof first}, {space, sizeof space}, {rest, sizeof rest}};
  sockaddr_storage address{};
  msghdr message{};
  message.msg_name = &address;
  message.msg_namelen = sizeof address;
  message.msg_iov = parts;
  message.msg_iovlen = 3;
  message.msg_flags = 0x7f;
  EXPECT_EQ(libc::recvmsg(4, &message, 0), 11);
  EXPECT_EQ(std::string(first, 5), "hello");
  EXPECT_EQ(space[0], ' ');
  EXPECT_STREQ(rest, "world");
  EXPECT_EQ(message.msg_namelen, sizeof from);
  EXPECT_EQ(std::memcmp(&address, &from, sizeof from), 0);
  EXPECT_EQ(message.msg_flags, 0);
  EXPECT_EQ(imports.calls[0].args[1], 16);  // one receive over the whole capacity
}

TEST_F(libc_msg_test, recvmsg_into_one_iovec_receives_in_place) {
  char buffer[8] = {};
  iovec parts[] = {{nullptr, 0}, {buffer, sizeof buffer}};
  msghdr message{};
  message.msg_iov = parts;
  message.msg_iovlen = 2;
  imports.script("recv", {3, "abc"});
  EXPECT_EQ(libc::recvmsg(4, &message, 0), 3);
  EXPECT_STREQ(buffer, "abc");
  EXPECT_EQ(imports.calls[0].pointers[0], buffer);
}

TEST_F(libc_msg_test, recvmsg_error_sets_errno_and_leaves_msg_namelen) {
  char a[2], b[2];
  iovec parts[] = {{a, 2}, {b, 2}};
  sockaddr_in address{};
  msghdr message{};
  message.msg_name = &address;
  message.msg_namelen = sizeof address;
  message.msg_iov = parts;
  message.msg_iovlen = 2;
  imports.script("recvfrom", {-SB_ECONNRESET});
  EXPECT_EQ(libc::recvmsg(4, &message, 0), -1);
  EXPECT_EQ(errno, SB_ECONNRESET);
  EXPECT_EQ(message.msg_namelen, sizeof address);
}

}  // namespace
}  // namespace sb::guest::testing
