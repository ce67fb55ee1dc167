// The fd table: which object (stdio stream, socket or pipe end, file) each fd
// names, and how many fds name each object, so dup() can share one object
// between fds and the last close releases it (kernel.hpp says more).
#include "sockbridge/host/kernel.hpp"

namespace sb::host {
namespace {

constexpr std::int32_t error(std::int32_t errno_value) { return -errno_value; }

bool is_stdio_object(std::int32_t object) { return object >= 0 && object < first_socket_fd; }

}  // namespace

std::int32_t kernel::object_of(std::int32_t fd) const {
  auto it = fds_.find(fd);
  return it == fds_.end() ? -1 : it->second;
}

std::int32_t kernel::lowest_free_fd(std::int32_t lowest) const {
  std::int32_t fd = lowest;
  for (auto it = fds_.lower_bound(lowest); it != fds_.end() && it->first == fd; ++it) ++fd;
  return fd;
}

std::pair<std::int32_t, std::int32_t> kernel::open_object() {
  const auto fd = lowest_free_fd();
  // A stdio stream's id is never reused, nor an id a dup()ed object still has.
  const bool id_free = !is_stdio_object(fd) && !fd_counts_.contains(fd);
  const auto object = id_free ? fd : next_hidden_object_++;
  fds_[fd] = object;
  fd_counts_[object] = 1;
  return {fd, object};
}

std::int32_t kernel::dup(std::int32_t fd, std::int32_t lowest) {
  const auto object = object_of(fd);
  if (object < 0) return error(SB_EBADF);
  if (lowest < 0 || lowest >= max_open_fds) return error(SB_EINVAL);
  const auto new_fd = lowest_free_fd(lowest);
  if (new_fd >= max_open_fds || fds_full()) return error(SB_EMFILE);
  fds_[new_fd] = object;
  ++fd_counts_[object];
  return new_fd;
}

std::int32_t kernel::dup_onto(std::int32_t fd, std::int32_t target) {
  const auto object = object_of(fd);
  if (object < 0 || target < 0 || target >= max_open_fds || fds_.contains(target)) return error(SB_EBADF);
  fds_[target] = object;
  ++fd_counts_[object];
  return target;
}

std::int32_t kernel::reserve_fd() {
  if (reserved_objects_.size() >= max_open_files || fds_full()) return error(SB_EMFILE);
  const auto [fd, object] = open_object();
  reserved_objects_.insert(object);
  return fd;
}

bool kernel::release_fd(std::int32_t fd) {
  auto it = fds_.find(fd);
  if (it == fds_.end()) return false;
  const auto object = it->second;
  fds_.erase(it);
  if (--fd_counts_[object] > 0 || is_stdio_object(object)) return false;
  fd_counts_.erase(object);
  reserved_objects_.erase(object);
  return true;
}

std::vector<std::pair<std::int32_t, const socket*>> kernel::open_sockets() const {
  std::vector<std::pair<std::int32_t, const socket*>> open;
  for (const auto& [fd, object] : fds_)
    if (auto it = sockets_.find(object); it != sockets_.end()) open.emplace_back(fd, &it->second);
  return open;
}

}  // namespace sb::host
