// -lsockbridge-stubs (guest/libc/stubs): what a guest that names fork, exec,
// kill, getuid… gets at run time, compiled natively (CMakeLists.txt says
// how; the libc layer's fake answers their fcntl(F_GETFL) probes). errno
// values the shim maps are WASI's (SB_E*); ECHILD and ESRCH, which it does
// not map, are glibc's here and wasi-libc's in a guest.
#include <sys/types.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "libc_fake_imports.hpp"

namespace stubs {
// clang-format off
extern "C" {
pid_t fork() __asm__("sb_stubs_fork");
pid_t vfork() __asm__("sb_stubs_vfork");
int daemon(int keep_directory, int keep_stdio) __asm__("sb_stubs_daemon");
int execve(const char* path, char* const argv[], char* const envp[]) __asm__("sb_stubs_execve");
int execv(const char* path, char* const argv[]) __asm__("sb_stubs_execv");
int execl(const char* path, const char* argument, ...) __asm__("sb_stubs_execl");
int system(const char* command) __asm__("sb_stubs_system");
pid_t wait(int* status) __asm__("sb_stubs_wait");
pid_t waitpid(pid_t pid, int* status, int options) __asm__("sb_stubs_waitpid");
int kill(pid_t pid, int signal) __asm__("sb_stubs_kill");
int killpg(pid_t group, int signal) __asm__("sb_stubs_killpg");
uid_t getuid() __asm__("sb_stubs_getuid");
uid_t geteuid() __asm__("sb_stubs_geteuid");
gid_t getgid() __asm__("sb_stubs_getgid");
gid_t getegid() __asm__("sb_stubs_getegid");
pid_t getppid() __asm__("sb_stubs_getppid");
int setuid(uid_t uid) __asm__("sb_stubs_setuid");
int setgid(gid_t gid) __asm__("sb_stubs_setgid");
pid_t setsid() __asm__("sb_stubs_setsid");
int chmod(const char* path, mode_t mode) __asm__("sb_stubs_chmod");
int fchmod(int fd, mode_t mode) __asm__("sb_stubs_fchmod");
int fchdir(int fd) __asm__("sb_stubs_fchdir");
int mkstemp(char* pattern) __asm__("sb_stubs_mkstemp");
int mkstemps(char* pattern, int suffix_length) __asm__("sb_stubs_mkstemps");
void tzset() __asm__("sb_stubs_tzset");
}
// clang-format on
}  // namespace stubs

