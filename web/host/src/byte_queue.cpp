#include "sockbridge/host/byte_queue.hpp"

#include <algorithm>

namespace sb::host {

void byte_queue::push(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return;
  chunks_.push_back({byte_buffer(bytes.begin(), bytes.end()), 0});
  size_ += bytes.size();
}

void byte_queue::push(byte_buffer&& buffer, std::size_t begin) {
  if (begin >= buffer.size()) return;
  size_ += buffer.size() - begin;
  chunks_.push_back({std::move(buffer), begin});
}

std::size_t byte_queue::consume(std::size_t max, bool peek,
                                const std::function<bool(std::span<const std::uint8_t>)>& sink) {
  std::size_t handed = 0;
  for (auto chunk = chunks_.begin(); chunk != chunks_.end() && handed < max; ++chunk) {
    const auto piece = std::min(chunk->bytes.size() - chunk->begin, max - handed);
    if (!sink(std::span(chunk->bytes.data() + chunk->begin, piece))) break;
    handed += piece;
  }
  if (peek) return handed;
  size_ -= handed;
  auto remaining = handed;
  while (remaining > 0) {
    auto& front = chunks_.front();
    const auto available = front.bytes.size() - front.begin;
    if (remaining < available) {
      front.begin += remaining;
      break;
    }
    remaining -= available;
    chunks_.pop_front();
  }
  return handed;
}

}  // namespace sb::host
