#include "sockbridge/host/file_tree.hpp"

#include <utility>

#include "posix_sockets.h"

namespace sb::host {
namespace {

// Splits at '/', skipping empty components (repeated slashes); calls visit
// with each component and whether more follow. Stops at the first nonzero result.
template <class Visit>
std::int32_t for_each_component(std::string_view path, Visit visit) {
  std::size_t start = 0;
  while (start < path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    if (end > start) {
      const bool last = path.find_first_not_of('/', end) == std::string_view::npos;
      if (auto e = visit(path.substr(start, end - start), last)) return e;
    }
    start = end + 1;
  }
  return 0;
}

// The devices add_devices provides, as Linux names them.
constexpr std::pair<std::string_view, file_tree::device> standard_devices[] = {
    {"/dev/null", file_tree::device::null},
    {"/dev/random", file_tree::device::random},
    {"/dev/urandom", file_tree::device::random},
};

}  // namespace

file_tree::file_tree() : root_(std::make_unique<node>()) {
  root_->inode = 1;
  root_->parent = root_.get();
}

std::int32_t file_tree::add_file(std::string_view path, std::vector<std::uint8_t> bytes) {
  if (path.size() > max_path_bytes) return SB_ENAMETOOLONG;
  if (path.empty() || path.front() != '/' || path.back() == '/') return SB_EINVAL;
  if (path.find('\0') != std::string_view::npos) return SB_EINVAL;
  // Checked before anything is created, so a refused path leaves no directories behind.
  if (auto e = for_each_component(
          path, [](std::string_view name, bool) { return name == "." || name == ".." ? std::int32_t{SB_EINVAL} : 0; }))
    return e;
  node* file = nullptr;
  bool created = false;
  if (auto e = find_or_create(path, node_kind::file, file, created)) return e;
  if (file->kind == node_kind::directory) return SB_EISDIR;
  file->kind = node_kind::file;
  file->bytes = std::move(bytes);
  return 0;
}

void file_tree::add_devices() {
  for (const auto& [path, kind] : standard_devices) {
    node* device_node = nullptr;
    bool created = false;
    if (find_or_create(path, node_kind::character_device, device_node, created) == 0 && created)
      device_node->device_kind = kind;
  }
}

std::int32_t file_tree::find_or_create(std::string_view path, node_kind kind, node*& out, bool& created) {
  node* dir = root_.get();
  created = false;
  return for_each_component(path, [&](std::string_view name, bool last) -> std::int32_t {
    if (dir->kind != node_kind::directory) return SB_ENOTDIR;
    auto it = dir->children.find(name);
    if (it == dir->children.end()) {
      auto child = std::make_unique<node>();
      child->kind = last ? kind : node_kind::directory;
      child->inode = next_inode_++;
      child->parent = dir;
      it = dir->children.emplace(std::string(name), std::move(child)).first;
      created = last;
    }
    dir = it->second.get();
    if (last) out = dir;
    return 0;
  });
}

std::int32_t file_tree::resolve(const node& dir, std::string_view path, const node*& out) const {
  if (path.empty()) return SB_ENOENT;
  if (path.size() > max_path_bytes) return SB_ENAMETOOLONG;
  if (path.front() == '/') return SB_ENOTCAPABLE;
  const node* at = &dir;
  auto e = for_each_component(path, [&](std::string_view name, bool) -> std::int32_t {
    if (at->kind != node_kind::directory) return SB_ENOTDIR;
    if (name == ".") return 0;
    if (name == "..") {
      at = at->parent;  // the root's parent is the root: ".." cannot leave the tree
      return 0;
    }
    auto it = at->children.find(name);
    if (it == at->children.end()) return SB_ENOENT;
    at = it->second.get();
    return 0;
  });
  if (e) return e;
  if (path.back() == '/' && at->kind != node_kind::directory) return SB_ENOTDIR;
  out = at;
  return 0;
}

}  // namespace sb::host
