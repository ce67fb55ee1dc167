// main() of the relay tests that name addresses other than loopback: moves the
// process into the isolated network of netns.hpp before GoogleTest runs any
// test (namespaces must be made while the process has one thread). ctest runs
// each test as its own process, so each test gets a fresh namespace.
//
// Exit code 77 (the tests' SKIP_RETURN_CODE) when this system does not let us
// create the namespaces or has no `ip`; any other setup failure is an error.
#include <errno.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <set>
#include <string>
#include <vector>

#include "netns.hpp"

namespace {

constexpr int exit_skip = 77;
bool redirected = false;

[[noreturn]] void give_up(int code, const std::string& why) {
  std::fprintf(stderr, "%s: %s\n", code == exit_skip ? "skipped" : "netns setup failed", why.c_str());
  std::exit(code);
}

bool write_file(const char* path, const std::string& text) {
  std::ofstream out(path);
  return static_cast<bool>(out << text << std::flush);
}

// A network and a mount namespace of our own; as a user without CAP_SYS_ADMIN,
// inside a user namespace in which we are root.
void enter_namespaces() {
  if (unshare(CLONE_NEWNET | CLONE_NEWNS) == 0) return;
  const auto uid = geteuid();
  const auto gid = getegid();
  if (unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS) != 0)
    give_up(exit_skip, std::string("cannot create a network namespace: ") + std::strerror(errno));
  if (!write_file("/proc/self/setgroups", "deny") ||
      !write_file("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1") ||
      !write_file("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1"))
    give_up(exit_skip, "cannot map our user into the new user namespace");
}

// Runs `ip args…`; stops the program if it fails.
void ip(std::initializer_list<const char*> args) {
  std::vector<char*> argv = {const_cast<char*>("ip")};
  for (const char* arg : args) argv.push_back(const_cast<char*>(arg));
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    execvp("ip", argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  std::string command = "ip";
  for (const char* arg : args) command += std::string(" ") + arg;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) give_up(exit_skip, "`ip` (iproute2) is not installed");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) give_up(EXIT_FAILURE, command);
}

// Loopback, and a veth pair whose far end drops everything: a route to
// 198.51.100.0/24 and 2001:db8:5::/64, and fixed neighbour entries (no ARP or
// neighbour discovery to fail fast) for addresses nobody owns.
void build_network() {
  ip({"link", "set", "lo", "up"});
  ip({"link", "add", "sbhole0", "type", "veth", "peer", "name", "sbhole1"});
  ip({"link", "set", "sbhole1", "up"});
  ip({"link", "set", "sbhole0", "up"});
  ip({"addr", "add", "198.51.100.1/24", "dev", "sbhole0"});
  ip({"-6", "addr", "add", "2001:db8:5::1/64", "dev", "sbhole0", "nodad"});
  ip({"neigh", "add", netns::black_hole_v4, "lladdr", "02:00:00:00:00:02", "dev", "sbhole0", "nud", "permanent"});
  ip({"-6", "neigh", "add", netns::black_hole_v6, "lladdr", "02:00:00:00:00:02", "dev", "sbhole0", "nud", "permanent"});
}

// The guarantee the tests rely on: no interface but ours exists here.
void check_isolated() {
  const std::set<std::string> expected = {"lo", "sbhole0", "sbhole1"};
  auto* interfaces = if_nameindex();
  if (!interfaces) give_up(EXIT_FAILURE, "if_nameindex");
  std::string unexpected;
  for (auto* i = interfaces; i->if_index != 0; ++i)
    if (expected.count(i->if_name) == 0) unexpected += std::string(" ") + i->if_name;
  if_freenameindex(interfaces);
  if (!unexpected.empty()) give_up(EXIT_FAILURE, "unexpected interfaces in the test namespace:" + unexpected);
}

// /etc/resolv.conf, in this mount namespace only, names 127.0.0.1: unanswered
// queries show a DNS timeout, refused ones (nobody listening) fail at once.
void redirect_resolver() {
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return;  // never leak a mount to the host
  char path[] = "/tmp/sockbridge-resolv-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return;
  const std::string text = std::string("nameserver ") + netns::dns_server +
                           "\noptions timeout:" + std::to_string(netns::resolver_give_up_seconds) + " attempts:1\n";
  const bool written = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  redirected = written && mount(path, "/etc/resolv.conf", nullptr, MS_BIND, nullptr) == 0;
  unlink(path);  // the bind mount keeps the file
}

}  // namespace

bool netns::resolver_redirected() { return redirected; }

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  if (!testing::GTEST_FLAG(list_tests)) {
    enter_namespaces();
    build_network();
    check_isolated();
    redirect_resolver();
  }
  return RUN_ALL_TESTS();
}
