// lookup_pool: answers come back on the caller's executor, a cancelled lookup
// never answers, and its handler is let go on that executor.
#include "lookup_pool.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
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
  pool.async_lookup("localhost", 4, context.get_executor(), [&done](auto ec, auto addresses) {
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
  pool.async_lookup("", 0, context.get_executor(), [&done](auto ec, auto addresses) {
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
  auto lookup = pool.async_lookup("localhost", 0, context.get_executor(),
                                  [&cancelled_answered, held](auto, auto) { cancelled_answered = true; });
  held.reset();
  lookup->cancel();
  std::optional<answer> done;
  pool.async_lookup("localhost", 0, context.get_executor(), [&done](auto ec, auto addresses) {
    done = answer{ec, std::move(addresses), {}};
  });
  run_until(context, done);
  ASSERT_TRUE(done);
  EXPECT_FALSE(cancelled_answered);
  EXPECT_TRUE(watch.expired()) << "the cancelled lookup still holds what its handler captured";
}

}  // namespace
}  // namespace sb::relay
