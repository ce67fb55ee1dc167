#include "metrics.hpp"

#include <sstream>

namespace sb::relay {

relay_metrics& metrics() {
  static relay_metrics instance;
  return instance;
}

void relay_metrics::count_denial(std::string_view reason) {
  std::lock_guard lock(denials_mutex_);
  auto it = denials_.find(reason);
  if (it == denials_.end()) it = denials_.emplace(std::string(reason), 0).first;
  ++it->second;
}

std::uint64_t relay_metrics::denials(std::string_view reason) const {
  std::lock_guard lock(denials_mutex_);
  const auto it = denials_.find(reason);
  return it == denials_.end() ? 0 : it->second;
}

void relay_metrics::observe_connect(std::chrono::steady_clock::duration elapsed) {
  const double seconds = std::chrono::duration<double>(elapsed).count();
  std::size_t bucket = 0;
  while (bucket < connect_buckets.size() && seconds > connect_buckets[bucket]) ++bucket;
  connect_counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
  connect_micros_sum_.fetch_add(static_cast<std::uint64_t>(micros), std::memory_order_relaxed);
}

std::string relay_metrics::render() const {
  std::ostringstream out;
  auto family = [&](std::string_view name, std::string_view type, std::string_view help) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
  };
  family("sockbridge_sessions", "gauge", "WebSocket sessions open now.");
  out << "sockbridge_sessions " << sessions.load() << '\n';
  family("sockbridge_sessions_total", "counter", "WebSocket sessions accepted since start.");
  out << "sockbridge_sessions_total " << sessions_total.load() << '\n';
  family("sockbridge_streams", "gauge", "Streams held now, by state.");
  out << "sockbridge_streams{state=\"connecting\"} " << streams_connecting.load() << '\n'
      << "sockbridge_streams{state=\"open\"} " << streams_open.load() << '\n'
      << "sockbridge_streams{state=\"listening\"} " << listeners.load() << '\n';
  family("sockbridge_streams_total", "counter", "Streams opened since start (connects and accepted connections).");
  out << "sockbridge_streams_total " << streams_total.load() << '\n';
  family("sockbridge_bytes_total", "counter",
         "Stream payload bytes: in = from clients to targets, out = from targets to clients.");
  out << "sockbridge_bytes_total{direction=\"in\"} " << bytes_from_clients.load() << '\n'
      << "sockbridge_bytes_total{direction=\"out\"} " << bytes_to_clients.load() << '\n';
  family("sockbridge_denials_total", "counter", "Requests, sessions and streams refused, by reason.");
  {
    std::lock_guard lock(denials_mutex_);
    for (const auto& [reason, count] : denials_)
      out << "sockbridge_denials_total{reason=\"" << reason << "\"} " << count << '\n';
  }
  family("sockbridge_connect_seconds", "histogram", "Time from CONNECT to an established target connection.");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < connect_buckets.size(); ++i) {
    cumulative += connect_counts_[i].load();
    out << "sockbridge_connect_seconds_bucket{le=\"" << connect_buckets[i] << "\"} " << cumulative << '\n';
  }
  cumulative += connect_counts_.back().load();
  out << "sockbridge_connect_seconds_bucket{le=\"+Inf\"} " << cumulative << '\n'
      << "sockbridge_connect_seconds_sum " << static_cast<double>(connect_micros_sum_.load()) / 1e6 << '\n'
      << "sockbridge_connect_seconds_count " << cumulative << '\n';
  return out.str();
}

}  // namespace sb::relay
