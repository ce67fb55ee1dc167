#include "frame_pool.hpp"

#include <utility>
#include <vector>

namespace sb::relay {

namespace {

// Two chunks in flight per stream (config max_chunks_in_flight), for two bulk streams.
constexpr std::size_t max_kept = 4;

std::vector<protocol::bytes>& kept() {
  thread_local std::vector<protocol::bytes> frames;
  return frames;
}

}  // namespace

protocol::bytes take_frame_buffer(std::size_t size) {
  auto& frames = kept();
  for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
    if (it->capacity() < size) continue;
    auto frame = std::move(*it);
    frames.erase(std::next(it).base());
    // Shrinking clears nothing; growing within the capacity zeroes only the difference.
    frame.resize(size);
    return frame;
  }
  return protocol::bytes(size);
}

void give_back_frame_buffer(protocol::bytes frame) {
  auto& frames = kept();
  if (frame.capacity() < min_pooled_frame_bytes || frames.size() >= max_kept) return;
  frames.push_back(std::move(frame));
}

void release_frame_buffers() { std::vector<protocol::bytes>().swap(kept()); }

std::size_t kept_frame_bytes() {
  std::size_t bytes = 0;
  for (const auto& frame : kept()) bytes += frame.capacity();
  return bytes;
}

}  // namespace sb::relay
