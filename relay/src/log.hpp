// JSON log lines on stderr: one object per event, never payload bytes.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace sb::relay {

enum class log_level { info, warn, error };

// Events below this level are dropped (default: info, i.e. everything). For
// programs that embed the relay core and do not want its per-session lines.
void set_log_threshold(log_level level);

// Writes {"ts":..., "level":..., "event":..., ...fields} as one line. Thread-safe.
void log_event(log_level level, std::string_view event, nlohmann::json fields = nlohmann::json::object());

}  // namespace sb::relay
