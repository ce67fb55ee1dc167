#include "static_files.hpp"

#include <algorithm>
#include <array>
#include <system_error>
#include <utility>

namespace sb::relay {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 12> mime_types = {{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".wasm", "application/wasm"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".png", "image/png"},
    {".svg", "image/svg+xml"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
    {".md", "text/markdown; charset=utf-8"},
    {".map", "application/json"},
}};

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

std::string_view mime_type(std::string_view path) {
  for (const auto& [extension, type] : mime_types)
    if (ends_with(path, extension)) return type;
  return "application/octet-stream";
}

std::optional<std::filesystem::path> resolve_target(const std::filesystem::path& root, std::string_view target) {
  const auto query = target.find_first_of("?#");
  std::string_view path = target.substr(0, query);
  if (path.empty() || path.front() != '/') return std::nullopt;
  if (path.find('\\') != std::string_view::npos || path.find('\0') != std::string_view::npos) return std::nullopt;
  if (path.find('%') != std::string_view::npos) return std::nullopt;  // no encoded names are served
  std::filesystem::path relative;
  std::size_t start = 1;
  while (start <= path.size()) {
    const auto end = std::min(path.find('/', start), path.size());
    const auto segment = path.substr(start, end - start);
    if (segment == "..") return std::nullopt;
    if (!segment.empty() && segment != ".") relative /= std::string(segment);
    start = end + 1;
  }
  if (relative.empty() || path.back() == '/') relative /= "index.html";
  return root / relative;
}

bool stays_inside(const std::filesystem::path& root, const std::filesystem::path& file) {
  std::error_code ec;
  const auto real_root = std::filesystem::canonical(root, ec);
  if (ec) return false;
  const auto real_file = std::filesystem::canonical(file, ec);
  if (ec) return false;
  const auto mismatch = std::mismatch(real_root.begin(), real_root.end(), real_file.begin(), real_file.end());
  return mismatch.first == real_root.end();
}

std::string_view cors_allow_origin(const std::vector<std::string>& allowed, std::string_view origin) {
  if (origin.empty()) return {};
  if (std::find(allowed.begin(), allowed.end(), "*") != allowed.end()) return "*";
  return std::find(allowed.begin(), allowed.end(), origin) != allowed.end() ? origin : std::string_view{};
}

}  // namespace sb::relay
