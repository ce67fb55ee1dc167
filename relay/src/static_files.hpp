// static_files: mapping request targets to files under the web root, safely.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

namespace sb::relay {

// Content-Type for a file name (by extension); application/octet-stream if unknown.
std::string_view mime_type(std::string_view path);

// The file a request target names under root ("/" → index.html), or nothing if
// the target is malformed or would leave the root (".." segments, backslashes, NUL).
std::optional<std::filesystem::path> resolve_target(const std::filesystem::path& root, std::string_view target);

}  // namespace sb::relay
