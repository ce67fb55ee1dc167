#include "log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

namespace sb::relay {
namespace {

std::mutex log_mutex;
std::atomic<int> threshold{static_cast<int>(log_level::info)};

const char* level_name(log_level level) {
  switch (level) {
    case log_level::info:
      return "info";
    case log_level::warn:
      return "warn";
    case log_level::error:
      return "error";
  }
  return "info";
}

}  // namespace

void set_log_threshold(log_level level) { threshold = static_cast<int>(level); }

void log_event(log_level level, std::string_view event, nlohmann::json fields) {
  if (static_cast<int>(level) < threshold) return;
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  nlohmann::json line = {
      {"ts", std::chrono::duration<double>(now).count()},
      {"level", level_name(level)},
      {"event", event},
  };
  if (fields.is_object()) line.update(fields);
  const auto text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard lock(log_mutex);
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

}  // namespace sb::relay
