// wasi_preview1's file calls over the read-only file_tree: preopen "/",
// path_open, reads, seeks, stat and readdir, and reads of its character
// devices (/dev/null, /dev/random, /dev/urandom). Nothing here can block.
#include <algorithm>
#include <climits>
#include <string>

#include "sockbridge/host/wasi.hpp"
#include "wasi_abi.hpp"

namespace sb::host {
namespace {

using namespace wasi_abi;
using node = file_tree::node;
using node_kind = file_tree::node_kind;

// wasi_snapshot_preview1 values.
constexpr std::uint32_t oflags_creat = 1 << 0;
constexpr std::uint32_t oflags_directory = 1 << 1;
constexpr std::uint32_t oflags_excl = 1 << 2;
constexpr std::uint32_t oflags_trunc = 1 << 3;
constexpr std::uint32_t whence_set = 0;
constexpr std::uint32_t whence_cur = 1;
constexpr std::uint32_t whence_end = 2;
constexpr std::uint64_t right_fd_datasync = 1 << 0;
constexpr std::uint64_t right_fd_read = 1 << 1;
constexpr std::uint64_t right_fd_seek = 1 << 2;
constexpr std::uint64_t right_fd_fdstat_set_flags = 1 << 3;
constexpr std::uint64_t right_fd_tell = 1 << 5;
constexpr std::uint64_t right_fd_write = 1 << 6;
constexpr std::uint64_t right_fd_advise = 1 << 7;
constexpr std::uint64_t right_fd_allocate = 1 << 8;
constexpr std::uint64_t right_fd_filestat_get = 1 << 21;
constexpr std::uint64_t right_fd_filestat_set_size = 1 << 22;
constexpr std::uint64_t right_poll_fd_readwrite = 1 << 27;
// The rights wasi-libc asks for when a file is opened for writing.
constexpr std::uint64_t write_rights =
    right_fd_datasync | right_fd_write | right_fd_allocate | right_fd_filestat_set_size;
constexpr std::uint64_t file_rights = right_fd_read | right_fd_seek | right_fd_fdstat_set_flags | right_fd_tell |
                                      right_fd_advise | right_fd_filestat_get | right_poll_fd_readwrite;
// A directory passes every right on, so path_open sees (and refuses) write requests itself.
constexpr std::uint64_t directory_rights = rights_all;
constexpr std::uint64_t tree_device = 1;
constexpr std::size_t filestat_bytes = 64;
constexpr std::size_t dirent_header_bytes = 24;
constexpr std::size_t prestat_bytes = 8;
constexpr std::uint8_t preopentype_dir = 0;
constexpr std::string_view preopen_name = "/";
// One read returns at most this much, so the count fits the guest's ssize_t.
constexpr std::uint64_t max_read_bytes = INT32_MAX;

std::uint8_t filetype_of(const node& n) {
  switch (n.kind) {
    case node_kind::directory:
      return filetype_directory;
    case node_kind::character_device:
      return filetype_character_device;
    case node_kind::file:
      break;
  }
  return filetype_regular_file;
}

// One dirent (header and name) appended to out.
void append_dirent(std::vector<std::uint8_t>& out, std::uint64_t next_cookie, const node& n, std::string_view name) {
  std::uint8_t header[dirent_header_bytes] = {};
  store_u64(header, next_cookie);
  store_u64(header + 8, n.inode);
  store_u32(header + 16, static_cast<std::uint32_t>(name.size()));
  header[20] = filetype_of(n);
  out.insert(out.end(), header, header + dirent_header_bytes);
  out.insert(out.end(), name.begin(), name.end());
}

std::int32_t write_stat(guest_memory& memory, guest_ptr at, std::uint8_t filetype, std::uint64_t inode,
                        std::uint64_t size) {
  std::uint8_t raw[filestat_bytes] = {};
  store_u64(raw, tree_device);
  store_u64(raw + 8, inode);
  raw[16] = filetype;
  store_u64(raw + 24, 1);  // nlink
  store_u64(raw + 32, size);
  return memory.write(at, raw) ? 0 : SB_EFAULT;
}

}  // namespace

std::int32_t wasi_preview1::add_file(std::string_view path, std::vector<std::uint8_t> bytes) {
  if (auto e = files_.add_file(path, std::move(bytes))) return e;
  const bool preopened =
      std::any_of(open_files_.begin(), open_files_.end(), [](const auto& entry) { return entry.second.preopen; });
  if (preopened) return 0;
  files_.add_devices();
  const auto fd = open_node(files_.root(), true);
  return fd < 0 ? -fd : 0;
}

bool wasi_preview1::discards_writes(const open_file& file) {
  return file.node->kind == node_kind::character_device && file.node->device_kind == file_tree::device::null;
}

wasi_preview1::open_file* wasi_preview1::find_file(std::int32_t fd) {
  auto it = open_files_.find(sockets_.object_of(fd));
  return it == open_files_.end() ? nullptr : &it->second;
}

std::int32_t wasi_preview1::open_node(const node& n, bool preopen) {
  const auto fd = sockets_.reserve_fd();
  if (fd < 0) return fd;
  open_files_[sockets_.object_of(fd)] = {&n, 0, preopen};
  return fd;
}

std::int32_t wasi_preview1::close_file(std::int32_t fd) {
  const auto object = sockets_.object_of(fd);
  if (sockets_.release_fd(fd)) open_files_.erase(object);  // else a dup()ed fd still reads it
  return 0;
}

std::int32_t wasi_preview1::file_fdstat(const open_file& file, guest_ptr stat) {
  std::uint8_t raw[24] = {};
  const bool directory = file.node->kind == node_kind::directory;
  raw[0] = filetype_of(*file.node);
  store_u64(raw + 8, directory ? directory_rights : discards_writes(file) ? file_rights | write_rights : file_rights);
  store_u64(raw + 16, directory ? directory_rights : 0);
  return memory_.write(stat, raw) ? 0 : SB_EFAULT;
}

std::int32_t wasi_preview1::file_seek(open_file& file, std::int64_t offset, std::uint32_t whence,
                                      guest_ptr new_offset) {
  if (file.node->kind == node_kind::directory) return SB_EISDIR;
  if (!memory_.contains(new_offset, 8)) return SB_EFAULT;
  // Linux: a seek on these devices succeeds and reports 0, whatever its arguments.
  if (file.node->kind == node_kind::character_device) return memory_.write_u64(new_offset, 0) ? 0 : SB_EFAULT;
  std::int64_t base = 0;
  if (whence == whence_cur)
    base = static_cast<std::int64_t>(std::min<std::uint64_t>(file.offset, INT64_MAX));
  else if (whence == whence_end)
    base = static_cast<std::int64_t>(file.node->bytes.size());
  else if (whence != whence_set)
    return SB_EINVAL;
  if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0) return SB_EINVAL;
  file.offset = static_cast<std::uint64_t>(base + offset);
  return memory_.write_u64(new_offset, file.offset) ? 0 : SB_EFAULT;
}

