// guest/libc's small system calls: gethostname.c, if_nameindex.c and syslog.c
// (which writes to stderr, captured here). libc_under_test.hpp: how it is built.
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "libc_fake_imports.hpp"
#include "libc_under_test.hpp"

namespace sb::guest::testing {
namespace {

class libc_system_test : public libc_test {
 protected:
  void SetUp() override {
    libc_test::SetUp();
    const char* hostname = std::getenv("HOSTNAME");
    if (hostname) saved_hostname_ = hostname;
    had_hostname_ = hostname != nullptr;
    unsetenv("HOSTNAME");
    libc::closelog();
    libc::setlogmask(0xff);
  }
  void TearDown() override {
    if (had_hostname_)
      setenv("HOSTNAME", saved_hostname_.c_str(), 1);
    else
      unsetenv("HOSTNAME");
    libc::closelog();
    libc::setlogmask(0xff);
    libc_test::TearDown();
  }
  // What syslog wrote to stderr.
  template <typename... Arguments>
  std::string logged(int priority, const char* format, Arguments... arguments) {
    ::testing::internal::CaptureStderr();
    libc::syslog(priority, format, arguments...);
    return ::testing::internal::GetCapturedStderr();
  }

 private:
  std::string saved_hostname_;
  bool had_hostname_ = false;
};

TEST_F(libc_system_test, gethostname_is_sockbridge_unless_the_embedder_sets_hostname) {
  char name[64];
  ASSERT_EQ(libc::gethostname(name, sizeof name), 0);
  EXPECT_STREQ(name, "sockbridge");
  setenv("HOSTNAME", "guest-7", 1);
  ASSERT_EQ(libc::gethostname(name, sizeof name), 0);
  EXPECT_STREQ(name, "guest-7");
}

TEST_F(libc_system_test, gethostname_fits_a_buffer_of_exactly_the_name_and_its_nul) {
  char name[11];
  EXPECT_EQ(libc::gethostname(name, sizeof name), 0);
  EXPECT_STREQ(name, "sockbridge");
}

TEST_F(libc_system_test, gethostname_into_a_buffer_too_small_is_enametoolong_and_writes_nothing) {
  char name[10];
  std::memset(name, 'x', sizeof name);
  EXPECT_EQ(libc::gethostname(name, sizeof name), -1);
  EXPECT_EQ(errno, SB_ENAMETOOLONG);
  EXPECT_EQ(name[0], 'x');
  errno = 0;
  EXPECT_EQ(libc::gethostname(name, 0), -1);
  EXPECT_EQ(errno, SB_ENAMETOOLONG);
}

TEST_F(libc_system_test, a_guest_has_no_interfaces) {
  EXPECT_EQ(libc::if_nametoindex("eth0"), 0u);
  EXPECT_EQ(errno, 60 /* wasi-libc's ENXIO */);
  errno = 0;
  char name[IF_NAMESIZE];
  EXPECT_EQ(libc::if_indextoname(1, name), nullptr);
  EXPECT_EQ(errno, 60);
  struct if_nameindex* list = libc::if_nameindex();
  ASSERT_NE(list, nullptr);
  EXPECT_EQ(list[0].if_index, 0u);
  EXPECT_EQ(list[0].if_name, nullptr);
  libc::if_freenameindex(list);
}

TEST_F(libc_system_test, syslog_writes_one_line_to_stderr_named_guest_by_default) {
  EXPECT_EQ(logged(LOG_ERR, "lost %d of %s", 3, "5"), "guest: lost 3 of 5\n");
}

TEST_F(libc_system_test, syslog_uses_openlogs_ident_and_pid_and_closelog_forgets_them) {
  libc::openlog("daemon", LOG_PID | LOG_NDELAY, LOG_DAEMON);
  EXPECT_EQ(logged(LOG_DAEMON | LOG_INFO, "ready"), "daemon[" + std::to_string(getpid()) + "]: ready\n");
  libc::closelog();
  EXPECT_EQ(logged(LOG_INFO, "ready"), "guest: ready\n");
}

TEST_F(libc_system_test, syslog_drops_priorities_outside_the_mask) {
  EXPECT_EQ(libc::setlogmask(LOG_UPTO(LOG_WARNING)), 0xff);
  EXPECT_EQ(logged(LOG_INFO, "chatter"), "");
  EXPECT_EQ(logged(LOG_LOCAL0 | LOG_WARNING, "warned"), "guest: warned\n");
  EXPECT_EQ(libc::setlogmask(0), LOG_UPTO(LOG_WARNING));  // 0 reads the mask without changing it
  EXPECT_EQ(logged(LOG_DEBUG, "still dropped"), "");
}

TEST_F(libc_system_test, syslog_of_a_message_ending_in_a_newline_writes_one_line) {
  EXPECT_EQ(logged(LOG_NOTICE, "done\n"), "guest: done\n");
}

}  // namespace
}  // namespace sb::guest::testing
