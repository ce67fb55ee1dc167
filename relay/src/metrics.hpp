// metrics: the relay's counters and gauges, rendered for Prometheus at
// /metrics. Process-wide (like a Prometheus client's default registry);
// updates are relaxed atomics, cheap enough for every packet.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace sb::relay {

class relay_metrics {
 public:
  // Upper bounds (seconds) of the connect latency histogram buckets.
  static constexpr std::array<double, 12> connect_buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                             0.05,   0.1,   0.25,   0.5,   1,    5};

  std::atomic<std::int64_t> sessions{0};
  std::atomic<std::uint64_t> sessions_total{0};
  std::atomic<std::int64_t> streams_connecting{0};
  std::atomic<std::int64_t> streams_open{0};
  std::atomic<std::int64_t> listeners{0};
  std::atomic<std::uint64_t> streams_total{0};
  std::atomic<std::uint64_t> bytes_from_clients{0};  // DATA payload the relay wrote to targets
  std::atomic<std::uint64_t> bytes_to_clients{0};    // DATA payload the relay read from targets

  // A request, session or stream refused, by reason ("loopback", "deny_list", "max_sessions", "origin", …).
  void count_denial(std::string_view reason);
  void observe_connect(std::chrono::steady_clock::duration elapsed);
  std::uint64_t denials(std::string_view reason) const;

  // The Prometheus text exposition format (version 0.0.4).
  std::string render() const;

 private:
  mutable std::mutex denials_mutex_;
  std::map<std::string, std::uint64_t, std::less<>> denials_;
  std::array<std::atomic<std::uint64_t>, connect_buckets.size() + 1> connect_counts_{};  // last: +Inf
  std::atomic<std::uint64_t> connect_micros_sum_{0};
};

// The process's metrics.
relay_metrics& metrics();

}  // namespace sb::relay
