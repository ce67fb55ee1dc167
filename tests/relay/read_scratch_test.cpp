// read_scratch: a buffer per thread, grown on demand, and none left after
// release_read_scratch (what the idle relay calls on each I/O thread).
#include "read_scratch.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace sb::relay {
namespace {

TEST(read_scratch, grows_and_is_released) {
  release_read_scratch();
  EXPECT_EQ(read_scratch_capacity(), 0u);
  auto* const first = read_scratch(1000);
  ASSERT_NE(first, nullptr);
  EXPECT_GE(read_scratch_capacity(), 1000u);
  EXPECT_EQ(read_scratch(10), first) << "a smaller read reuses the buffer";
  read_scratch(65536);
  EXPECT_GE(read_scratch_capacity(), 65536u);
  release_read_scratch();
  EXPECT_EQ(read_scratch_capacity(), 0u);
}

TEST(read_scratch, each_thread_has_its_own) {
  read_scratch(4096);
  std::size_t other_before = 1, other_after = 0;
  std::thread([&] {
    other_before = read_scratch_capacity();
    read_scratch(100);
    other_after = read_scratch_capacity();
    release_read_scratch();
  }).join();
  EXPECT_EQ(other_before, 0u);
  EXPECT_GE(other_after, 100u);
  EXPECT_GE(read_scratch_capacity(), 4096u) << "another thread's release leaves this thread's buffer";
  release_read_scratch();
}

}  // namespace
}  // namespace sb::relay