std::int32_t wasi_preview1::read_file(const open_file& file, const std::vector<iovec>& vectors, std::uint64_t offset,
                                      std::uint32_t& total) {
  if (file.node->kind == node_kind::directory) return SB_EISDIR;
  if (file.node->kind == node_kind::character_device) return read_device(file.node->device_kind, vectors, total);
  const auto& bytes = file.node->bytes;
  std::uint64_t copied = 0;
  for (const auto& v : vectors) {
    const auto at = offset + copied;
    if (at >= bytes.size() || copied >= max_read_bytes) break;
    const auto piece = std::min<std::uint64_t>({v.len, bytes.size() - at, max_read_bytes - copied});
    if (!memory_.write(v.buf, std::span(bytes).subspan(at, piece))) return SB_EFAULT;
    copied += piece;
  }
  total = static_cast<std::uint32_t>(copied);
  return 0;
}

std::int32_t wasi_preview1::read_device(file_tree::device device, const std::vector<iovec>& vectors,
                                        std::uint32_t& total) {
  std::uint64_t filled = 0;
  if (device == file_tree::device::random) {
    for (const auto& v : vectors) {
      const auto piece = static_cast<std::uint32_t>(std::min<std::uint64_t>(v.len, max_read_bytes - filled));
      if (auto e = random_get(v.buf, piece)) return e;
      filled += piece;
    }
  }
  total = static_cast<std::uint32_t>(filled);
  return 0;
}

