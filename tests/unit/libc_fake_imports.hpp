// A fake of the posix_sockets imports for the libc layer's native tests:
// every call is recorded with its arguments and the bytes the host would
// read; each returns the next reply scripted for that import, writing the
// reply's bytes where the host would write them. An import called without a
// scripted reply fails the test and returns -SB_ENOSYS.
#ifndef SOCKBRIDGE_TESTS_LIBC_FAKE_IMPORTS_HPP
#define SOCKBRIDGE_TESTS_LIBC_FAKE_IMPORTS_HPP

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "guest/include/posix_sockets.h"

namespace sb::guest::testing {

struct import_call {
  std::string name = {};                   // "recv", "getaddrinfo", … (the import's name), or "fcntl"
  std::vector<std::int64_t> args = {};     // the integer arguments, in order (lengths as passed, *addrlen as read)
  std::vector<const void*> pointers = {};  // the pointer arguments, in order
  std::string input = {};                  // bytes read from the first buffer: payload, address, option value, name
  std::string input_address = {};          // sendto's destination address
  std::vector<std::int16_t> events = {};   // poll: each entry's events …
  std::vector<std::int32_t> fds = {};      // … and fd
};

struct reply {
  std::int32_t result = 0;
  std::string output = {};              // written to the call's buffer: received bytes, option value, address slots
  std::string address = {};             // written to addr, its size to *addrlen (recvfrom, accept, getsockname…)
  std::vector<std::int16_t> revents{};  // poll: written to each entry in order
};

class fake_imports {
 public:
  void script(const std::string& name, reply next) { replies_[name].push_back(std::move(next)); }
  // The next reply for name, recording the call; ENOSYS (and a test failure) if none is left.
  reply answer(import_call call);
  // The guest's /etc files: path → contents (a path not here does not exist).
  std::map<std::string, std::string> files;
  std::vector<import_call> calls;
  // Replies scripted but never asked for, by import name.
  std::vector<std::string> unused_replies() const;
  void reset();

 private:
  std::map<std::string, std::deque<reply>> replies_;
};

fake_imports& fake();

// Resets the fake and errno for each test; fails a test that left scripted replies unused.
class libc_test : public ::testing::Test {
 protected:
  void SetUp() override {
    fake().reset();
    errno = 0;
  }
  void TearDown() override { EXPECT_TRUE(fake().unused_replies().empty()) << "an import was not called"; }
  fake_imports& imports = fake();
};

// A getaddrinfo result slot as the host writes it: a sockaddr_in (or _in6) with port 0, in SB_SOCKADDR_IN6_SIZE bytes.
std::string ipv4_slot(const char* dotted);
std::string ipv6_slot(const char* text);

}  // namespace sb::guest::testing

#endif
