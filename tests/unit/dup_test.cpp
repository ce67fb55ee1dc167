// dup/dup2 (posix_sockets' imports, wasi_preview1::dup/dup2 over the kernel's
// fd table): a second fd names the same socket, pipe end, file or stdio
// stream; the object lives until its last fd is closed; dup2 closes what the
// target named, stdio's fds included; bad fds and numbers are errors, never a
// crash or a leak.
#include <gtest/gtest.h>

#include <climits>

#include "kernel_harness.hpp"
#include "sockbridge/host/wasi.hpp"

namespace sb::host::testing {
namespace {

constexpr std::uint64_t right_fd_read = 1 << 1;
constexpr std::uint64_t right_fd_write = 1 << 6;
constexpr guest_ptr path_at = 0x400;
constexpr guest_ptr out_at = 0x800;
constexpr guest_ptr iovs_at = 0x900;
constexpr guest_ptr fds_at = 0xa00;

struct dup_test : kernel_harness {
  captured_stdio stdio;
  wasi_preview1 wasi{memory, k, stdio};

  void SetUp() override { ASSERT_EQ(wasi.add_file("/etc/app.conf", bytes_of("name=demo\n")), 0); }

  static std::vector<std::uint8_t> bytes_of(const std::string& text) { return {text.begin(), text.end()}; }

  std::int32_t open_fd(const std::string& path, std::uint64_t rights = right_fd_read) {
    put_text(path_at, path);
    EXPECT_EQ(wasi.path_open(3, 1, path_at, static_cast<std::uint32_t>(path.size()), 0, rights, 0, 0, out_at), 0);
    return static_cast<std::int32_t>(*memory.read_u32(out_at));
  }

  // fd_write of text to fd; the WASI errno.
  std::int32_t write_text(std::int32_t fd, const std::string& text) {
    put_text(buffer_at, text);
    EXPECT_TRUE(memory.write_u32(iovs_at, buffer_at));
    EXPECT_TRUE(memory.write_u32(iovs_at + 4, static_cast<std::uint32_t>(text.size())));
    return wasi.fd_write(fd, iovs_at, 1, out_at);
  }

  std::string read_text(std::int32_t fd, std::uint32_t len) {
    EXPECT_TRUE(memory.write_u32(iovs_at, buffer_at));
    EXPECT_TRUE(memory.write_u32(iovs_at + 4, len));
    EXPECT_EQ(wasi.fd_read(fd, iovs_at, 1, out_at), 0);
    return text_at(buffer_at, *memory.read_u32(out_at));
  }

