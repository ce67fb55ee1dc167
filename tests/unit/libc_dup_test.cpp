// guest/libc's dup.c over fake imports: dup and dup2 are the host's answer
// (its fd, or -1 with its errno), and dup3's own checks (the same fd twice,
// flags other than O_CLOEXEC) are EINVAL before the host is asked.
#include <fcntl.h>

#include <cstdint>
#include <vector>

#include "libc_fake_imports.hpp"
#include "libc_under_test.hpp"

namespace sb::guest::testing {
namespace {

using libc_dup_test = libc_test;

TEST_F(libc_dup_test, dup_asks_the_host_for_the_lowest_free_fd_and_returns_it) {
  imports.script("dup", {7});
  EXPECT_EQ(libc::dup(4), 7);
  ASSERT_EQ(imports.calls.size(), 1u);
  EXPECT_EQ(imports.calls[0].args, (std::vector<std::int64_t>{4, 0}));
}

TEST_F(libc_dup_test, dup_of_a_closed_fd_is_minus_one_with_ebadf) {
  imports.script("dup", {-SB_EBADF});
  EXPECT_EQ(libc::dup(9), -1);
  EXPECT_EQ(errno, SB_EBADF);
}

TEST_F(libc_dup_test, dup2_onto_stdout_passes_both_fds_and_returns_the_target) {
  imports.script("dup2", {1});
  EXPECT_EQ(libc::dup2(5, 1), 1);
  ASSERT_EQ(imports.calls.size(), 1u);
  EXPECT_EQ(imports.calls[0].args, (std::vector<std::int64_t>{5, 1}));
}

TEST_F(libc_dup_test, dup2_failure_is_minus_one_with_the_hosts_errno) {
  imports.script("dup2", {-SB_EBADF});
  EXPECT_EQ(libc::dup2(5, -3), -1);
  EXPECT_EQ(errno, SB_EBADF);
}

TEST_F(libc_dup_test, dup3_onto_the_same_fd_or_with_unknown_flags_is_einval_without_asking_the_host) {
  EXPECT_EQ(libc::dup3(5, 5, 0), -1);
  EXPECT_EQ(errno, SB_EINVAL);
  errno = 0;
  EXPECT_EQ(libc::dup3(5, 6, O_APPEND), -1);
  EXPECT_EQ(errno, SB_EINVAL);
  EXPECT_TRUE(imports.calls.empty());
}

TEST_F(libc_dup_test, dup3_with_cloexec_is_dup2) {
  imports.script("dup2", {6});
  EXPECT_EQ(libc::dup3(5, 6, O_CLOEXEC), 6);
  ASSERT_EQ(imports.calls.size(), 1u);
  EXPECT_EQ(imports.calls[0].args, (std::vector<std::int64_t>{5, 6}));
}

}  // namespace
}  // namespace sb::guest::testing
