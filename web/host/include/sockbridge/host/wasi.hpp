// wasi_preview1: the subset of wasi_snapshot_preview1 an ordinary wasi-libc
// program needs (args, environ, clocks, random, stdio, proc_exit, reading
// files), sharing the fd table with the socket kernel: 0-2 stdio, 3+ sockets,
// files and directories from one allocator (kernel::reserve_fd).
//
// Each function returns a WASI errno (0 = success, positive otherwise), or
// kernel's `would_block` for a blocking socket read/write that must be retried.
// Output for stdout/stderr goes to the stdio_sink; the kernel keeps no copy.
// Files come from a read-only file_tree the embedder fills before the guest
// starts (add_file); file calls never block.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sockbridge/host/file_tree.hpp"
#include "sockbridge/host/guest_memory.hpp"
#include "sockbridge/host/kernel.hpp"

namespace sb::host {

class stdio_sink {
 public:
  virtual ~stdio_sink() = default;
  // fd is 1 (stdout) or 2 (stderr); bytes are valid only during the call.
  virtual void write(std::int32_t fd, std::span<const std::uint8_t> bytes) = 0;
};

class wasi_preview1 {
 public:
  wasi_preview1(guest_memory& memory, kernel& sockets, stdio_sink& stdio)
      : memory_(memory), sockets_(sockets), stdio_(stdio) {}

  void set_args(std::vector<std::string> args) { args_ = std::move(args); }
  void set_environ(std::vector<std::string> environ) { environ_ = std::move(environ); }

  std::int32_t args_sizes_get(guest_ptr argc, guest_ptr argv_buf_size);
  std::int32_t args_get(guest_ptr argv, guest_ptr argv_buf);
  std::int32_t environ_sizes_get(guest_ptr count, guest_ptr buf_size);
  std::int32_t environ_get(guest_ptr environ, guest_ptr environ_buf);
  std::int32_t clock_res_get(std::uint32_t clock_id, guest_ptr resolution);
  std::int32_t clock_time_get(std::uint32_t clock_id, std::uint64_t precision, guest_ptr time);
  // Fills buf with fresh bytes from getentropy (under Emscripten the page's
  // crypto.getRandomValues, in Node node:crypto); EFAULT, or EIO if it fails.
  std::int32_t random_get(guest_ptr buf, std::uint32_t len);
  std::int32_t fd_write(std::int32_t fd, guest_ptr iovs, std::uint32_t iovs_len, guest_ptr nwritten);
  std::int32_t fd_read(std::int32_t fd, guest_ptr iovs, std::uint32_t iovs_len, guest_ptr nread);
  std::int32_t fd_close(std::int32_t fd);
  std::int32_t fd_fdstat_get(std::int32_t fd, guest_ptr stat);
  std::int32_t fd_seek(std::int32_t fd, std::int64_t offset, std::uint32_t whence, guest_ptr new_offset);
  std::int32_t fd_prestat_get(std::int32_t fd, guest_ptr prestat);
  std::int32_t fd_fdstat_set_flags(std::int32_t fd, std::uint32_t flags);
  // posix_sockets' dup and dup2 (guest/include/posix_sockets.h), over every
  // kind of fd: the new fd names the same stdio stream, socket, pipe end or
  // file (one offset) as fd. They return the new fd or -errno, as the
  // posix_sockets imports do. dup2 closes target first if it is open
  // (kernel::dup and kernel::dup_onto give the errors).
  std::int32_t dup(std::int32_t fd, std::int32_t lowest);
  std::int32_t dup2(std::int32_t fd, std::int32_t target);
  // Clock subscriptions (sleep) and fd read/write readiness, over stdio,
  // sockets and files. A read event's nbytes is what a read would return now
  // (kernel::readable_bytes, a file's bytes left): wasi-libc's ioctl(FIONREAD).
  std::int32_t poll_oneoff(guest_ptr in, guest_ptr out, std::uint32_t nsubscriptions, guest_ptr nevents);
  std::int32_t sched_yield() { return 0; }
  // Records the exit code and closes every socket; the caller then unwinds the guest.
  void proc_exit(std::int32_t code);
  std::int32_t exit_code() const { return exit_code_; }

  // --- files (wasi_files.cpp) ---
  // Adds a read-only file (file_tree::add_file's contract and errors, or
  // EMFILE). Call before the guest starts: the first file preopens "/" as a
  // directory fd (3, the lowest free fd), which wasi-libc finds at startup, so
  // fopen("/etc/app.conf") works, and adds the devices /dev/null, /dev/random
  // and /dev/urandom (file_tree::add_devices); a file the embedder gives at one
  // of those paths, before or after, replaces the device. Without files there
  // is no preopen and no device.
  std::int32_t add_file(std::string_view path, std::vector<std::uint8_t> bytes);
  const file_tree& files() const { return files_; }

