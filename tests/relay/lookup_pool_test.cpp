// lookup_pool: answers come back on the caller's executor, a cancelled lookup
// never answers, and its handler is let go on that executor; a session whose
// lookups hang holds up only itself.
#include "lookup_pool.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace sb::relay {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;

struct answer {
  boost::system::error_code ec;
  std::vector<net::ip::address> addresses;
  std::thread::id thread;
};

// Runs context until done is set or 5 s passed. The lookups are not work of
// the context, so a guard keeps it from stopping while they are under way.
void run_until(net::io_context& context, const std::optional<answer>& done) {
  const auto work = net::make_work_guard(context);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!done && std::chrono::steady_clock::now() < deadline) context.run_for(10ms);
}

TEST(lookup_pool, answers_on_the_callers_executor) {
  net::io_context context;
  lookup_pool pool(2);
  std::optional<answer> done;
  pool.async_lookup(0, "localhost", 4, context.get_executor(), [&done](auto ec, auto addresses) {
    done = answer{ec, std::move(addresses), std::this_thread::get_id()};
  });
  run_until(context, done);
  ASSERT_TRUE(done) << "no answer";
  EXPECT_FALSE(done->ec) << done->ec.message();
  EXPECT_EQ(done->thread, std::this_thread::get_id());
  EXPECT_NE(std::find(done->addresses.begin(), done->addresses.end(), net::ip::make_address("127.0.0.1")),
            done->addresses.end());
}

TEST(lookup_pool, name_that_cannot_exist_answers_with_an_error) {
  net::io_context context;
  lookup_pool pool(1);
  std::optional<answer> done;
  pool.async_lookup(0, "", 0, context.get_executor(), [&done](auto ec, auto addresses) {
    done = answer{ec, std::move(addresses), {}};
  });
  run_until(context, done);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->ec.category(), getaddrinfo_category());
  EXPECT_FALSE(done->ec.message().empty());
  EXPECT_TRUE(done->addresses.empty());
}

// One worker takes lookups in order: once the second answered, the first,
// cancelled, is over too, and it never called its handler.
TEST(lookup_pool, cancelled_lookup_never_answers_and_lets_its_handler_go) {
  net::io_context context;
  lookup_pool pool(1);
  bool cancelled_answered = false;
  auto held = std::make_shared<int>(0);
  std::weak_ptr<int> watch = held;
  auto lookup = pool.async_lookup(0, "localhost", 0, context.get_executor(),
                                  [&cancelled_answered, held](auto, auto) { cancelled_answered = true; });
  held.reset();
  lookup->cancel();
  std::optional<answer> done;
  pool.async_lookup(0, "localhost", 0, context.get_executor(), [&done](auto ec, auto addresses) {
    done = answer{ec, std::move(addresses), {}};
  });
  run_until(context, done);
  ASSERT_TRUE(done);
  EXPECT_FALSE(cancelled_answered);
  EXPECT_TRUE(watch.expired()) << "the cancelled lookup still holds what its handler captured";
}

// A stand-in resolver: names starting with "hang" block until released (a
// DNS server that never answers); every name resolves to 192.0.2.1. It
// records how many lookups ran at once.
class hanging_resolver {
 public:
  lookup_function function() {
    return [this](const std::string& host, std::uint8_t, std::vector<net::ip::address>& found) {
      const auto now = ++running_;
      for (auto most = most_at_once_.load(); now > most && !most_at_once_.compare_exchange_weak(most, now);) {
      }
      if (host.rfind("hang", 0) == 0) {
        std::unique_lock lock(mutex_);
        released_.wait(lock, [this] { return release_; });
      }
      --running_;
      found.push_back(net::ip::make_address("192.0.2.1"));
      return boost::system::error_code{};
    };
  }
  void release() {
    std::lock_guard lock(mutex_);
    release_ = true;
    released_.notify_all();
  }
  int running() const { return running_; }
  int most_at_once() const { return most_at_once_; }

 private:
  std::atomic<int> running_{0}, most_at_once_{0};
  std::mutex mutex_;
  std::condition_variable released_;
  bool release_ = false;
};

TEST(lookup_pool, an_owner_whose_lookups_hang_holds_up_only_itself) {
  net::io_context context;
  hanging_resolver resolver;
  lookup_pool pool(4, resolver.function());  // one worker per owner at most
  ASSERT_EQ(pool.per_owner_limit(), 1u);
  const std::uint64_t hostile = 1, other = 2;
  int hung_answers = 0;
  for (int i = 0; i < 6; ++i)
    pool.async_lookup(hostile, "hang" + std::to_string(i), 0, context.get_executor(),
                      [&hung_answers](auto, auto) { ++hung_answers; });
  std::optional<answer> done;
  pool.async_lookup(other, "fast.example", 0, context.get_executor(), [&done](auto ec, auto addresses) {
    done = answer{ec, std::move(addresses), {}};
  });
  run_until(context, done);
  ASSERT_TRUE(done) << "the other owner's lookup waited behind the hanging ones";
  EXPECT_FALSE(done->ec);
  EXPECT_EQ(resolver.running(), 1) << "the hanging owner ran more than its limit at once";

  resolver.release();
  context.restart();  // run_until ran out of work, which stopped it
  const auto work = net::make_work_guard(context);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (hung_answers < 6 && std::chrono::steady_clock::now() < deadline) context.run_for(10ms);
  EXPECT_EQ(hung_answers, 6) << "released lookups were not all answered";
  EXPECT_LE(resolver.most_at_once(), 2);  // the hanging one and the other owner's
}

TEST(lookup_pool, owners_take_turns_and_each_owner_may_use_a_quarter_of_the_workers) {
  net::io_context context;
  hanging_resolver resolver;
  lookup_pool pool(8, resolver.function());
  ASSERT_EQ(pool.per_owner_limit(), 2u);
  const std::uint64_t first = 1, second = 2;
  int answers = 0;
  for (int i = 0; i < 4; ++i) {
    pool.async_lookup(first, "hang-a" + std::to_string(i), 0, context.get_executor(),
                      [&answers](auto, auto) { ++answers; });
    pool.async_lookup(second, "hang-b" + std::to_string(i), 0, context.get_executor(),
                      [&answers](auto, auto) { ++answers; });
  }
  // Two owners, two workers each: four lookups hang, four wait, workers stay free.
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (resolver.running() < 4 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(resolver.running(), 4);
  resolver.release();
  const auto work = net::make_work_guard(context);
  while (answers < 8 && std::chrono::steady_clock::now() < deadline + 5s) context.run_for(10ms);
  EXPECT_EQ(answers, 8);
}

}  // namespace
}  // namespace sb::relay
