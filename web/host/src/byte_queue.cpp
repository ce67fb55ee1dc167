#include "sockbridge/host/byte_queue.hpp"

#include <algorithm>

namespace sb::host {

void byte_queue::push(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return;
  chunks_.emplace_back(bytes.begin(), bytes.end());
  size_ += bytes.size();
}

std::size_t byte_queue::consume(std::size_t max, bool peek,
                                const std::function<bool(std::span<const std::uint8_t>)>& sink) {
  std::size_t handed = 0;
  std::size_t offset = front_offset_;
  for (auto chunk = chunks_.begin(); chunk != chunks_.end() && handed < max; ++chunk) {
    const auto piece = std::min(chunk->size() - offset, max - handed);
    if (!sink(std::span(chunk->data() + offset, piece))) break;
    handed += piece;
    offset = 0;
  }
  if (peek) return handed;
  size_ -= handed;
  auto remaining = handed;
  while (remaining > 0) {
    auto available = chunks_.front().size() - front_offset_;
    if (remaining < available) {
      front_offset_ += remaining;
      break;
    }
    remaining -= available;
    chunks_.pop_front();
    front_offset_ = 0;
  }
  return handed;
}

}  // namespace sb::host