  // The preopen's name ("/"); ENAMETOOLONG if len is too small, EBADF if fd is not a preopen.
  std::int32_t fd_prestat_dir_name(std::int32_t fd, guest_ptr path, std::uint32_t len);
  // Opens path relative to the directory dirfd, read-only: O_CREAT, O_TRUNC,
  // O_EXCL or a write right is EROFS; ENOENT, ENOTDIR, ENOTCAPABLE (absolute
  // path) as file_tree::resolve; EBADF (dirfd not open), ENOTDIR (dirfd or,
  // with O_DIRECTORY, path not a directory), EMFILE, EFAULT, EINVAL (unknown oflags).
  // The devices are read-only too, but for /dev/null, which may be opened for
  // writing (O_CREAT and O_TRUNC have no effect on it; O_EXCL is EROFS) and
  // discards what fd_write gives it.
  std::int32_t path_open(std::int32_t dirfd, std::uint32_t lookup_flags, guest_ptr path, std::uint32_t path_len,
                         std::uint32_t oflags, std::uint64_t rights_base, std::uint64_t rights_inheriting,
                         std::uint32_t fdflags, guest_ptr opened_fd);
  // Reads at offset without moving the file's position (a device ignores it).
  // ESPIPE on stdio and sockets, EISDIR on directories.
  std::int32_t fd_pread(std::int32_t fd, guest_ptr iovs, std::uint32_t iovs_len, std::uint64_t offset, guest_ptr nread);
  std::int32_t fd_tell(std::int32_t fd, guest_ptr offset);
  // stdio, sockets, files, directories and devices (size, inode, type; times
  // are 0). A device is a character device of size 0.
  std::int32_t fd_filestat_get(std::int32_t fd, guest_ptr filestat);
  std::int32_t path_filestat_get(std::int32_t dirfd, std::uint32_t lookup_flags, guest_ptr path, std::uint32_t path_len,
                                 guest_ptr filestat);
  // Directory entries from cookie on (".", "..", then names in byte order),
  // the last one cut off if buf is full (bufused == buf_len: read again).
  std::int32_t fd_readdir(std::int32_t fd, guest_ptr buf, std::uint32_t buf_len, std::uint64_t cookie,
                          guest_ptr bufused);

 private:
  struct iovec {
    guest_ptr buf;
    std::uint32_t len;
  };
  std::int32_t read_iovecs(guest_ptr iovs, std::uint32_t iovs_len, std::vector<iovec>& out) const;

  // An open file, directory or device; offset is a file's read position
  // (a device has none: a seek reports 0).
  struct open_file {
    const file_tree::node* node = nullptr;
    std::uint64_t offset = 0;
    bool preopen = false;
  };
  open_file* find_file(std::int32_t fd);
  // /dev/null: writes succeed whole and go nowhere.
  static bool discards_writes(const open_file& file);
  // True if fd names stdin, stdout or stderr (on its own fd or a dup()ed one).
  bool names_stdio(std::int32_t fd) const;
  std::int32_t open_node(const file_tree::node& node, bool preopen);  // fd or -errno
  std::int32_t close_file(std::int32_t fd);
  std::int32_t file_fdstat(const open_file& file, guest_ptr stat);
  std::int32_t file_seek(open_file& file, std::int64_t offset, std::uint32_t whence, guest_ptr new_offset);
  // Copies file bytes from offset into the iovecs; total is what was copied.
  // A device ignores offset and reads as read_device says.
  std::int32_t read_file(const open_file& file, const std::vector<iovec>& vectors, std::uint64_t offset,
                         std::uint32_t& total);
  // What a read of a character device returns: device::null end of file (0
  // bytes), device::random fills every iovec (checked by read_iovecs) from
  // random_get. EIO if the entropy source fails.
  std::int32_t read_device(file_tree::device device, const std::vector<iovec>& vectors, std::uint32_t& total);
  // Copies the guest's path out and resolves it from the directory dirfd.
  std::int32_t resolve_at(std::int32_t dirfd, guest_ptr path, std::uint32_t path_len, const file_tree::node*& out);
  std::int32_t write_filestat(const file_tree::node& node, guest_ptr filestat);
  std::uint64_t readable_bytes(std::int32_t fd);
  std::int32_t sizes_get(const std::vector<std::string>& strings, guest_ptr count, guest_ptr buf_size);
  std::int32_t strings_get(const std::vector<std::string>& strings, guest_ptr pointers, guest_ptr buf);

  guest_memory& memory_;
  kernel& sockets_;
  stdio_sink& stdio_;
  std::vector<std::string> args_;
  std::vector<std::string> environ_;
  std::int32_t exit_code_ = 0;
  std::optional<std::uint64_t> poll_oneoff_deadline_;
  file_tree files_;
  std::map<std::int32_t, open_file> open_files_;
};

}  // namespace sb::host