std::uint64_t wasi_preview1::readable_bytes(std::int32_t fd) {
  const open_file* file = find_file(fd);
  if (!file) return sockets_.readable_bytes(fd);
  const auto size = file->node->kind == node_kind::file ? file->node->bytes.size() : 0;
  return file->offset < size ? size - file->offset : 0;
}

std::int32_t wasi_preview1::resolve_at(std::int32_t dirfd, guest_ptr path, std::uint32_t path_len, const node*& out) {
  const open_file* dir = find_file(dirfd);
  if (!dir) return SB_EBADF;
  if (dir->node->kind != node_kind::directory) return SB_ENOTDIR;
  if (path_len > max_path_bytes) return SB_ENAMETOOLONG;
  std::string text(path_len, '\0');
  if (!memory_.read(path, std::span(reinterpret_cast<std::uint8_t*>(text.data()), text.size()))) return SB_EFAULT;
  return files_.resolve(*dir->node, text, out);
}

std::int32_t wasi_preview1::write_filestat(const node& n, guest_ptr filestat) {
  return write_stat(memory_, filestat, filetype_of(n), n.inode, n.kind == node_kind::file ? n.bytes.size() : 0);
}

std::int32_t wasi_preview1::fd_prestat_get(std::int32_t fd, guest_ptr prestat) {
  const open_file* file = find_file(fd);
  if (!file || !file->preopen) return SB_EBADF;  // wasi-libc stops looking for preopens here
  std::uint8_t raw[prestat_bytes] = {};
  raw[0] = preopentype_dir;
  store_u32(raw + 4, static_cast<std::uint32_t>(preopen_name.size()));
  return memory_.write(prestat, raw) ? 0 : SB_EFAULT;
}

std::int32_t wasi_preview1::fd_prestat_dir_name(std::int32_t fd, guest_ptr path, std::uint32_t len) {
  const open_file* file = find_file(fd);
  if (!file || !file->preopen) return SB_EBADF;
  if (len < preopen_name.size()) return SB_ENAMETOOLONG;
  const auto* name = reinterpret_cast<const std::uint8_t*>(preopen_name.data());
  return memory_.write(path, std::span(name, preopen_name.size())) ? 0 : SB_EFAULT;
}

std::int32_t wasi_preview1::path_open(std::int32_t dirfd, std::uint32_t lookup_flags, guest_ptr path,
                                      std::uint32_t path_len, std::uint32_t oflags, std::uint64_t rights_base,
                                      std::uint64_t rights_inheriting, std::uint32_t fdflags, guest_ptr opened_fd) {
  (void)lookup_flags;  // the tree has no symbolic links to follow
  (void)rights_inheriting;
  (void)fdflags;
  if (oflags & ~(oflags_creat | oflags_directory | oflags_excl | oflags_trunc)) return SB_EINVAL;
  if (!memory_.contains(opened_fd, 4)) return SB_EFAULT;
  const node* target = nullptr;
  if (auto e = resolve_at(dirfd, path, path_len, target))
    return e == SB_ENOENT && (oflags & oflags_creat) ? SB_EROFS : e;
  // As on Linux, a directory opened to write, create or truncate is EISDIR, not EROFS.
  if (target->kind == node_kind::directory && !(oflags & oflags_excl) &&
      ((oflags & (oflags_creat | oflags_trunc)) || (rights_base & write_rights)))
    return SB_EISDIR;
  // /dev/null alone takes writes (and drops them): servers point stdout at it.
  const bool writable = target->kind == node_kind::character_device && target->device_kind == file_tree::device::null;
  if ((oflags & oflags_excl) ||
      (!writable && ((oflags & (oflags_creat | oflags_trunc)) || (rights_base & write_rights))))
    return SB_EROFS;
  if ((oflags & oflags_directory) && target->kind != node_kind::directory) return SB_ENOTDIR;
  const auto fd = open_node(*target, false);
  if (fd < 0) return -fd;
  return memory_.write_u32(opened_fd, static_cast<std::uint32_t>(fd)) ? 0 : SB_EFAULT;
}

