// The guest's read-only file tree: file_tree itself, and the WASI file calls
// over it (preopen "/", path_open, read/pread/seek/tell, stat, readdir), with
// hostile guest pointers, lengths and paths; its devices /dev/null,
// /dev/random and /dev/urandom.
#include <gtest/gtest.h>

#include <algorithm>
#include <climits>

#include "kernel_harness.hpp"
#include "sockbridge/host/file_tree.hpp"
#include "sockbridge/host/wasi.hpp"

namespace sb::host::testing {
namespace {

constexpr std::uint64_t right_fd_read = 1 << 1;
constexpr std::uint64_t right_fd_write = 1 << 6;
constexpr std::uint32_t oflags_creat = 1;
constexpr std::uint32_t oflags_directory = 2;
constexpr std::uint32_t oflags_excl = 4;
constexpr std::uint32_t oflags_trunc = 8;
constexpr std::uint32_t whence_set = 0;
constexpr std::uint32_t whence_cur = 1;
constexpr std::uint32_t whence_end = 2;
constexpr std::uint8_t filetype_character_device = 2;
constexpr std::uint8_t filetype_directory = 3;
constexpr std::uint8_t filetype_regular_file = 4;

constexpr guest_ptr path_at = 0x400;
constexpr guest_ptr out_at = 0x800;  // an fd, a count or an offset
constexpr guest_ptr iovs_at = 0x900;
constexpr guest_ptr stat_at = 0xa00;  // filestat (64 bytes) or fdstat (24)

std::vector<std::uint8_t> bytes_of(std::string_view text) { return {text.begin(), text.end()}; }

TEST(file_tree, add_file_creates_directories_and_replaces_bytes_in_place) {
  file_tree tree;
  EXPECT_TRUE(tree.empty());
  ASSERT_EQ(tree.add_file("/etc/app.conf", bytes_of("port=80\n")), 0);
  const file_tree::node* file = nullptr;
  ASSERT_EQ(tree.resolve(tree.root(), "etc/app.conf", file), 0);
  EXPECT_EQ(file->kind, file_tree::node_kind::file);
  ASSERT_EQ(tree.add_file("//etc///app.conf", bytes_of("port=81\n")), 0);
  const file_tree::node* again = nullptr;
  ASSERT_EQ(tree.resolve(tree.root(), "etc/app.conf", again), 0);
  EXPECT_EQ(again, file) << "the node stays, so open files keep pointing at it";
  EXPECT_EQ(std::string(again->bytes.begin(), again->bytes.end()), "port=81\n");
}

TEST(file_tree, add_file_refuses_relative_dot_and_conflicting_paths_without_leaving_directories) {
  file_tree tree;
  EXPECT_EQ(tree.add_file("etc/hosts", {}), SB_EINVAL);
  EXPECT_EQ(tree.add_file("/etc/", {}), SB_EINVAL);
  EXPECT_EQ(tree.add_file("/", {}), SB_EINVAL);
  EXPECT_EQ(tree.add_file("/a/b/../c", {}), SB_EINVAL);
  EXPECT_EQ(tree.add_file(std::string_view("/a\0b", 4), {}), SB_EINVAL);
  EXPECT_EQ(tree.add_file("/" + std::string(max_path_bytes, 'x'), {}), SB_ENAMETOOLONG);
  EXPECT_TRUE(tree.empty()) << "a refused path creates nothing";
  ASSERT_EQ(tree.add_file("/etc/hosts", {}), 0);
  EXPECT_EQ(tree.add_file("/etc/hosts/x", {}), SB_ENOTDIR);
  EXPECT_EQ(tree.add_file("/etc", {}), SB_EISDIR);
}

TEST(file_tree, dot_dot_never_leaves_the_root) {
  file_tree tree;
  ASSERT_EQ(tree.add_file("/etc/hosts", bytes_of("x")), 0);
  const file_tree::node* found = nullptr;
  ASSERT_EQ(tree.resolve(tree.root(), "../../..", found), 0);
  EXPECT_EQ(found, &tree.root());
  ASSERT_EQ(tree.resolve(tree.root(), "../../etc/./../etc/hosts", found), 0);
  EXPECT_EQ(found->kind, file_tree::node_kind::file);
  EXPECT_EQ(tree.resolve(tree.root(), "/etc/hosts", found), SB_ENOTCAPABLE);
  EXPECT_EQ(tree.resolve(tree.root(), "etc/hosts/", found), SB_ENOTDIR);
  EXPECT_EQ(tree.resolve(tree.root(), "etc/hosts/..", found), SB_ENOTDIR);
  EXPECT_EQ(tree.resolve(tree.root(), "etc/passwd", found), SB_ENOENT);
  EXPECT_EQ(tree.resolve(tree.root(), "", found), SB_ENOENT);
}

TEST(file_tree, add_devices_leaves_taken_paths_and_a_later_file_replaces_a_device) {
  file_tree tree;
  ASSERT_EQ(tree.add_file("/dev/random", bytes_of("seed")), 0);
  tree.add_devices();
  const file_tree::node* found = nullptr;
  ASSERT_EQ(tree.resolve(tree.root(), "dev/random", found), 0);
  EXPECT_EQ(found->kind, file_tree::node_kind::file) << "the embedder's file stays";
  ASSERT_EQ(tree.resolve(tree.root(), "dev/urandom", found), 0);
  EXPECT_EQ(found->kind, file_tree::node_kind::character_device);
  EXPECT_EQ(found->device_kind, file_tree::device::random);
  const auto* device = found;
  ASSERT_EQ(tree.add_file("/dev/urandom", bytes_of("fixed")), 0);
  ASSERT_EQ(tree.resolve(tree.root(), "dev/urandom", found), 0);
  EXPECT_EQ(found, device) << "replaced in place";
  EXPECT_EQ(found->kind, file_tree::node_kind::file);
  ASSERT_EQ(tree.resolve(tree.root(), "dev/null", found), 0);
  EXPECT_EQ(found->device_kind, file_tree::device::null);
  EXPECT_EQ(tree.add_file("/dev/null/x", {}), SB_ENOTDIR);

  file_tree no_room;
  ASSERT_EQ(no_room.add_file("/dev", bytes_of("a file")), 0);
  no_room.add_devices();
  ASSERT_EQ(no_room.resolve(no_room.root(), "dev", found), 0);
  EXPECT_EQ(found->kind, file_tree::node_kind::file) << "a file at /dev leaves no room for devices";
}

struct wasi_files_test : kernel_harness {
  discard_stdio stdio;
  wasi_preview1 wasi{memory, k, stdio};

