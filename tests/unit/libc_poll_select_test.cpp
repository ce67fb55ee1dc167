// guest/libc's poll.c and select.c over the fake poll import: the table and
// timeout reach the host, <poll.h>'s events (Linux's values) become the
// import's SB_POLL* bits and its revents come back in <poll.h>'s, select's
// fd_sets become one poll entry per fd and come back from the revents, bad
// counts and timeouts fail with EINVAL.
// libc_under_test.hpp: how it is built (glibc's fd_set is a bitmask, wasi-libc's a list; select.c uses only FD_*).
#include <climits>

#include "libc_fake_imports.hpp"
#include "libc_under_test.hpp"

namespace sb::guest::testing {
namespace {

using libc_poll_select_test = libc_test;

fd_set set_of(std::initializer_list<int> fds) {
  fd_set set;
  FD_ZERO(&set);
  for (const int fd : fds) FD_SET(fd, &set);
  return set;
}

std::vector<int> members(const fd_set& set, int nfds) {
  std::vector<int> fds;
  for (int fd = 0; fd < nfds; ++fd)
    if (FD_ISSET(fd, &set)) fds.push_back(fd);
  return fds;
}

TEST_F(libc_poll_select_test, poll_passes_the_table_and_timeout_and_returns_the_ready_count) {
  pollfd fds[] = {{0, POLLIN, 0}, {4, POLLIN | POLLOUT, 0}};
  imports.script("poll", {1, {}, {}, {0, SB_POLLOUT}});
  EXPECT_EQ(libc::poll(fds, 2, 250), 1);
  EXPECT_EQ(imports.calls[0].args, (std::vector<std::int64_t>{2, 250}));
  EXPECT_EQ(imports.calls[0].fds, (std::vector<std::int32_t>{0, 4}));
  EXPECT_EQ(imports.calls[0].events, (std::vector<std::int16_t>{SB_POLLIN, SB_POLLIN | SB_POLLOUT}));
  EXPECT_EQ(fds[0].revents, 0);
  EXPECT_EQ(fds[1].revents, POLLOUT);
  EXPECT_EQ(fds[1].events, POLLIN | POLLOUT) << "the caller's events are left as they were";
}

TEST_F(libc_poll_select_test, poll_events_have_linux_values_and_are_translated_both_ways) {
  static_assert(POLLIN == 0x001 && POLLPRI == 0x002 && POLLOUT == 0x004 && POLLERR == 0x008 && POLLHUP == 0x010 &&
                POLLNVAL == 0x020 && POLLRDNORM == 0x040 && POLLWRNORM == 0x100);
  pollfd fds[] = {{3, POLLRDNORM | POLLPRI, 0}, {4, POLLOUT | POLLWRNORM, 0}, {5, POLLIN, 0}, {6, POLLIN, 0}};
  imports.script(
      "poll", {4,
               {},
               {},
               {SB_POLLIN, SB_POLLOUT | SB_POLLERR, static_cast<std::int16_t>(SB_POLLIN | SB_POLLHUP), SB_POLLNVAL}});
  EXPECT_EQ(libc::poll(fds, 4, 0), 4);
  EXPECT_EQ(imports.calls[0].events, (std::vector<std::int16_t>{SB_POLLIN, SB_POLLOUT, SB_POLLIN, SB_POLLIN}))
      << "POLLPRI is never asked of the host";
  EXPECT_EQ(fds[0].revents, POLLRDNORM) << "reported by the name it was asked by";
  EXPECT_EQ(fds[1].revents, POLLOUT | POLLWRNORM | POLLERR);
  EXPECT_EQ(fds[2].revents, POLLIN | POLLHUP);
  EXPECT_EQ(fds[3].revents, POLLNVAL);
}

TEST_F(libc_poll_select_test, poll_over_the_hosts_fd_limit_is_its_einval) {
  std::vector<pollfd> fds(SB_POLL_MAX_FDS + 1, pollfd{0, POLLIN, 0});
  imports.script("poll", {-SB_EINVAL});
  EXPECT_EQ(libc::poll(fds.data(), fds.size(), 0), -1);
  EXPECT_EQ(errno, SB_EINVAL);
  EXPECT_EQ(imports.calls[0].args[0], SB_POLL_MAX_FDS + 1);
}

TEST_F(libc_poll_select_test, poll_with_a_null_table_is_the_hosts_efault) {
  imports.script("poll", {-SB_EFAULT});
  EXPECT_EQ(libc::poll(nullptr, 1, 0), -1);
  EXPECT_EQ(errno, SB_EFAULT);
}

TEST_F(libc_poll_select_test, select_with_nfds_out_of_range_is_einval_without_waiting) {
  for (const int nfds : {-1, FD_SETSIZE + 1}) {
    errno = 0;
    EXPECT_EQ(libc::select(nfds, nullptr, nullptr, nullptr, nullptr), -1) << nfds;
    EXPECT_EQ(errno, SB_EINVAL);
  }
  EXPECT_TRUE(imports.calls.empty());
}

TEST_F(libc_poll_select_test, select_asks_poll_once_per_fd_and_reports_each_ready_set) {
  fd_set readable = set_of({3, 5}), writable = set_of({5, 7}), failed = set_of({7});
  imports.script("poll", {2, {}, {}, {SB_POLLIN, SB_POLLOUT, 0}});
  timeval timeout{0, 0};
  EXPECT_EQ(libc::select(8, &readable, &writable, &failed, &timeout), 2);
  EXPECT_EQ(imports.calls[0].fds, (std::vector<std::int32_t>{3, 5, 7}));
  EXPECT_EQ(imports.calls[0].events, (std::vector<std::int16_t>{SB_POLLIN, SB_POLLIN | SB_POLLOUT, SB_POLLOUT}))
      << "errors are reported unasked";
  EXPECT_EQ(members(readable, 8), (std::vector<int>{3}));
  EXPECT_EQ(members(writable, 8), (std::vector<int>{5}));
  EXPECT_EQ(members(failed, 8), (std::vector<int>{}));
}

TEST_F(libc_poll_select_test, select_counts_an_fd_once_for_each_set_it_is_ready_in) {
  fd_set readable = set_of({4}), writable = set_of({4});
  imports.script("poll", {1, {}, {}, {SB_POLLIN | SB_POLLOUT}});
  EXPECT_EQ(libc::select(5, &readable, &writable, nullptr, nullptr), 2);
  EXPECT_EQ(members(readable, 5), (std::vector<int>{4}));
  EXPECT_EQ(members(writable, 5), (std::vector<int>{4}));
}

TEST_F(libc_poll_select_test, select_reports_a_hung_up_or_failed_fd_as_readable_and_writable) {
  fd_set readable = set_of({4}), writable = set_of({6}), failed = set_of({6});
  imports.script("poll", {2, {}, {}, {SB_POLLHUP, SB_POLLERR}});
  EXPECT_EQ(libc::select(7, &readable, &writable, &failed, nullptr), 3);
  EXPECT_EQ(members(readable, 7), (std::vector<int>{4}));
  EXPECT_EQ(members(writable, 7), (std::vector<int>{6}));
  EXPECT_EQ(members(failed, 7), (std::vector<int>{6}));
}

TEST_F(libc_poll_select_test, select_ignores_fds_at_or_above_nfds) {
  fd_set readable = set_of({2, 9});
  imports.script("poll", {0, {}, {}, {0}});
  EXPECT_EQ(libc::select(3, &readable, nullptr, nullptr, nullptr), 0);
  EXPECT_EQ(imports.calls[0].fds, (std::vector<std::int32_t>{2}));
  EXPECT_EQ(members(readable, FD_SETSIZE), (std::vector<int>{}));
}

TEST_F(libc_poll_select_test, select_timeout_rounds_microseconds_up_to_milliseconds) {
  imports.script("poll", {0});
  timeval timeout{1, 1500};
  EXPECT_EQ(libc::select(0, nullptr, nullptr, nullptr, &timeout), 0);
  EXPECT_EQ(imports.calls[0].args, (std::vector<std::int64_t>{0, 1002}));
}

TEST_F(libc_poll_select_test, select_without_a_timeout_waits_forever) {
  imports.script("poll", {0});
  EXPECT_EQ(libc::select(0, nullptr, nullptr, nullptr, nullptr), 0);
  EXPECT_EQ(imports.calls[0].args[1], -1);
}

TEST_F(libc_poll_select_test, select_with_a_negative_timeout_is_einval_without_waiting) {
  for (const timeval timeout : {timeval{-1, 0}, timeval{0, -1}, timeval{0, 1000000}}) {
    timeval copy = timeout;
    errno = 0;
    EXPECT_EQ(libc::select(0, nullptr, nullptr, nullptr, &copy), -1) << timeout.tv_sec << "." << timeout.tv_usec;
    EXPECT_EQ(errno, SB_EINVAL);
  }
  EXPECT_TRUE(imports.calls.empty());
}

TEST_F(libc_poll_select_test, select_with_a_timeout_past_int_milliseconds_waits_the_longest_poll_can) {
  imports.script("poll", {0});
  timeval thirty_days{30 * 24 * 3600, 0};
  EXPECT_EQ(libc::select(0, nullptr, nullptr, nullptr, &thirty_days), 0);
  EXPECT_EQ(imports.calls[0].args[1], INT_MAX);
}

TEST_F(libc_poll_select_test, select_on_a_closed_fd_is_ebadf) {
  fd_set readable = set_of({4});
  imports.script("poll", {1, {}, {}, {SB_POLLNVAL}});
  EXPECT_EQ(libc::select(5, &readable, nullptr, nullptr, nullptr), -1);
  EXPECT_EQ(errno, SB_EBADF);
}

TEST_F(libc_poll_select_test, select_failure_of_poll_sets_errno_and_keeps_the_sets) {
  fd_set readable = set_of({4});
  imports.script("poll", {-SB_EFAULT});
  EXPECT_EQ(libc::select(5, &readable, nullptr, nullptr, nullptr), -1);
  EXPECT_EQ(errno, SB_EFAULT);
  EXPECT_EQ(members(readable, 5), (std::vector<int>{4}));
}

}  // namespace
}  // namespace sb::guest::testing
