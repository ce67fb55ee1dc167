// guest/libc's socket calls (socket.c, connect.c, bind.c, listen.c, accept.c,
// shutdown.c, sockname.c, sockopt.c) over fake imports: arguments reach the
// import in the ABI's numbering, -errno results become -1 with errno, and bad
// pointers, lengths and flags end as POSIX says. How guest/libc is compiled
// natively, and what that leaves untested: libc_under_test.hpp.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>

#include <cstring>
#include <string>

#include "libc_fake_imports.hpp"
#include "libc_under_test.hpp"

namespace sb::guest::testing {
namespace {

using libc_socket_test = libc_test;

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = SB_AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

std::string bytes_of(const sockaddr_in& address) {
  return std::string(reinterpret_cast<const char*>(&address), sizeof address);
}

TEST_F(libc_socket_test, socket_passes_domain_type_and_protocol_unchanged_and_returns_the_fd) {
  imports.script("socket", {3});
  EXPECT_EQ(libc::socket(SB_AF_INET6, SB_SOCK_STREAM | SB_SOCK_NONBLOCK, 0), 3);
  ASSERT_EQ(imports.calls.size(), 1u);
  EXPECT_EQ(imports.calls[0].args, (std::vector<std::int64_t>{SB_AF_INET6, SB_SOCK_STREAM | SB_SOCK_NONBLOCK, 0}));
}

TEST_F(libc_socket_test, socket_failure_returns_minus_one_with_errno_from_the_import) {
  imports.script("socket", {-SB_EAFNOSUPPORT});
  EXPECT_EQ(libc::socket(3 /* AF_UNIX */, SB_SOCK_STREAM, 0), -1);
  EXPECT_EQ(errno, SB_EAFNOSUPPORT);
}

TEST_F(libc_socket_test, connect_passes_the_address_bytes_and_length) {
  const sockaddr_in address = loopback(8080);
  imports.script("connect", {0});
  EXPECT_EQ(libc::connect(4, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
  EXPECT_EQ(imports.calls[0].args, (std::vector<std::int64_t>{4, SB_SOCKADDR_IN_SIZE}));
  EXPECT_EQ(imports.calls[0].input, bytes_of(address));
}

TEST_F(libc_socket_test, refused_connect_is_econnrefused) {
  const sockaddr_in address = loopback(1);
  imports.script("connect", {-SB_ECONNREFUSED});
  EXPECT_EQ(libc::connect(4, reinterpret_cast<const sockaddr*>(&address), sizeof address), -1);
  EXPECT_EQ(errno, SB_ECONNREFUSED);
}

TEST_F(libc_socket_test, connect_with_a_length_too_short_for_the_family_leaves_the_check_to_the_host) {
  const sockaddr_in address = loopback(80);
  imports.script("connect", {-SB_EINVAL});
  EXPECT_EQ(libc::connect(4, reinterpret_cast<const sockaddr*>(&address), 8), -1);
  EXPECT_EQ(errno, SB_EINVAL);
  EXPECT_EQ(imports.calls[0].args[1], 8);
}

TEST_F(libc_socket_test, connect_to_a_null_address_is_the_hosts_efault) {
  imports.script("connect", {-SB_EFAULT});
  EXPECT_EQ(libc::connect(4, nullptr, SB_SOCKADDR_IN_SIZE), -1);
  EXPECT_EQ(errno, SB_EFAULT);
  EXPECT_EQ(imports.calls[0].pointers[0], nullptr);
}

TEST_F(libc_socket_test, bind_and_listen_pass_through_and_report_address_in_use) {
  const sockaddr_in address = loopback(9000);
  imports.script("bind", {0});
  imports.script("listen", {-SB_EADDRINUSE});
  EXPECT_EQ(libc::bind(5, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
  EXPECT_EQ(imports.calls[0].input, bytes_of(address));
  EXPECT_EQ(libc::listen(5, 16), -1);
  EXPECT_EQ(errno, SB_EADDRINUSE);
  EXPECT_EQ(imports.calls[1].args, (std::vector<std::int64_t>{5, 16}));
}

TEST_F(libc_socket_test, accept_writes_the_peer_address_and_its_length) {
  const sockaddr_in peer = loopback(40000);
  imports.script("accept", {6, {}, bytes_of(peer)});
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  EXPECT_EQ(libc::accept(5, reinterpret_cast<sockaddr*>(&address), &length), 6);
  EXPECT_EQ(length, sizeof peer);
  EXPECT_EQ(std::memcmp(&address, &peer, sizeof peer), 0);
  EXPECT_EQ(imports.calls[0].args[1], static_cast<std::int64_t>(sizeof address));
}

TEST_F(libc_socket_test, accept_without_an_address_passes_null_pointers) {
  imports.script("accept", {6});
  EXPECT_EQ(libc::accept(5, nullptr, nullptr), 6);
  EXPECT_EQ(imports.calls[0].pointers, (std::vector<const void*>{nullptr, nullptr}));
}

TEST_F(libc_socket_test, accept_on_an_idle_nonblocking_socket_is_eagain) {
  imports.script("accept", {-SB_EAGAIN});
  EXPECT_EQ(libc::accept(5, nullptr, nullptr), -1);
  EXPECT_EQ(errno, SB_EAGAIN);
}

TEST_F(libc_socket_test, accept4_with_unknown_flags_is_einval_without_accepting) {
  EXPECT_EQ(libc::accept4(5, nullptr, nullptr, 0x1), -1);
  EXPECT_EQ(errno, SB_EINVAL);
  EXPECT_TRUE(imports.calls.empty());
}

TEST_F(libc_socket_test, accept4_nonblock_makes_the_accepted_fd_nonblocking) {
  imports.script("accept", {6});
  imports.script("fcntl", {0});
  EXPECT_EQ(libc::accept4(5, nullptr, nullptr, SB_SOCK_NONBLOCK | SB_SOCK_CLOEXEC), 6);
  ASSERT_EQ(imports.calls.size(), 2u);
  EXPECT_EQ(imports.calls[1].args, (std::vector<std::int64_t>{6, F_SETFL, O_NONBLOCK}));
}

TEST_F(libc_socket_test, accept4_cloexec_alone_changes_nothing_else) {
  imports.script("accept", {6});
  EXPECT_EQ(libc::accept4(5, nullptr, nullptr, SB_SOCK_CLOEXEC), 6);
  EXPECT_EQ(imports.calls.size(), 1u);
}

TEST_F(libc_socket_test, accept4_closes_the_accepted_fd_when_it_cannot_be_made_nonblocking) {
  imports.script("accept", {6});
  imports.script("fcntl", {-SB_EBADF});
  imports.script("close", {0});
  EXPECT_EQ(libc::accept4(5, nullptr, nullptr, SB_SOCK_NONBLOCK), -1);
  EXPECT_EQ(errno, SB_EBADF);
  ASSERT_EQ(imports.calls.size(), 3u);
  EXPECT_EQ(imports.calls[2].name, "close");
  EXPECT_EQ(imports.calls[2].args[0], 6);
}

TEST_F(libc_socket_test, shutdown_maps_unix_how_values_to_the_imports_numbering) {
  const std::pair<int, int> mapping[] = {{0, SB_SHUT_RD}, {1, SB_SHUT_WR}, {2, SB_SHUT_RDWR}};
  for (const auto& [how, expected] : mapping) {
    imports.script("shutdown", {0});
    EXPECT_EQ(libc::shutdown(4, how), 0);
    EXPECT_EQ(imports.calls.back().args, (std::vector<std::int64_t>{4, expected})) << "how " << how;
  }
}

TEST_F(libc_socket_test, shutdown_with_an_unknown_how_is_einval_without_calling_the_host) {
  for (const int how : {-1, 3, SB_SHUT_RDWR + 1}) {
    errno = 0;
    EXPECT_EQ(libc::shutdown(4, how), -1);
    EXPECT_EQ(errno, SB_EINVAL);
  }
  EXPECT_TRUE(imports.calls.empty());
}

TEST_F(libc_socket_test, shutdown_of_an_unconnected_socket_is_enotconn) {
  imports.script("shutdown", {-SB_ENOTCONN});
  EXPECT_EQ(libc::shutdown(4, 1), -1);
  EXPECT_EQ(errno, SB_ENOTCONN);
}

TEST_F(libc_socket_test, getsockname_truncates_to_the_callers_length_and_reports_the_full_size) {
  const sockaddr_in bound = loopback(5555);
  imports.script("getsockname", {0, {}, bytes_of(bound)});
  char address[8];
  std::memset(address, 0x55, sizeof address);
  socklen_t length = 4;
  EXPECT_EQ(libc::getsockname(4, reinterpret_cast<sockaddr*>(address), &length), 0);
  EXPECT_EQ(length, sizeof bound);
  EXPECT_EQ(std::memcmp(address, &bound, 4), 0);
  EXPECT_EQ(address[4], 0x55);
}

TEST_F(libc_socket_test, getpeername_of_an_unconnected_socket_is_enotconn_and_leaves_the_length) {
  imports.script("getpeername", {-SB_ENOTCONN});
  sockaddr_in address{};
  socklen_t length = sizeof address;
  EXPECT_EQ(libc::getpeername(4, reinterpret_cast<sockaddr*>(&address), &length), -1);
  EXPECT_EQ(errno, SB_ENOTCONN);
  EXPECT_EQ(length, sizeof address);
}

TEST_F(libc_socket_test, setsockopt_passes_level_name_and_the_value_bytes) {
  const std::int64_t timeout[2] = {1, 500000};  // the guest's struct timeval: i64 seconds, i64 microseconds
  imports.script("setsockopt", {0});
  EXPECT_EQ(libc::setsockopt(4, SB_SOL_SOCKET, SB_SO_RCVTIMEO, timeout, sizeof timeout), 0);
  EXPECT_EQ(imports.calls[0].args, (std::vector<std::int64_t>{4, SB_SOL_SOCKET, SB_SO_RCVTIMEO, 16}));
  EXPECT_EQ(imports.calls[0].input, std::string(reinterpret_cast<const char*>(timeout), sizeof timeout));
}

TEST_F(libc_socket_test, setsockopt_of_an_unknown_option_is_enoprotoopt) {
  const int on = 1;
  imports.script("setsockopt", {-SB_ENOPROTOOPT});
  EXPECT_EQ(libc::setsockopt(4, 0 /* SOL_IP */, 1, &on, sizeof on), -1);
  EXPECT_EQ(errno, SB_ENOPROTOOPT);
}

TEST_F(libc_socket_test, getsockopt_so_error_returns_the_pending_error_and_its_size) {
  const std::int32_t pending = SB_ECONNREFUSED;
  imports.script("getsockopt", {0, std::string(reinterpret_cast<const char*>(&pending), sizeof pending)});
  int value = 0;
  socklen_t length = sizeof value;
  EXPECT_EQ(libc::getsockopt(4, SB_SOL_SOCKET, SB_SO_ERROR, &value, &length), 0);
  EXPECT_EQ(value, SB_ECONNREFUSED);
  EXPECT_EQ(length, sizeof value);
  EXPECT_EQ(imports.calls[0].args, (std::vector<std::int64_t>{4, SB_SOL_SOCKET, SB_SO_ERROR, 4}));
}

TEST_F(libc_socket_test, getsockopt_with_a_length_too_short_is_the_hosts_einval) {
  imports.script("getsockopt", {-SB_EINVAL});
  int value = 0;
  socklen_t length = 2;
  EXPECT_EQ(libc::getsockopt(4, SB_SOL_SOCKET, SB_SO_TYPE, &value, &length), -1);
  EXPECT_EQ(errno, SB_EINVAL);
  EXPECT_EQ(imports.calls[0].args[3], 2);
}

}  // namespace
}  // namespace sb::guest::testing
