// stream_table: the one way a stream enters a session (ids, drain, limits)
// and leaves it (forget), and how the relay numbers the streams it opens.
#include "stream_table.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace sb::relay {
namespace {

using admission = stream_table::admission;

// A stream that only knows its id.
struct probe_stream : stream {
  explicit probe_stream(std::uint32_t stream_id) : id(stream_id) {}
  void write(protocol::byte_view) override {}
  void shutdown_send() override {}
  void open_window(std::uint32_t) override {}
  void abort() override {}
  clock::time_point deadline() const override { return due_at; }
  std::uint32_t id;
  clock::time_point due_at = clock::time_point::max();
};

auto make_probe() {
  return [](std::uint32_t id) { return std::make_shared<probe_stream>(id); };
}

relay_config limits(std::size_t per_session, std::size_t total) {
  relay_config config;
  config.max_streams_per_session = per_session;
  config.max_streams_total = total;
  return config;
}

TEST(stream_table, client_ids_are_refused_on_stream_zero_in_the_relays_space_and_while_in_use) {
  const auto config = limits(8, 100000);
  stream_table table(config);
  EXPECT_EQ(table.admit(0u, false, make_probe()).first, admission::session_stream_id);
  EXPECT_EQ(table.admit(protocol::relay_stream_id_bit | 5, false, make_probe()).first, admission::relay_stream_id);
  const auto [first, opened] = table.admit(5u, false, make_probe());
  ASSERT_EQ(first, admission::admitted);
  EXPECT_EQ(opened->id, 5u);
  EXPECT_EQ(table.find(5), opened.get());
  // An id in use is named as such even while draining: the reuse rule comes first.
  EXPECT_EQ(table.admit(5u, true, make_probe()).first, admission::id_in_use);
  EXPECT_EQ(table.size(), 1u);
}

TEST(stream_table, the_drain_and_the_per_session_limit_refuse_and_forget_gives_the_slot_back) {
  const auto config = limits(2, 100000);
  stream_table table(config);
  EXPECT_EQ(table.admit(1u, true, make_probe()).first, admission::draining);
  EXPECT_EQ(table.admit(1u, false, make_probe()).first, admission::admitted);
  EXPECT_EQ(table.admit(std::nullopt, false, make_probe()).first, admission::admitted);
  EXPECT_EQ(table.admit(3u, false, make_probe()).first, admission::max_streams_per_session);
  const auto gone = table.forget(1);
  ASSERT_NE(gone, nullptr);
  EXPECT_EQ(table.find(1), nullptr);
  EXPECT_EQ(table.forget(1), nullptr);  // forgotten once only
  EXPECT_EQ(table.admit(3u, false, make_probe()).first, admission::admitted);
}

TEST(stream_table, the_relay_numbers_its_streams_from_the_high_bit_up_without_reusing_a_forgotten_id) {
  const auto config = limits(8, 100000);
  stream_table table(config);
  const auto first = table.admit(std::nullopt, false, make_probe()).second;
  const auto second = table.admit(std::nullopt, false, make_probe()).second;
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(first->id, protocol::relay_stream_id_bit | 1);
  EXPECT_EQ(second->id, protocol::relay_stream_id_bit | 2);
  table.forget(first->id);
  EXPECT_EQ(table.admit(std::nullopt, false, make_probe()).second->id, protocol::relay_stream_id_bit | 3);
}

TEST(stream_table, the_total_limit_counts_the_streams_of_every_table) {
  const auto config = limits(8, 3);
  stream_table one(config);
  stream_table other(config);
  EXPECT_EQ(one.admit(1u, false, make_probe()).first, admission::admitted);
  EXPECT_EQ(other.admit(1u, false, make_probe()).first, admission::admitted);
  EXPECT_EQ(other.admit(std::nullopt, false, make_probe()).first, admission::admitted);
  EXPECT_EQ(one.admit(2u, false, make_probe()).first, admission::max_streams_total);
  // forget_all gives every slot back; the streams are the caller's to abort.
  const auto ended = other.forget_all();
  EXPECT_EQ(ended.size(), 2u);
  EXPECT_TRUE(other.empty());
  EXPECT_EQ(one.admit(2u, false, make_probe()).first, admission::admitted);
}

// The session's one timer (idle_timer.hpp) waits for the earliest deadline
// of its streams and then ends those that are due.
TEST(stream_table, the_earliest_deadline_and_the_streams_due_by_a_time) {
  const auto config = limits(8, 100000);
  stream_table table(config);
  using clock = stream::clock;
  EXPECT_EQ(table.earliest_deadline(), clock::time_point::max());  // no stream: nothing to wake for
  const auto now = clock::now();
  auto early = table.admit(1u, false, make_probe()).second;
  auto late = table.admit(2u, false, make_probe()).second;
  table.admit(3u, false, make_probe());  // a listener, say: no deadline
  early->due_at = now + std::chrono::seconds(1);
  late->due_at = now + std::chrono::seconds(5);
  EXPECT_EQ(table.earliest_deadline(), early->due_at);
  EXPECT_TRUE(table.due(now).empty());
  const auto due = table.due(now + std::chrono::seconds(1));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due.front().get(), early.get());
  EXPECT_EQ(table.due(now + std::chrono::seconds(9)).size(), 2u);
  table.forget(1);
  EXPECT_EQ(table.earliest_deadline(), late->due_at);
}

}  // namespace
}  // namespace sb::relay
