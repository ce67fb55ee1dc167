// frame_pool: large written frames are reused by the next read on the same
// thread, small ones are not kept, a thread keeps only a few, and
// release_frame_buffers (what the idle relay calls on each I/O thread) frees them.
#include "frame_pool.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace sb::relay {
namespace {

constexpr std::size_t chunk = 256 * 1024 + 5;

TEST(frame_pool, a_written_frame_is_the_next_read_s_buffer) {
  release_frame_buffers();
  auto frame = take_frame_buffer(chunk);
  ASSERT_EQ(frame.size(), chunk);
  frame[chunk - 1] = 0x5a;
  const auto* storage = frame.data();
  give_back_frame_buffer(std::move(frame));
  EXPECT_GE(kept_frame_bytes(), chunk);
  auto again = take_frame_buffer(chunk - 100);
  EXPECT_EQ(again.data(), storage) << "the kept buffer, not a new one";
  EXPECT_EQ(again.size(), chunk - 100);
  EXPECT_EQ(kept_frame_bytes(), 0u);
  auto bigger = take_frame_buffer(2 * chunk);
  EXPECT_EQ(bigger.size(), 2 * chunk) << "nothing kept is large enough: a new frame";
  release_frame_buffers();
}

TEST(frame_pool, small_frames_are_not_kept_and_few_large_ones_are) {
  release_frame_buffers();
  give_back_frame_buffer(protocol::bytes(100));
  EXPECT_EQ(kept_frame_bytes(), 0u);
  for (int i = 0; i < 10; ++i) give_back_frame_buffer(protocol::bytes(chunk));
  EXPECT_GE(kept_frame_bytes(), 4 * chunk);
  EXPECT_LT(kept_frame_bytes(), 5 * chunk) << "a thread keeps at most four";
  release_frame_buffers();
  EXPECT_EQ(kept_frame_bytes(), 0u);
}

TEST(frame_pool, each_thread_keeps_its_own) {
  release_frame_buffers();
  give_back_frame_buffer(protocol::bytes(chunk));
  std::size_t other = 1;
  std::thread([&] { other = kept_frame_bytes(); }).join();
  EXPECT_EQ(other, 0u);
  EXPECT_GE(kept_frame_bytes(), chunk);
  release_frame_buffers();
}

}  // namespace
}  // namespace sb::relay
