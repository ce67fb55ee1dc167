// byte_queue: received bytes waiting for the guest, kept as the chunks they
// arrived in (no copying on arrival), consumed from the front.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <span>
#include <vector>

namespace sb::host {

class byte_queue {
 public:
  void push(std::span<const std::uint8_t> bytes);
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Hands up to max bytes, front first, to sink in contiguous pieces; removes
  // them unless peek. Stops early if sink returns false. Returns bytes handed over.
  std::size_t consume(std::size_t max, bool peek, const std::function<bool(std::span<const std::uint8_t>)>& sink);

 private:
  std::deque<std::vector<std::uint8_t>> chunks_;
  std::size_t front_offset_ = 0;
  std::size_t size_ = 0;
};

}  // namespace sb::host