  void SetUp() override {
    ASSERT_EQ(wasi.add_file("/etc/app.conf", bytes_of("name=demo\nport=8080\n")), 0);
    ASSERT_EQ(wasi.add_file("/etc/hosts", bytes_of("127.0.0.1 localhost\n")), 0);
    ASSERT_EQ(wasi.add_file("/data/b.txt", bytes_of("bee")), 0);
    ASSERT_EQ(wasi.add_file("/data/a.txt", bytes_of("ay")), 0);
  }

  std::int32_t open(const std::string& path, std::uint32_t oflags = 0, std::uint64_t rights = right_fd_read,
                    std::int32_t dirfd = 3) {
    put_text(path_at, path);
    return wasi.path_open(dirfd, 1, path_at, static_cast<std::uint32_t>(path.size()), oflags, rights, 0, 0, out_at);
  }

  // Opens path (read-only) and returns its fd.
  std::int32_t open_fd(const std::string& path) {
    EXPECT_EQ(open(path), 0);
    return static_cast<std::int32_t>(*memory.read_u32(out_at));
  }

  void put_iovec(guest_ptr at, guest_ptr buf, std::uint32_t len) {
    ASSERT_TRUE(memory.write_u32(at, buf));
    ASSERT_TRUE(memory.write_u32(at + 4, len));
  }

  std::uint64_t u64_at(guest_ptr at) {
    std::uint64_t value = 0;
    for (int i = 7; i >= 0; --i) value = value << 8 | memory.bytes()[at + i];
    return value;
  }

