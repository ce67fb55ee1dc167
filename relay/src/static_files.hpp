// static_files: mapping request targets to files under the web root, safely.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb::relay {

// Content-Type for a file name (by extension); application/octet-stream if unknown.
std::string_view mime_type(std::string_view path);

// The file a request target names under root ("/" → index.html), or nothing if
// the target is malformed or would leave the root (".." segments, backslashes, NUL).
std::optional<std::filesystem::path> resolve_target(const std::filesystem::path& root, std::string_view target);

// True if file exists and, with every symlink followed, still lies under root
// (a link inside the site must not expose the rest of the disk).
bool stays_inside(const std::filesystem::path& root, const std::filesystem::path& file);

// CORS for the static site (--cors-origin): the Access-Control-Allow-Origin
// value for a request from origin, or "" (send no CORS headers). allowed holds
// exact origins ("https://docs.example", scheme://host[:port]) or "*" for any
// page; a request without an Origin header gets none. An exact match is
// echoed, so responses then vary by Origin.
std::string_view cors_allow_origin(const std::vector<std::string>& allowed, std::string_view origin);

}  // namespace sb::relay
