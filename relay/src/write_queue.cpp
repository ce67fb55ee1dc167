#include "write_queue.hpp"

#include <utility>

#include "frame_pool.hpp"

namespace sb::relay {

bool write_queue::push(protocol::bytes frame, std::function<void()> on_sent) {
  queue_.push_back({std::move(frame), std::move(on_sent)});
  return !writing_;
}

const protocol::bytes* write_queue::next() {
  if (closed_) queue_.clear();
  writing_ = !queue_.empty();
  return writing_ ? &queue_.front().frame : nullptr;
}

void write_queue::written() {
  auto done = std::move(queue_.front());
  queue_.pop_front();
  give_back_frame_buffer(std::move(done.frame));
  if (done.on_sent) done.on_sent();
}

void write_queue::drop() {
  queue_.clear();
  writing_ = false;
}

}  // namespace sb::relay