namespace sb::guest::testing {
namespace {

using libc_stubs_test = libc_test;

constexpr int open_fd = 5;
void script_fd_open(fake_imports& imports) { imports.script("fcntl", {.result = 2}); }
void script_fd_closed(fake_imports& imports) { imports.script("fcntl", {.result = -SB_EBADF}); }

TEST_F(libc_stubs_test, fork_vfork_and_daemon_fail_with_enosys) {
  EXPECT_EQ(stubs::fork(), -1);
  EXPECT_EQ(errno, SB_ENOSYS);
  errno = 0;
  EXPECT_EQ(stubs::vfork(), -1);
  EXPECT_EQ(errno, SB_ENOSYS);
  errno = 0;
  EXPECT_EQ(stubs::daemon(0, 0), -1);
  EXPECT_EQ(errno, SB_ENOSYS);
}

TEST_F(libc_stubs_test, exec_fails_with_enosys_and_returns) {
  char program[] = "/bin/true";
  char* argv[] = {program, nullptr};
  EXPECT_EQ(stubs::execv(program, argv), -1);
  EXPECT_EQ(errno, SB_ENOSYS);
  errno = 0;
  EXPECT_EQ(stubs::execve(program, argv, nullptr), -1);
  EXPECT_EQ(errno, SB_ENOSYS);
  errno = 0;
  EXPECT_EQ(stubs::execl(program, program, static_cast<char*>(nullptr)), -1);
  EXPECT_EQ(errno, SB_ENOSYS);
}

TEST_F(libc_stubs_test, system_reports_no_shell_and_runs_nothing) {
  EXPECT_EQ(stubs::system(nullptr), 0);
  EXPECT_EQ(stubs::system("true"), -1);
  EXPECT_EQ(errno, SB_ENOSYS);
}

TEST_F(libc_stubs_test, wait_and_waitpid_find_no_child) {
  int status = 7;
  EXPECT_EQ(stubs::waitpid(-1, &status, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
  EXPECT_EQ(status, 7);
  errno = 0;
  EXPECT_EQ(stubs::wait(&status), -1);
  EXPECT_EQ(errno, ECHILD);
}

TEST_F(libc_stubs_test, waitpid_with_unknown_option_bits_is_einval) {
  EXPECT_EQ(stubs::waitpid(-1, nullptr, 0x4000), -1);
  EXPECT_EQ(errno, SB_EINVAL);
}

volatile sig_atomic_t raised_signal = 0;
void record_signal(int signal_number) { raised_signal = signal_number; }

TEST_F(libc_stubs_test, kill_of_its_own_pid_raises_the_signal) {
  raised_signal = 0;
  const auto previous = std::signal(SIGUSR1, record_signal);
  EXPECT_EQ(stubs::kill(getpid(), SIGUSR1), 0);
  EXPECT_EQ(raised_signal, SIGUSR1);
  raised_signal = 0;
  EXPECT_EQ(stubs::kill(0, SIGUSR1), 0) << "0 is its own process group";
  EXPECT_EQ(raised_signal, SIGUSR1);
  raised_signal = 0;
  EXPECT_EQ(stubs::killpg(getpid(), SIGUSR1), 0);
  EXPECT_EQ(raised_signal, SIGUSR1);
  std::signal(SIGUSR1, previous);
}

TEST_F(libc_stubs_test, kill_with_signal_zero_answers_that_the_guest_exists) { EXPECT_EQ(stubs::kill(getpid(), 0), 0); }

TEST_F(libc_stubs_test, kill_of_any_other_pid_is_esrch) {
  EXPECT_EQ(stubs::kill(getpid() + 1, SIGTERM), -1);
  EXPECT_EQ(errno, ESRCH);
  errno = 0;
  EXPECT_EQ(stubs::kill(-1, SIGTERM), -1) << "every other process: there is none";
  EXPECT_EQ(errno, ESRCH);
  errno = 0;
  EXPECT_EQ(stubs::killpg(1, SIGTERM), -1);
  EXPECT_EQ(errno, ESRCH);
}

TEST_F(libc_stubs_test, kill_with_an_invalid_signal_is_einval) {
  EXPECT_EQ(stubs::kill(getpid(), 999), -1);
  EXPECT_EQ(errno, SB_EINVAL);
  errno = 0;
  EXPECT_EQ(stubs::killpg(-3, SIGTERM), -1);
  EXPECT_EQ(errno, SB_EINVAL);
}

TEST_F(libc_stubs_test, the_guest_is_nobody_and_its_parent_is_init) {
  EXPECT_EQ(stubs::getuid(), 65534u);
  EXPECT_EQ(stubs::geteuid(), 65534u);
  EXPECT_EQ(stubs::getgid(), 65534u);
  EXPECT_EQ(stubs::getegid(), 65534u);
  EXPECT_EQ(stubs::getppid(), 1);
}

TEST_F(libc_stubs_test, setuid_and_setgid_keep_the_own_id_and_refuse_others) {
  EXPECT_EQ(stubs::setuid(65534), 0);
  EXPECT_EQ(stubs::setgid(65534), 0);
  EXPECT_EQ(stubs::setuid(0), -1);
  EXPECT_EQ(errno, SB_EPERM);
  errno = 0;
  EXPECT_EQ(stubs::setgid(0), -1);
  EXPECT_EQ(errno, SB_EPERM);
  errno = 0;
  EXPECT_EQ(stubs::setsid(), -1);
  EXPECT_EQ(errno, SB_EPERM);
}

TEST_F(libc_stubs_test, chmod_and_fchmod_are_erofs) {
  EXPECT_EQ(stubs::chmod("/etc/app.conf", 0600), -1);
  EXPECT_EQ(errno, SB_EROFS);
  script_fd_open(imports);
  EXPECT_EQ(stubs::fchmod(open_fd, 0600), -1);
  EXPECT_EQ(errno, SB_EROFS);
  script_fd_closed(imports);
  EXPECT_EQ(stubs::fchmod(open_fd, 0600), -1);
  EXPECT_EQ(errno, SB_EBADF);
}

TEST_F(libc_stubs_test, fchdir_of_an_open_fd_is_enosys_and_of_a_closed_one_ebadf) {
  script_fd_open(imports);
  EXPECT_EQ(stubs::fchdir(open_fd), -1);
  EXPECT_EQ(errno, SB_ENOSYS);
  script_fd_closed(imports);
  EXPECT_EQ(stubs::fchdir(open_fd), -1);
  EXPECT_EQ(errno, SB_EBADF);
}

TEST_F(libc_stubs_test, mkstemp_is_erofs_and_leaves_the_pattern_alone) {
  char pattern[] = "/tmp/upload-XXXXXX";
  EXPECT_EQ(stubs::mkstemp(pattern), -1);
  EXPECT_EQ(errno, SB_EROFS);
  EXPECT_STREQ(pattern, "/tmp/upload-XXXXXX");
  char with_suffix[] = "/tmp/pageXXXXXX.html";
  EXPECT_EQ(stubs::mkstemps(with_suffix, 5), -1);
  EXPECT_EQ(errno, SB_EROFS);
}

TEST_F(libc_stubs_test, mkstemp_without_six_x_at_the_end_is_einval) {
  char pattern[] = "/tmp/upload-XXXXX";
  EXPECT_EQ(stubs::mkstemp(pattern), -1);
  EXPECT_EQ(errno, SB_EINVAL);
  char short_pattern[] = "XX";
  EXPECT_EQ(stubs::mkstemps(short_pattern, 1), -1);
  EXPECT_EQ(errno, SB_EINVAL);
}

TEST_F(libc_stubs_test, tzset_does_nothing_and_sets_no_errno) {
  stubs::tzset();
  EXPECT_EQ(errno, 0);
}

}  // namespace
}  // namespace sb::guest::testing