  // Reads up to len bytes of fd with fd_read; returns them as text.
  std::string read_text(std::int32_t fd, std::uint32_t len) {
    put_iovec(iovs_at, buffer_at, len);
    EXPECT_EQ(wasi.fd_read(fd, iovs_at, 1, out_at), 0);
    return text_at(buffer_at, *memory.read_u32(out_at));
  }
};

TEST_F(wasi_files_test, slash_is_preopened_as_fd_3_with_its_name) {
  ASSERT_EQ(wasi.fd_prestat_get(3, stat_at), 0);
  EXPECT_EQ(memory.bytes()[stat_at], 0) << "a directory preopen";
  EXPECT_EQ(memory.read_u32(stat_at + 4), 1u);
  ASSERT_EQ(wasi.fd_prestat_dir_name(3, path_at, 1), 0);
  EXPECT_EQ(text_at(path_at, 1), "/");
  EXPECT_EQ(wasi.fd_prestat_dir_name(3, path_at, 0), SB_ENAMETOOLONG);
  EXPECT_EQ(wasi.fd_prestat_get(4, stat_at), SB_EBADF) << "wasi-libc stops scanning at the first EBADF";
  EXPECT_EQ(wasi.fd_prestat_get(3, memory_bytes - 4), SB_EFAULT);
  ASSERT_EQ(wasi.fd_fdstat_get(3, stat_at), 0);
  EXPECT_EQ(memory.bytes()[stat_at], filetype_directory);
}

TEST(wasi_files, without_files_nothing_is_preopened_and_sockets_start_at_3) {
  vector_guest_memory memory{0x10000};
  kernel k{memory};
  discard_stdio stdio;
  wasi_preview1 wasi{memory, k, stdio};
  EXPECT_EQ(wasi.fd_prestat_get(3, 0x100), SB_EBADF);
  EXPECT_EQ(k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0), 3);
}

TEST_F(wasi_files_test, files_and_sockets_share_one_fd_numbering) {
  const auto file = open_fd("etc/app.conf");
  EXPECT_EQ(file, 4);
  const auto socket = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  EXPECT_EQ(socket, 5);
  ASSERT_EQ(wasi.fd_close(file), 0);
  EXPECT_EQ(k.sock_socket(SB_AF_INET, SB_SOCK_DGRAM, 0), 4) << "a closed file's fd is reused";
  EXPECT_EQ(open_fd("etc/hosts"), 6);
  EXPECT_EQ(k.sock_connect(6, addr_at, put_ipv4(80)), -SB_ENOTSOCK);
}

TEST_F(wasi_files_test, fd_read_reads_sequentially_across_iovecs_until_end_of_file) {
  const auto fd = open_fd("etc/app.conf");
  put_iovec(iovs_at, buffer_at, 5);
  put_iovec(iovs_at + 8, buffer_at + 0x100, 4);
  ASSERT_EQ(wasi.fd_read(fd, iovs_at, 2, out_at), 0);
  EXPECT_EQ(memory.read_u32(out_at), 9u);
  EXPECT_EQ(text_at(buffer_at, 5), "name=");
  EXPECT_EQ(text_at(buffer_at + 0x100, 4), "demo");
  EXPECT_EQ(read_text(fd, 100), "\nport=8080\n");
  EXPECT_EQ(read_text(fd, 100), "") << "end of file reads 0 bytes";
}

TEST_F(wasi_files_test, seek_tell_and_pread) {
  const auto fd = open_fd("etc/app.conf");
  ASSERT_EQ(wasi.fd_seek(fd, -5, whence_end, out_at), 0);
  EXPECT_EQ(u64_at(out_at), 15u);
  EXPECT_EQ(read_text(fd, 100), "8080\n");
  ASSERT_EQ(wasi.fd_seek(fd, 5, whence_set, out_at), 0);
  ASSERT_EQ(wasi.fd_seek(fd, 2, whence_cur, out_at), 0);
  ASSERT_EQ(wasi.fd_tell(fd, out_at), 0);
  EXPECT_EQ(u64_at(out_at), 7u);
  EXPECT_EQ(wasi.fd_seek(fd, -8, whence_cur, out_at), SB_EINVAL) << "before the start";
  EXPECT_EQ(wasi.fd_seek(fd, 1, whence_cur, memory_bytes - 4), SB_EFAULT);
  EXPECT_EQ(wasi.fd_seek(fd, LLONG_MAX, whence_end, out_at), SB_EINVAL) << "overflow";
  EXPECT_EQ(wasi.fd_seek(fd, 0, 7, out_at), SB_EINVAL);
  ASSERT_EQ(wasi.fd_tell(fd, out_at), 0);
  EXPECT_EQ(u64_at(out_at), 7u) << "failed seeks leave the position";

  put_iovec(iovs_at, buffer_at, 4);
  ASSERT_EQ(wasi.fd_pread(fd, iovs_at, 1, 0, out_at), 0);
  EXPECT_EQ(text_at(buffer_at, *memory.read_u32(out_at)), "name");
  ASSERT_EQ(wasi.fd_pread(fd, iovs_at, 1, 1000, out_at), 0);
  EXPECT_EQ(memory.read_u32(out_at), 0u) << "past the end";
  EXPECT_EQ(read_text(fd, 2), "mo") << "pread does not move the position";
  EXPECT_EQ(wasi.fd_seek(1, 0, whence_set, out_at), SB_ESPIPE);
  EXPECT_EQ(wasi.fd_pread(1, iovs_at, 1, 0, out_at), SB_ESPIPE);
}

TEST_F(wasi_files_test, write_opens_are_erofs_and_writes_to_a_file_are_ebadf) {
  EXPECT_EQ(open("etc/app.conf", 0, right_fd_read | right_fd_write), SB_EROFS);
  EXPECT_EQ(open("etc/app.conf", oflags_trunc), SB_EROFS);
  EXPECT_EQ(open("etc/app.conf", oflags_creat), SB_EROFS);
  EXPECT_EQ(open("etc/new.conf", oflags_creat | oflags_excl), SB_EROFS);
  EXPECT_EQ(open("etc", 0, right_fd_read | right_fd_write), SB_EISDIR) << "as Linux answers open(dir, O_RDWR)";
  EXPECT_EQ(open("etc", oflags_creat), SB_EISDIR);
  EXPECT_EQ(open("etc", oflags_trunc), SB_EISDIR);
  const auto fd = open_fd("etc/app.conf");
  put_text(buffer_at, "x");
  put_iovec(iovs_at, buffer_at, 1);
  EXPECT_EQ(wasi.fd_write(fd, iovs_at, 1, out_at), SB_EBADF);
  EXPECT_EQ(read_text(fd, 4), "name") << "the file is unchanged";
}

TEST_F(wasi_files_test, missing_paths_are_enoent_and_files_are_not_directories) {
  EXPECT_EQ(open("etc/passwd"), SB_ENOENT);
  EXPECT_EQ(open("nowhere/x"), SB_ENOENT);
  EXPECT_EQ(open("etc/hosts", oflags_directory), SB_ENOTDIR);
  EXPECT_EQ(open("etc/hosts/x"), SB_ENOTDIR);
  EXPECT_EQ(open("/etc/hosts"), SB_ENOTCAPABLE);
  EXPECT_EQ(open("etc/hosts", 0, right_fd_read, 99), SB_EBADF);
  const auto file = open_fd("etc/hosts");
  EXPECT_EQ(open("x", 0, right_fd_read, file), SB_ENOTDIR);
  EXPECT_EQ(open("etc/hosts", 0x10), SB_EINVAL) << "unknown oflags";
}

TEST_F(wasi_files_test, dot_dot_from_a_subdirectory_stops_at_the_root) {
  ASSERT_EQ(open("etc", oflags_directory), 0);
  const auto etc = static_cast<std::int32_t>(*memory.read_u32(out_at));
  ASSERT_EQ(open("../../../../etc/hosts", 0, right_fd_read, etc), 0);
  EXPECT_EQ(read_text(static_cast<std::int32_t>(*memory.read_u32(out_at)), 9), "127.0.0.1");
  ASSERT_EQ(open("../../..", oflags_directory, right_fd_read, etc), 0);
  const auto top = static_cast<std::int32_t>(*memory.read_u32(out_at));
  ASSERT_EQ(wasi.fd_filestat_get(top, stat_at), 0);
  EXPECT_EQ(u64_at(stat_at + 8), 1u) << "the root's inode: nothing above it is reachable";
}

TEST_F(wasi_files_test, filestat_reports_type_size_and_inode) {
  const auto fd = open_fd("etc/app.conf");
  ASSERT_EQ(wasi.fd_filestat_get(fd, stat_at), 0);
  EXPECT_EQ(memory.bytes()[stat_at + 16], filetype_regular_file);
  EXPECT_EQ(u64_at(stat_at + 32), 20u);
  const auto inode = u64_at(stat_at + 8);
  put_text(path_at, "etc/./app.conf");
  ASSERT_EQ(wasi.path_filestat_get(3, 1, path_at, 14, stat_at), 0);
  EXPECT_EQ(u64_at(stat_at + 8), inode);
  put_text(path_at, "data");
  ASSERT_EQ(wasi.path_filestat_get(3, 1, path_at, 4, stat_at), 0);
  EXPECT_EQ(memory.bytes()[stat_at + 16], filetype_directory);
  put_text(path_at, "missing");
  EXPECT_EQ(wasi.path_filestat_get(3, 1, path_at, 7, stat_at), SB_ENOENT);
  EXPECT_EQ(wasi.fd_filestat_get(fd, memory_bytes - 8), SB_EFAULT);
  ASSERT_EQ(wasi.fd_fdstat_get(fd, stat_at), 0);
  EXPECT_EQ(memory.bytes()[stat_at], filetype_regular_file);
  EXPECT_EQ(u64_at(stat_at + 8) & right_fd_write, 0u) << "no write right on a read-only file";
  ASSERT_EQ(wasi.fd_filestat_get(1, stat_at), 0);
  EXPECT_EQ(memory.bytes()[stat_at + 16], 2) << "stdio is a character device";
}

TEST_F(wasi_files_test, readdir_lists_dot_dotdot_and_names_in_order_resuming_from_a_cookie) {
  ASSERT_EQ(open("data", oflags_directory), 0);
  const auto dir = static_cast<std::int32_t>(*memory.read_u32(out_at));
  ASSERT_EQ(wasi.fd_readdir(dir, buffer_at, 4096, 0, out_at), 0);
  const auto used = *memory.read_u32(out_at);
  std::vector<std::string> names;
  std::uint64_t last_cookie = 0;
  for (guest_ptr at = buffer_at; at < buffer_at + used;) {
    const auto length = *memory.read_u32(at + 16);
    names.push_back(text_at(at + 24, length));
    last_cookie = u64_at(at);
    at += 24 + length;
  }
  EXPECT_EQ(names, (std::vector<std::string>{".", "..", "a.txt", "b.txt"}));
  EXPECT_EQ(used, 4 * 24u + 1 + 2 + 5 + 5);
  ASSERT_EQ(wasi.fd_readdir(dir, buffer_at, 4096, last_cookie, out_at), 0);
  EXPECT_EQ(memory.read_u32(out_at), 0u) << "nothing after the last cookie";
  ASSERT_EQ(wasi.fd_readdir(dir, buffer_at, 4096, 2, out_at), 0);
  EXPECT_EQ(text_at(buffer_at + 24, 5), "a.txt");
  ASSERT_EQ(wasi.fd_readdir(dir, buffer_at, 30, 0, out_at), 0);
  EXPECT_EQ(memory.read_u32(out_at), 30u) << "a full buffer: the cut-off entry is read again";
  EXPECT_EQ(wasi.fd_readdir(dir, memory_bytes - 10, 4096, 0, out_at), SB_EFAULT);
  EXPECT_EQ(wasi.fd_readdir(open_fd("etc/hosts"), buffer_at, 4096, 0, out_at), SB_ENOTDIR);
  put_iovec(iovs_at, buffer_at, 4);
  EXPECT_EQ(wasi.fd_read(dir, iovs_at, 1, out_at), SB_EISDIR);
}

TEST_F(wasi_files_test, hostile_pointers_lengths_and_iovec_counts_are_refused) {
  EXPECT_EQ(wasi.path_open(3, 1, memory_bytes - 2, 10, 0, right_fd_read, 0, 0, out_at), SB_EFAULT);
  EXPECT_EQ(wasi.path_open(3, 1, 0xffffff00u, 0x200, 0, right_fd_read, 0, 0, out_at), SB_EFAULT);
  EXPECT_EQ(wasi.path_open(3, 1, path_at, 0xffffffffu, 0, right_fd_read, 0, 0, out_at), SB_ENAMETOOLONG);
  put_text(path_at, "etc/hosts");
  EXPECT_EQ(wasi.path_open(3, 1, path_at, 9, 0, right_fd_read, 0, 0, memory_bytes - 2), SB_EFAULT);
  EXPECT_EQ(wasi.fd_prestat_get(4, stat_at), SB_EBADF) << "a refused open takes no fd";

  const auto fd = open_fd("etc/app.conf");
  EXPECT_EQ(wasi.fd_read(fd, iovs_at, 0xffffffffu, out_at), SB_EINVAL) << "more iovecs than IOV_MAX";
  EXPECT_EQ(wasi.fd_read(fd, memory_bytes - 8, 2, out_at), SB_EFAULT) << "iovec table past the end";
  put_iovec(iovs_at, memory_bytes - 3, 100);
  EXPECT_EQ(wasi.fd_read(fd, iovs_at, 1, out_at), SB_EFAULT);
  put_iovec(iovs_at, 0xfffffff0u, 0x20);
  EXPECT_EQ(wasi.fd_pread(fd, iovs_at, 1, 0, out_at), SB_EFAULT);
  put_iovec(iovs_at, buffer_at, 4);
  EXPECT_EQ(wasi.fd_read(fd, iovs_at, 1, memory_bytes), SB_EFAULT);
  EXPECT_EQ(read_text(fd, 4), "name") << "refused reads consumed nothing";
  EXPECT_EQ(wasi.fd_prestat_dir_name(3, memory_bytes, 1), SB_EFAULT);
  EXPECT_EQ(wasi.fd_readdir(3, buffer_at, 0xffffffffu, 0, out_at), SB_EFAULT);
}

TEST_F(wasi_files_test, socket_calls_on_a_file_are_enotsock_and_poll_finds_it_ready) {
  const auto fd = open_fd("etc/hosts");
  EXPECT_EQ(k.sock_send(fd, buffer_at, 1, 0), -SB_ENOTSOCK);
  EXPECT_EQ(k.sock_close(fd), -SB_ENOTSOCK);
  EXPECT_EQ(k.poll_events(fd), SB_POLLIN | SB_POLLOUT);
  ASSERT_EQ(wasi.fd_close(fd), 0);
  EXPECT_EQ(k.poll_events(fd), SB_POLLNVAL);
  EXPECT_EQ(wasi.fd_close(fd), SB_EBADF);
}

// Reads len bytes of /dev/urandom (or another device) with fd_read, into a zeroed buffer.
std::vector<std::uint8_t> read_device(wasi_files_test& t, std::int32_t fd, std::uint32_t len) {
  std::fill_n(t.memory.bytes().begin() + buffer_at, len, 0);
  t.put_iovec(iovs_at, buffer_at, len);
  EXPECT_EQ(t.wasi.fd_read(fd, iovs_at, 1, out_at), 0);
  EXPECT_EQ(t.memory.read_u32(out_at), len);
  return {t.memory.bytes().begin() + buffer_at, t.memory.bytes().begin() + buffer_at + len};
}

bool all_zero(const std::vector<std::uint8_t>& bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

TEST_F(wasi_files_test, dev_urandom_and_dev_random_read_fresh_random_bytes_of_any_size) {
  for (const std::string path : {"dev/urandom", "dev/random"}) {
    const auto fd = open_fd(path);
    EXPECT_TRUE(read_device(*this, fd, 0).empty()) << "a 0-byte read is 0 bytes, not end of file";
    for (std::uint32_t size : {1u, 16u, 255u, 256u, 257u, 1000u, 70000u}) {
      const auto bytes = read_device(*this, fd, size);
      if (size >= 16) {
        EXPECT_FALSE(all_zero(bytes)) << path << ", " << size << " bytes";
      }
    }
    EXPECT_NE(read_device(*this, fd, 32), read_device(*this, fd, 32)) << path << ": each read is fresh";
    EXPECT_NE(read_device(*this, open_fd(path), 32), read_device(*this, open_fd(path), 32)) << "so is each open";
  }
}

TEST_F(wasi_files_test, dev_urandom_fills_every_iovec_and_pread_ignores_the_offset) {
  const auto fd = open_fd("dev/urandom");
  std::fill_n(memory.bytes().begin() + buffer_at, 0x400, 0);
  put_iovec(iovs_at, buffer_at, 300);
  put_iovec(iovs_at + 8, buffer_at + 0x200, 0);
  put_iovec(iovs_at + 16, buffer_at + 0x300, 40);
  ASSERT_EQ(wasi.fd_read(fd, iovs_at, 3, out_at), 0);
  EXPECT_EQ(memory.read_u32(out_at), 340u);
  EXPECT_FALSE(all_zero({memory.bytes().begin() + buffer_at + 0x300, memory.bytes().begin() + buffer_at + 0x328}));
  EXPECT_EQ(memory.bytes()[buffer_at + 0x328], 0) << "nothing past the last iovec";
  ASSERT_EQ(wasi.fd_pread(fd, iovs_at, 1, 1'000'000, out_at), 0);
  EXPECT_EQ(memory.read_u32(out_at), 300u) << "a device has no end of file to read past";
}

TEST_F(wasi_files_test, dev_null_reads_end_of_file) {
  const auto fd = open_fd("dev/null");
  EXPECT_EQ(read_text(fd, 100), "");
  put_iovec(iovs_at, buffer_at, 100);
  ASSERT_EQ(wasi.fd_pread(fd, iovs_at, 1, 0, out_at), 0);
  EXPECT_EQ(memory.read_u32(out_at), 0u);
}

TEST_F(wasi_files_test, devices_stat_as_character_devices_and_seek_to_0_as_on_linux) {
  for (const std::string path : {"dev/null", "dev/random", "dev/urandom"}) {
    const auto fd = open_fd(path);
    ASSERT_EQ(wasi.fd_filestat_get(fd, stat_at), 0);
    EXPECT_EQ(memory.bytes()[stat_at + 16], filetype_character_device) << path;
    EXPECT_EQ(u64_at(stat_at + 32), 0u) << "size";
    put_text(path_at, path);
    ASSERT_EQ(wasi.path_filestat_get(3, 1, path_at, static_cast<std::uint32_t>(path.size()), stat_at), 0);
    EXPECT_EQ(memory.bytes()[stat_at + 16], filetype_character_device) << path;
    ASSERT_EQ(wasi.fd_fdstat_get(fd, stat_at), 0);
    EXPECT_EQ(memory.bytes()[stat_at], filetype_character_device) << path;
    EXPECT_EQ(u64_at(stat_at + 8) & right_fd_write, path == "dev/null" ? right_fd_write : 0u) << "write right";

    read_text(fd, 10);
    for (auto whence : {whence_set, whence_cur, whence_end}) {
      ASSERT_TRUE(memory.write_u64(out_at, 99));
      ASSERT_EQ(wasi.fd_seek(fd, 10, whence, out_at), 0) << path;
      EXPECT_EQ(u64_at(out_at), 0u) << path;
    }
    ASSERT_EQ(wasi.fd_tell(fd, out_at), 0);
    EXPECT_EQ(u64_at(out_at), 0u);
    EXPECT_EQ(wasi.fd_seek(fd, 0, whence_set, memory_bytes - 4), SB_EFAULT);
  }
}

TEST_F(wasi_files_test, dev_null_opens_for_writing_and_discards_what_is_written) {
  ASSERT_EQ(open("dev/null", oflags_creat | oflags_trunc, right_fd_read | right_fd_write), 0);
  const auto fd = static_cast<std::int32_t>(*memory.read_u32(out_at));
  put_text(buffer_at, "gone");
  put_iovec(iovs_at, buffer_at, 4);
  put_iovec(iovs_at + 8, buffer_at, 2);
  ASSERT_EQ(wasi.fd_write(fd, iovs_at, 2, out_at), 0);
  EXPECT_EQ(memory.read_u32(out_at), 6u) << "every byte taken";
  EXPECT_EQ(read_text(fd, 10), "") << "and none kept";
  EXPECT_EQ(open("dev/null", oflags_creat | oflags_excl, right_fd_write), SB_EROFS);
  put_iovec(iovs_at, memory_bytes - 2, 100);
  EXPECT_EQ(wasi.fd_write(fd, iovs_at, 1, out_at), SB_EFAULT);
}

TEST_F(wasi_files_test, devices_but_dev_null_are_read_only_and_listed_in_dev) {
  for (const std::string path : {"dev/random", "dev/urandom"}) {
    EXPECT_EQ(open(path, 0, right_fd_read | right_fd_write), SB_EROFS) << path;
    EXPECT_EQ(open(path, oflags_creat | oflags_trunc, right_fd_write), SB_EROFS) << path;
    put_text(buffer_at, "x");
    put_iovec(iovs_at, buffer_at, 1);
    EXPECT_EQ(wasi.fd_write(open_fd(path), iovs_at, 1, out_at), SB_EBADF) << path;
  }
  EXPECT_EQ(open("dev/zero"), SB_ENOENT) << "only the three devices";

  ASSERT_EQ(open("dev", oflags_directory), 0);
  const auto dir = static_cast<std::int32_t>(*memory.read_u32(out_at));
  ASSERT_EQ(wasi.fd_readdir(dir, buffer_at, 4096, 0, out_at), 0);
  const auto used = *memory.read_u32(out_at);
  std::vector<std::pair<std::string, int>> entries;
  for (guest_ptr at = buffer_at; at < buffer_at + used;) {
    const auto length = *memory.read_u32(at + 16);
    entries.emplace_back(text_at(at + 24, length), memory.bytes()[at + 20]);
    at += 24 + length;
  }
  EXPECT_EQ(entries, (std::vector<std::pair<std::string, int>>{{".", filetype_directory},
                                                               {"..", filetype_directory},
                                                               {"null", filetype_character_device},
                                                               {"random", filetype_character_device},
                                                               {"urandom", filetype_character_device}}));
}

TEST_F(wasi_files_test, hostile_pointers_and_lengths_on_a_device_are_efault) {
  const auto fd = open_fd("dev/urandom");
  put_iovec(iovs_at, memory_bytes - 3, 100);
  EXPECT_EQ(wasi.fd_read(fd, iovs_at, 1, out_at), SB_EFAULT);
  put_iovec(iovs_at, 0xfffffff0u, 0x20);
  EXPECT_EQ(wasi.fd_read(fd, iovs_at, 1, out_at), SB_EFAULT) << "an iovec that wraps around";
  put_iovec(iovs_at, buffer_at, 0xffffffffu);
  EXPECT_EQ(wasi.fd_pread(fd, iovs_at, 1, 0, out_at), SB_EFAULT);
  EXPECT_EQ(wasi.fd_read(fd, memory_bytes - 4, 1, out_at), SB_EFAULT) << "iovec table past the end";
  EXPECT_EQ(wasi.fd_read(fd, iovs_at, 0xffffffffu, out_at), SB_EINVAL) << "more iovecs than IOV_MAX";
  put_iovec(iovs_at, buffer_at, 16);
  EXPECT_EQ(wasi.fd_read(fd, iovs_at, 1, memory_bytes - 2), SB_EFAULT) << "nread past the end";
  EXPECT_EQ(wasi.fd_filestat_get(fd, memory_bytes - 8), SB_EFAULT);
}

// The embedder's file at a device's path wins, whether it comes first or after the tree exists.
TEST(wasi_files, an_embedder_file_at_dev_urandom_replaces_the_device) {
  for (const bool device_path_first : {true, false}) {
    vector_guest_memory memory{0x10000};
    kernel k{memory};
    discard_stdio stdio;
    wasi_preview1 wasi{memory, k, stdio};
    const auto add_urandom = [&] { return wasi.add_file("/dev/urandom", bytes_of("not random")); };
    if (device_path_first) {
      ASSERT_EQ(add_urandom(), 0);
    }
    ASSERT_EQ(wasi.add_file("/etc/hosts", bytes_of("127.0.0.1 localhost\n")), 0);
    if (!device_path_first) {
      ASSERT_EQ(add_urandom(), 0);
    }
    ASSERT_TRUE(memory.write(path_at, bytes_of("dev/urandom")));
    ASSERT_EQ(wasi.path_open(3, 1, path_at, 11, 0, right_fd_read, 0, 0, out_at), 0);
    const auto fd = static_cast<std::int32_t>(*memory.read_u32(out_at));
    ASSERT_TRUE(memory.write_u32(iovs_at, buffer_at));
    ASSERT_TRUE(memory.write_u32(iovs_at + 4, 100));
    ASSERT_EQ(wasi.fd_read(fd, iovs_at, 1, out_at), 0);
    ASSERT_EQ(memory.read_u32(out_at), 10u);
    EXPECT_EQ(std::string(memory.bytes().begin() + buffer_at, memory.bytes().begin() + buffer_at + 10), "not random");
    ASSERT_EQ(wasi.fd_filestat_get(fd, stat_at), 0);
    EXPECT_EQ(memory.bytes()[stat_at + 16], filetype_regular_file);
    ASSERT_TRUE(memory.write(path_at, bytes_of("dev/random")));
    EXPECT_EQ(wasi.path_filestat_get(3, 1, path_at, 10, stat_at), 0) << "the other devices are there";
    EXPECT_EQ(memory.bytes()[stat_at + 16], filetype_character_device);
  }
}

}  // namespace
}  // namespace sb::host::testing