  bool sent_close(std::uint32_t stream) {
    for (const auto& frame : take_outgoing()) {
      wisp::frame decoded;
      if (wisp::decode_frame(frame, decoded) == wisp::decode_error::ok && decoded.type == wisp::packet_type::close &&
          decoded.stream_id == stream)
        return true;
    }
    return false;
  }
};

TEST_F(dup_test, dup_gives_the_lowest_free_fd_for_the_same_socket) {
  handshake_v2();
  const auto fd = connected_socket();
  const auto copy = wasi.dup(fd, 0);
  EXPECT_EQ(copy, fd + 1);
  EXPECT_EQ(k.find(copy), k.find(fd)) << "one socket, two fds";
  relay_data(k.find(fd)->stream_id, "pong");
  EXPECT_EQ(read_text(copy, 2), "po");
  EXPECT_EQ(read_text(fd, 10), "ng") << "one receive queue";
  EXPECT_EQ(wasi.dup(fd, 20), 20) << "F_DUPFD: the lowest free fd at or above 20";
}

TEST_F(dup_test, closing_either_fd_first_keeps_the_socket_until_the_last_one_closes) {
  handshake_v2();
  const auto fd = connected_socket();
  const auto stream = k.find(fd)->stream_id;
  const auto copy = wasi.dup(fd, 0);
  take_outgoing();
  ASSERT_EQ(wasi.fd_close(fd), 0);
  EXPECT_FALSE(sent_close(stream)) << "the copy still holds the connection";
  EXPECT_EQ(k.find(fd), nullptr);
  EXPECT_EQ(write_text(fd, "x"), SB_EBADF);
  EXPECT_EQ(write_text(copy, "hi"), 0);
  EXPECT_EQ(k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0), fd) << "the closed fd's number is free again";
  ASSERT_EQ(wasi.fd_close(copy), 0);
  EXPECT_TRUE(sent_close(stream)) << "the last fd closed the connection";
  EXPECT_EQ(wasi.fd_close(copy), SB_EBADF);
}

TEST_F(dup_test, open_sockets_lists_each_fd_by_its_number_with_the_shared_state) {
  handshake_v2();
  const auto fd = connected_socket();
  ASSERT_EQ(wasi.dup(fd, 20), 20);
  ASSERT_EQ(wasi.fd_close(fd), 0);
  const auto copy = wasi.dup(20, 30);
  const auto open = k.open_sockets();
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(open[0].first, 20) << "the fd, not the object id the socket was made with";
  EXPECT_EQ(open[1].first, copy);
  EXPECT_EQ(open[0].second, open[1].second) << "one socket behind both";
  EXPECT_EQ(open[0].second, k.find(20));
}

TEST_F(dup_test, a_dup_of_a_pipes_write_end_keeps_the_reader_from_end_of_file) {
  ASSERT_EQ(k.sock_pipe(fds_at, SB_SOCK_NONBLOCK), 0);
  const auto reader = static_cast<std::int32_t>(*memory.read_u32(fds_at));
  const auto writer = static_cast<std::int32_t>(*memory.read_u32(fds_at + 4));
  const auto copy = wasi.dup(writer, 0);
  ASSERT_GE(copy, 0);
  ASSERT_EQ(wasi.fd_close(writer), 0);
  EXPECT_EQ(k.read(reader, buffer_at, 10), -SB_EAGAIN) << "a writer is left: no end of file";
  EXPECT_EQ(write_text(copy, "abc"), 0);
  ASSERT_EQ(wasi.fd_close(copy), 0);
  EXPECT_EQ(read_text(reader, 10), "abc");
  EXPECT_EQ(read_text(reader, 10), "") << "end of file once the last writer closed";
}

TEST_F(dup_test, dup2_points_stdout_at_dev_null_and_back) {
  const auto null = open_fd("dev/null", right_fd_read | right_fd_write);
  const auto saved = wasi.dup(1, 0);
  ASSERT_GE(saved, 0);
  EXPECT_EQ(wasi.dup2(null, 1), 1);
  EXPECT_EQ(wasi.dup2(null, 0), 0);
  ASSERT_EQ(wasi.fd_close(null), 0);
  EXPECT_EQ(write_text(1, "dropped"), 0);
  EXPECT_EQ(read_text(0, 10), "") << "stdin reads /dev/null";
  EXPECT_EQ(write_text(saved, "kept\n"), 0);
  EXPECT_EQ(stdio.out, "kept\n");
  EXPECT_EQ(wasi.dup2(saved, 1), 1) << "stdout back on fd 1, /dev/null released";
  ASSERT_EQ(wasi.fd_close(saved), 0);
  EXPECT_EQ(write_text(1, "again\n"), 0);
  EXPECT_EQ(stdio.out, "kept\nagain\n");
}

TEST_F(dup_test, a_dup_of_a_file_shares_its_offset_and_outlives_the_original) {
  const auto fd = open_fd("etc/app.conf");
  const auto copy = wasi.dup(fd, 0);
  EXPECT_EQ(read_text(fd, 5), "name=");
  ASSERT_EQ(wasi.fd_close(fd), 0);
  EXPECT_EQ(read_text(copy, 100), "demo\n") << "one offset for both fds";
  ASSERT_EQ(wasi.fd_close(copy), 0);
  EXPECT_EQ(wasi.fd_close(copy), SB_EBADF);
}

TEST_F(dup_test, dup2_onto_an_open_socket_closes_that_socket) {
  handshake_v2();
  const auto victim = connected_socket();
  const auto stream = k.find(victim)->stream_id;
  const auto file = open_fd("etc/app.conf");
  take_outgoing();
  EXPECT_EQ(wasi.dup2(file, victim), victim);
  EXPECT_TRUE(sent_close(stream));
  EXPECT_EQ(read_text(victim, 4), "name");
  EXPECT_EQ(wasi.dup2(file, file), file) << "onto itself: nothing changes";
  EXPECT_EQ(read_text(file, 1), "=");
}

TEST_F(dup_test, bad_fds_and_hostile_numbers_are_errors) {
  EXPECT_EQ(wasi.dup(77, 0), -SB_EBADF);
  EXPECT_EQ(wasi.dup(-1, 0), -SB_EBADF);
  EXPECT_EQ(wasi.dup(INT_MIN, 0), -SB_EBADF);
  EXPECT_EQ(wasi.dup(1, -1), -SB_EINVAL);
  EXPECT_EQ(wasi.dup(1, max_open_fds), -SB_EINVAL);
  EXPECT_EQ(wasi.dup(1, INT_MAX), -SB_EINVAL);
  EXPECT_EQ(wasi.dup2(77, 5), -SB_EBADF);
  EXPECT_EQ(wasi.dup2(77, 77), -SB_EBADF) << "onto itself, but not open";
  EXPECT_EQ(wasi.dup2(1, -1), -SB_EBADF);
  EXPECT_EQ(wasi.dup2(1, INT_MIN), -SB_EBADF);
  EXPECT_EQ(wasi.dup2(1, max_open_fds), -SB_EBADF);
  EXPECT_EQ(wasi.dup2(1, INT_MAX), -SB_EBADF);
  EXPECT_EQ(k.dup_onto(1, 2), -SB_EBADF) << "the kernel never replaces an open fd itself";
  EXPECT_EQ(wasi.dup(max_open_fds - 1, 0), -SB_EBADF);
}

TEST_F(dup_test, the_fd_table_fills_up_with_emfile_and_frees_again) {
  std::int32_t last = -1;
  for (std::int32_t copy; (copy = wasi.dup(1, 0)) >= 0;) last = copy;
  EXPECT_EQ(last, max_open_fds - 1);
  EXPECT_EQ(wasi.dup(1, 0), -SB_EMFILE);
  EXPECT_EQ(k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0), -SB_EMFILE);
  EXPECT_EQ(k.sock_pipe(fds_at, 0), -SB_EMFILE);
  ASSERT_EQ(wasi.fd_close(100), 0);
  EXPECT_EQ(k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0), 100);
  EXPECT_EQ(write_text(last, "still stdout\n"), 0);
  EXPECT_EQ(stdio.out, "still stdout\n");
}

TEST_F(dup_test, proc_exit_closes_every_fd_and_leaves_stdio) {
  handshake_v2();
  const auto fd = connected_socket();
  wasi.dup(fd, 0);
  wasi.dup(open_fd("etc/app.conf"), 0);
  wasi.dup2(fd, 1);
  wasi.proc_exit(0);
  EXPECT_TRUE(k.sockets().empty());
  EXPECT_EQ(k.object_of(fd), -1);
  EXPECT_EQ(k.object_of(1), 1);
}

}  // namespace
}  // namespace sb::host::testing