std::int32_t wasi_preview1::fd_pread(std::int32_t fd, guest_ptr iovs, std::uint32_t iovs_len, std::uint64_t offset,
                                     guest_ptr nread) {
  const open_file* file = find_file(fd);
  if (!file) return names_stdio(fd) || sockets_.is_stream_fd(fd) ? SB_ESPIPE : SB_EBADF;
  std::vector<iovec> vectors;
  if (auto e = read_iovecs(iovs, iovs_len, vectors)) return e;
  if (!memory_.contains(nread, 4)) return SB_EFAULT;
  std::uint32_t total = 0;
  if (auto e = read_file(*file, vectors, offset, total)) return e;
  return memory_.write_u32(nread, total) ? 0 : SB_EFAULT;
}

std::int32_t wasi_preview1::fd_tell(std::int32_t fd, guest_ptr offset) { return fd_seek(fd, 0, whence_cur, offset); }

std::int32_t wasi_preview1::fd_filestat_get(std::int32_t fd, guest_ptr filestat) {
  if (const open_file* file = find_file(fd)) return write_filestat(*file->node, filestat);
  if (names_stdio(fd)) return write_stat(memory_, filestat, filetype_character_device, 0, 0);
  if (const socket* s = sockets_.find(fd))
    return write_stat(memory_, filestat, static_cast<std::uint8_t>(s->type), 0, 0);
  return SB_EBADF;
}

std::int32_t wasi_preview1::path_filestat_get(std::int32_t dirfd, std::uint32_t lookup_flags, guest_ptr path,
                                              std::uint32_t path_len, guest_ptr filestat) {
  (void)lookup_flags;
  const node* target = nullptr;
  if (auto e = resolve_at(dirfd, path, path_len, target)) return e;
  return write_filestat(*target, filestat);
}

std::int32_t wasi_preview1::fd_readdir(std::int32_t fd, guest_ptr buf, std::uint32_t buf_len, std::uint64_t cookie,
                                       guest_ptr bufused) {
  const open_file* file = find_file(fd);
  if (!file) return SB_EBADF;
  const node& dir = *file->node;
  if (dir.kind != node_kind::directory) return SB_ENOTDIR;
  if (!memory_.contains(buf, buf_len) || !memory_.contains(bufused, 4)) return SB_EFAULT;

  std::vector<std::uint8_t> out;
  std::uint64_t index = 0;
  const auto add = [&](const node& n, std::string_view name) {
    ++index;
    if (index > cookie && out.size() < buf_len) append_dirent(out, index, n, name);
  };
  add(dir, ".");
  add(*dir.parent, "..");
  for (const auto& [name, child] : dir.children) {
    if (out.size() >= buf_len) break;
    add(*child, name);
  }
  if (out.size() > buf_len) out.resize(buf_len);  // the last entry, cut off: the guest asks again
  if (!memory_.write(buf, out)) return SB_EFAULT;
  return memory_.write_u32(bufused, static_cast<std::uint32_t>(out.size())) ? 0 : SB_EFAULT;
}

}  // namespace sb::host
