// io_pool: post_to_each runs its handler once on every I/O thread, which is
// how the idle relay reaches each thread's own buffers (memory_release).
#include "io_pool.hpp"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <mutex>
#include <set>
#include <thread>

namespace sb::relay {
namespace {

TEST(io_pool, post_to_each_runs_once_on_every_thread) {
  io_pool pool(3, 1);
  ASSERT_EQ(pool.size(), 3u);
  std::mutex mutex;
  std::multiset<std::thread::id> ran_on;
  std::size_t left = pool.size();
  pool.post_to_each([&] {
    std::lock_guard lock(mutex);
    ran_on.insert(std::this_thread::get_id());
    if (--left == 0) pool.stop();
  });
  pool.run();
  EXPECT_EQ(ran_on.size(), 3u);
  for (const auto& id : ran_on) EXPECT_EQ(ran_on.count(id), 1u) << "twice on one thread";
}

}  // namespace
}  // namespace sb::relay
