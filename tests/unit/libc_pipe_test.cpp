// guest/libc's pipe.c and socketpair.c over fake imports: the fds the host
// makes reach the caller, pipe2's O_* flags become the import's SB_SOCK_*
// bits, unknown flags are EINVAL before the host is asked, and the host's
// errno comes back as -1 + errno.
#include <fcntl.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "libc_fake_imports.hpp"
#include "libc_under_test.hpp"

namespace sb::guest::testing {
namespace {

using libc_pipe_test = libc_test;

std::string two_fds(std::int32_t first, std::int32_t second) {
  std::string raw(8, '\0');
  std::memcpy(raw.data(), &first, 4);
  std::memcpy(raw.data() + 4, &second, 4);
  return raw;
}

TEST_F(libc_pipe_test, pipe_returns_both_fds_from_the_host) {
  imports.script("pipe", {0, two_fds(3, 4)});
  int fds[2] = {-1, -1};
  EXPECT_EQ(libc::pipe(fds), 0);
  EXPECT_EQ(fds[0], 3);
  EXPECT_EQ(fds[1], 4);
  ASSERT_EQ(imports.calls.size(), 1u);
  EXPECT_EQ(imports.calls[0].args, (std::vector<std::int64_t>{0}));
}

TEST_F(libc_pipe_test, pipe2_nonblock_asks_the_host_for_nonblocking_ends) {
  imports.script("pipe", {0, two_fds(5, 6)});
  int fds[2];
  EXPECT_EQ(libc::pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
  ASSERT_EQ(imports.calls.size(), 1u);
  EXPECT_EQ(imports.calls[0].args, (std::vector<std::int64_t>{SB_SOCK_NONBLOCK}));
}

TEST_F(libc_pipe_test, pipe2_with_unknown_flags_is_einval_without_asking_the_host) {
  int fds[2] = {-1, -1};
  EXPECT_EQ(libc::pipe2(fds, O_APPEND), -1);
  EXPECT_EQ(errno, SB_EINVAL);
  EXPECT_TRUE(imports.calls.empty());
  EXPECT_EQ(fds[0], -1);
}

TEST_F(libc_pipe_test, pipe_failure_is_minus_one_with_the_hosts_errno) {
  imports.script("pipe", {-SB_EMFILE});
  int fds[2];
  EXPECT_EQ(libc::pipe(fds), -1);
  EXPECT_EQ(errno, SB_EMFILE);
}

TEST_F(libc_pipe_test, socketpair_passes_its_arguments_and_returns_both_fds) {
  imports.script("socketpair", {0, two_fds(7, 8)});
  int fds[2];
  EXPECT_EQ(libc::socketpair(SB_AF_UNIX, SB_SOCK_STREAM | SB_SOCK_NONBLOCK, 0, fds), 0);
  EXPECT_EQ(fds[0], 7);
  EXPECT_EQ(fds[1], 8);
  ASSERT_EQ(imports.calls.size(), 1u);
  EXPECT_EQ(imports.calls[0].args, (std::vector<std::int64_t>{SB_AF_UNIX, SB_SOCK_STREAM | SB_SOCK_NONBLOCK, 0}));
}

TEST_F(libc_pipe_test, socketpair_failure_is_minus_one_with_the_hosts_errno) {
  imports.script("socketpair", {-SB_ENOTSUP});
  int fds[2];
  EXPECT_EQ(libc::socketpair(SB_AF_INET, SB_SOCK_STREAM, 0, fds), -1);
  EXPECT_EQ(errno, SB_ENOTSUP);
}

}  // namespace
}  // namespace sb::guest::testing
