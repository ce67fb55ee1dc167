// rate_limiter: a token bucket holding one second of traffic, for the
// session_bytes_per_second limit. Going over it never drops data: the caller
// waits the returned time before reading more (its peer's TCP window, or the
// client's Wisp buffer, then pushes back).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace sb::relay {

class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;

  // bytes_per_second 0 = unlimited.
  explicit rate_limiter(std::uint64_t bytes_per_second) : rate_(bytes_per_second), tokens_(rate_to_double()) {}

  // Bytes that may move at now without a pause (the largest value when unlimited).
  std::uint64_t allowance(clock::time_point now) const {
    if (rate_ == 0) return UINT64_MAX;
    double tokens = tokens_;
    if (last_ != clock::time_point{})
      tokens =
          std::min(rate_to_double(), tokens + std::chrono::duration<double>(now - last_).count() * rate_to_double());
    return tokens > 0 ? static_cast<std::uint64_t>(tokens) : 0;
  }

  // Counts bytes moved at now; returns how long to pause before moving more (zero if under the rate).
  clock::duration consume(std::uint64_t bytes, clock::time_point now) {
    if (rate_ == 0) return clock::duration::zero();
    if (last_ != clock::time_point{}) {
      const double elapsed = std::chrono::duration<double>(now - last_).count();
      tokens_ = std::min(rate_to_double(), tokens_ + elapsed * rate_to_double());
    }
    last_ = now;
    tokens_ -= static_cast<double>(bytes);
    if (tokens_ >= 0) return clock::duration::zero();
    return std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(-tokens_ / rate_to_double()));
  }

 private:
  double rate_to_double() const { return static_cast<double>(rate_); }

  std::uint64_t rate_;
  double tokens_;
  clock::time_point last_{};
};

}  // namespace sb::relay
