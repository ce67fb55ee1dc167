// write_queue: frames go out one at a time in the order they were sent, each
// sender hears of its frame once it is written, a frame sent from on_sent
// waits its turn, and after close() or a failed write nothing more goes out.
#include "write_queue.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace sb::relay {
namespace {

protocol::bytes frame_of(std::uint8_t byte) { return protocol::bytes(100, byte); }

// Writes what the queue gives until it has nothing, as the session's
// do_write/on_write pair does; returns the first byte of each frame written.
std::vector<int> write_all(write_queue& queue) {
  std::vector<int> written;
  while (const auto* frame = queue.next()) {
    written.push_back((*frame)[0]);
    queue.written();
  }
  return written;
}

TEST(write_queue, frames_go_out_one_at_a_time_in_the_order_sent) {
  write_queue queue;
  EXPECT_TRUE(queue.push(frame_of(1)));
  const auto* first = queue.next();
  ASSERT_NE(first, nullptr);
  // A write is under way: later frames wait, the caller starts nothing, and
  // the frame being written stays where it is.
  EXPECT_FALSE(queue.push(frame_of(2)));
  EXPECT_FALSE(queue.push(frame_of(3)));
  EXPECT_EQ((*first)[0], 1);
  EXPECT_EQ(first->size(), 100u);
  queue.written();
  EXPECT_EQ(write_all(queue), (std::vector<int>{2, 3}));
  // Empty again: the next frame starts a write.
  EXPECT_TRUE(queue.push(frame_of(4)));
  EXPECT_EQ(write_all(queue), (std::vector<int>{4}));
}

TEST(write_queue, on_sent_runs_once_its_frame_is_written_and_what_it_sends_waits_its_turn) {
  write_queue queue;
  std::vector<int> events;
  queue.push(frame_of(1), [&] {
    events.push_back(-1);
    EXPECT_FALSE(queue.push(frame_of(3)));  // sent from on_sent: after 2, no second write
  });
  queue.push(frame_of(2), [&] { events.push_back(-2); });
  ASSERT_NE(queue.next(), nullptr);
  EXPECT_TRUE(events.empty());
  queue.written();
  EXPECT_EQ(events, (std::vector<int>{-1}));
  EXPECT_EQ(write_all(queue), (std::vector<int>{2, 3}));
  EXPECT_EQ(events, (std::vector<int>{-1, -2}));
}

TEST(write_queue, after_close_queued_and_later_frames_are_dropped_unwritten) {
  write_queue queue;
  bool sent = false;
  queue.push(frame_of(1), [&] { queue.close(); });  // like the session's CLOSE on stream 0
  queue.push(frame_of(2), [&] { sent = true; });
  ASSERT_NE(queue.next(), nullptr);
  queue.written();
  EXPECT_EQ(queue.next(), nullptr);
  EXPECT_TRUE(queue.push(frame_of(3), [&] { sent = true; }));
  EXPECT_EQ(queue.next(), nullptr);
  EXPECT_FALSE(sent);
}

TEST(write_queue, a_failed_write_drops_the_queue_without_on_sent_and_a_later_frame_starts_again) {
  write_queue queue;
  bool sent = false;
  queue.push(frame_of(1), [&] { sent = true; });
  queue.push(frame_of(2), [&] { sent = true; });
  ASSERT_NE(queue.next(), nullptr);
  queue.drop();
  EXPECT_FALSE(sent);
  EXPECT_TRUE(queue.push(frame_of(3)));
  EXPECT_EQ(write_all(queue), (std::vector<int>{3}));
}

}  // namespace
}  // namespace sb::relay
