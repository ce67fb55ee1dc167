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

// True if file exists and, with every symlink followed, still lies under root
// (a link inside the site must not expose the rest of the disk).
bool stays_inside(const std::filesystem::path& root, const std::filesystem::path& file);

}  // namespace sb::relay
