// Local pipes and socket pairs (local_pair.cpp): byte queues between two fds
// of the guest's table, with POSIX's end-of-file, EPIPE, O_NONBLOCK, a 64 KiB
// bound, poll readiness, and no frame ever sent to the relay.
#include <gtest/gtest.h>

#include <string>

#include "kernel_harness.hpp"
#include "sockbridge/host/wasi.hpp"

namespace sb::host::testing {
namespace {

constexpr guest_ptr fds_at = 0x200;
constexpr guest_ptr table_at = 0x400;
constexpr guest_ptr big_at = 0x10000;  // room for more than local_buffer_bytes

struct local_pair_test : kernel_harness {
  std::int32_t first() { return static_cast<std::int32_t>(*memory.read_u32(fds_at)); }
  std::int32_t second() { return static_cast<std::int32_t>(*memory.read_u32(fds_at + 4)); }

  // Makes a pipe; returns {read end, write end}.
  std::pair<std::int32_t, std::int32_t> make_pipe(std::int32_t flags = 0) {
    EXPECT_EQ(k.sock_pipe(fds_at, flags), 0);
    return {first(), second()};
  }
  std::pair<std::int32_t, std::int32_t> make_pair(std::int32_t type = SB_SOCK_STREAM) {
    EXPECT_EQ(k.sock_socketpair(SB_AF_UNIX, type, 0, fds_at), 0);
    return {first(), second()};
  }
  std::int32_t write_text(std::int32_t fd, const std::string& text) {
    put_text(buffer_at, text);
    return k.write(fd, buffer_at, static_cast<std::uint32_t>(text.size()));
  }
  std::string read_text(std::int32_t fd, std::uint32_t max = 256) {
    const auto got = k.read(fd, buffer_at + 0x800, max);
    EXPECT_GE(got, 0);
    return got > 0 ? text_at(buffer_at + 0x800, static_cast<std::size_t>(got)) : "";
  }
  std::int16_t poll_one(std::int32_t fd, std::int16_t events) {
    EXPECT_TRUE(memory.write_u32(table_at, static_cast<std::uint32_t>(fd)));
    EXPECT_TRUE(memory.write_u32(table_at + 4, static_cast<std::uint16_t>(events)));
    EXPECT_GE(k.sock_poll(table_at, 1, 0), 0);
    const auto* raw = memory.bytes().data() + table_at;
    return static_cast<std::int16_t>(raw[6] | raw[7] << 8);
  }
};

TEST_F(local_pair_test, pipe_carries_bytes_from_the_write_end_to_the_read_end_in_order) {
  const auto [reader, writer] = make_pipe();
  EXPECT_EQ(reader, first_socket_fd);
  EXPECT_EQ(writer, first_socket_fd + 1);
  EXPECT_EQ(write_text(writer, "hello, "), 7);
  EXPECT_EQ(write_text(writer, "pipe"), 4);
  EXPECT_EQ(k.readable_bytes(reader), 11u);
  EXPECT_EQ(read_text(reader, 5), "hello");
  EXPECT_EQ(read_text(reader), ", pipe");
  EXPECT_FALSE(k.has_outgoing());  // nothing for the relay, even before the handshake
}

TEST_F(local_pair_test, pipe_read_after_the_writer_closes_returns_queued_bytes_then_end_of_file) {
  const auto [reader, writer] = make_pipe();
  write_text(writer, "last words");
  EXPECT_EQ(k.sock_close(writer), 0);
  EXPECT_EQ(read_text(reader), "last words");
  EXPECT_EQ(k.read(reader, buffer_at, 16), 0);
  EXPECT_EQ(k.read(reader, buffer_at, 16), 0);
}

TEST_F(local_pair_test, pipe_write_after_the_reader_closes_is_epipe) {
  const auto [reader, writer] = make_pipe();
  EXPECT_EQ(k.sock_close(reader), 0);
  EXPECT_EQ(write_text(writer, "anyone?"), -SB_EPIPE);
}

TEST_F(local_pair_test, pipe_ends_are_one_way_and_not_sockets) {
  const auto [reader, writer] = make_pipe();
  EXPECT_EQ(write_text(reader, "x"), -SB_EBADF);
  EXPECT_EQ(k.read(writer, buffer_at, 4), -SB_EBADF);
  EXPECT_EQ(k.sock_send(writer, buffer_at, 1, 0), -SB_ENOTSOCK);
  EXPECT_EQ(k.sock_recv(reader, buffer_at, 1, 0), -SB_ENOTSOCK);
  EXPECT_EQ(k.sock_shutdown(writer, SB_SHUT_WR), -SB_ENOTSOCK);
  EXPECT_FALSE(k.is_socket(reader));
  EXPECT_TRUE(k.is_stream_fd(reader));
}

TEST_F(local_pair_test, blocking_read_of_an_empty_pipe_waits_and_nonblocking_is_eagain) {
  const auto [reader, writer] = make_pipe();
  EXPECT_EQ(k.read(reader, buffer_at, 16), would_block);
  EXPECT_EQ(k.wake_after_ms(), -1);  // no timeout: only a write can end the wait
  ASSERT_EQ(k.set_nonblocking(reader, true), 0);
  EXPECT_EQ(k.read(reader, buffer_at, 16), -SB_EAGAIN);
  write_text(writer, "now");
  EXPECT_EQ(read_text(reader), "now");
}

TEST_F(local_pair_test, pipe2_nonblock_makes_both_ends_nonblocking) {
  const auto [reader, writer] = make_pipe(SB_SOCK_NONBLOCK | SB_SOCK_CLOEXEC);
  EXPECT_TRUE(k.find(reader)->nonblocking);
  EXPECT_TRUE(k.find(writer)->nonblocking);
  EXPECT_EQ(k.read(reader, buffer_at, 16), -SB_EAGAIN);
}

TEST_F(local_pair_test, a_full_pipe_takes_what_fits_then_blocks_or_is_eagain) {
  const auto [reader, writer] = make_pipe();
  const auto big = static_cast<std::uint32_t>(local_buffer_bytes + 1000);
  EXPECT_EQ(k.write(writer, big_at, big), static_cast<std::int32_t>(local_buffer_bytes));
  EXPECT_EQ(k.write(writer, big_at, 1), would_block);
  ASSERT_EQ(k.set_nonblocking(writer, true), 0);
  EXPECT_EQ(k.write(writer, big_at, 1), -SB_EAGAIN);
  EXPECT_EQ(poll_one(writer, SB_POLLOUT), 0);
  EXPECT_EQ(k.read(reader, big_at, 100), 100);
  EXPECT_EQ(poll_one(writer, SB_POLLOUT), SB_POLLOUT);
  // A write up to PIPE_BUF goes in whole or not at all.
  EXPECT_EQ(k.write(writer, big_at, 101), -SB_EAGAIN);
  EXPECT_EQ(k.write(writer, big_at, 100), 100);
}

TEST_F(local_pair_test, pipe_poll_reports_readable_writable_and_hang_up) {
  const auto [reader, writer] = make_pipe();
  EXPECT_EQ(poll_one(reader, SB_POLLIN), 0);
  EXPECT_EQ(poll_one(writer, SB_POLLOUT), SB_POLLOUT);
  write_text(writer, "x");
  EXPECT_EQ(poll_one(reader, SB_POLLIN), SB_POLLIN);
  k.sock_close(writer);
  EXPECT_EQ(poll_one(reader, SB_POLLIN), SB_POLLIN | SB_POLLHUP);
  const auto [reader2, writer2] = make_pipe();
  k.sock_close(reader2);
  EXPECT_EQ(poll_one(writer2, SB_POLLOUT), SB_POLLOUT | SB_POLLERR);
}

TEST_F(local_pair_test, poll_with_a_timeout_on_an_empty_pipe_expires_with_zero) {
  const auto [reader, writer] = make_pipe();
  ASSERT_TRUE(memory.write_u32(table_at, static_cast<std::uint32_t>(reader)));
  ASSERT_TRUE(memory.write_u32(table_at + 4, SB_POLLIN));
  EXPECT_EQ(k.sock_poll(table_at, 1, 50), would_block);
  EXPECT_EQ(k.wake_after_ms(), 50);
  now += 50;
  EXPECT_EQ(k.sock_poll(table_at, 1, 50), 0);
  (void)writer;
}

TEST_F(local_pair_test, pipe_with_a_hostile_fds_pointer_is_efault_and_makes_nothing) {
  EXPECT_EQ(k.sock_pipe(memory_bytes - 4, 0), -SB_EFAULT);
  EXPECT_EQ(k.sock_pipe(0xfffffffcu, 0), -SB_EFAULT);
  EXPECT_EQ(k.sock_socketpair(SB_AF_UNIX, SB_SOCK_STREAM, 0, memory_bytes - 7), -SB_EFAULT);
  EXPECT_TRUE(k.sockets().empty());
}

TEST_F(local_pair_test, pipe_with_unknown_flags_is_einval) {
  EXPECT_EQ(k.sock_pipe(fds_at, 0x1), -SB_EINVAL);
  EXPECT_EQ(k.sock_pipe(fds_at, SB_SOCK_STREAM), -SB_EINVAL);
  EXPECT_TRUE(k.sockets().empty());
}

TEST_F(local_pair_test, read_and_write_with_hostile_buffers_are_efault_and_lose_nothing) {
  const auto [reader, writer] = make_pipe();
  EXPECT_EQ(k.write(writer, memory_bytes - 2, 10), -SB_EFAULT);
  write_text(writer, "kept");
  EXPECT_EQ(k.read(reader, memory_bytes - 2, 10), -SB_EFAULT);
  EXPECT_EQ(read_text(reader), "kept");
}

TEST_F(local_pair_test, socketpair_is_two_way_with_send_recv_read_and_write) {
  const auto [a, b] = make_pair();
  EXPECT_TRUE(k.is_socket(a));
  put_text(buffer_at, "ping");
  EXPECT_EQ(k.sock_send(a, buffer_at, 4, 0), 4);
  EXPECT_EQ(k.sock_recv(b, buffer_at + 0x100, 2, SB_MSG_PEEK), 2);
  EXPECT_EQ(read_text(b), "ping");
  EXPECT_EQ(write_text(b, "pong"), 4);
  EXPECT_EQ(read_text(a), "pong");
  EXPECT_EQ(k.sock_recv(a, buffer_at, 4, SB_MSG_DONTWAIT), -SB_EAGAIN);
  EXPECT_FALSE(k.has_outgoing());
}

TEST_F(local_pair_test, socketpair_close_gives_the_other_end_end_of_file_epipe_and_hang_up) {
  const auto [a, b] = make_pair();
  write_text(a, "bye");
  EXPECT_EQ(k.sock_close(a), 0);
  EXPECT_EQ(read_text(b), "bye");
  EXPECT_EQ(k.read(b, buffer_at, 8), 0);
  EXPECT_EQ(write_text(b, "hello?"), -SB_EPIPE);
  EXPECT_EQ(poll_one(b, SB_POLLIN), SB_POLLIN | SB_POLLHUP);
  EXPECT_EQ(k.sock_close(a), -SB_EBADF);
}

TEST_F(local_pair_test, socketpair_shutdown_write_is_end_of_file_for_the_other_end_only) {
  const auto [a, b] = make_pair();
  EXPECT_EQ(k.sock_shutdown(a, SB_SHUT_WR), 0);
  EXPECT_EQ(k.read(b, buffer_at, 8), 0);
  EXPECT_EQ(write_text(a, "x"), -SB_EPIPE);
  EXPECT_EQ(write_text(b, "still"), 5);
  EXPECT_EQ(read_text(a), "still");
  EXPECT_EQ(k.sock_shutdown(b, SB_SHUT_RD), 0);
  EXPECT_EQ(k.read(b, buffer_at, 8), 0);
  EXPECT_EQ(k.sock_shutdown(b, 7), -SB_EINVAL);
}

TEST_F(local_pair_test, socketpair_survives_the_relay_link_failing) {
  handshake_v2();
  const auto [a, b] = make_pair();
  k.on_transport_closed();
  EXPECT_EQ(write_text(a, "local"), 5);
  EXPECT_EQ(read_text(b), "local");
}

TEST_F(local_pair_test, socketpair_reports_unnamed_unix_addresses_and_its_type) {
  const auto [a, b] = make_pair();
  constexpr guest_ptr len_at = 0x300;
  ASSERT_TRUE(memory.write_u32(len_at, 16));
  EXPECT_EQ(k.sock_getpeername(a, addr_at, len_at), 0);
  EXPECT_EQ(memory.read_u32(len_at), std::uint32_t{SB_SOCKADDR_UNNAMED_SIZE});
  EXPECT_EQ(memory.bytes()[addr_at], SB_AF_UNIX);
  ASSERT_TRUE(memory.write_u32(len_at, 16));
  EXPECT_EQ(k.sock_getsockname(b, addr_at, len_at), 0);
  EXPECT_EQ(memory.read_u32(len_at), std::uint32_t{SB_SOCKADDR_UNNAMED_SIZE});
  ASSERT_TRUE(memory.write_u32(len_at, 4));
  EXPECT_EQ(k.sock_getsockopt(a, SB_SOL_SOCKET, SB_SO_TYPE, buffer_at, len_at), 0);
  EXPECT_EQ(memory.read_u32(buffer_at), std::uint32_t{SB_SOCK_STREAM});
  EXPECT_EQ(k.sock_connect(a, addr_at, put_ipv4(80)), -SB_EISCONN);
  EXPECT_EQ(k.sock_listen(a, 1), -SB_EINVAL);
}

TEST_F(local_pair_test, socketpair_refuses_other_families_types_and_protocols_with_their_errno) {
  EXPECT_EQ(k.sock_socketpair(SB_AF_INET, SB_SOCK_STREAM, 0, fds_at), -SB_ENOTSUP);
  EXPECT_EQ(k.sock_socketpair(SB_AF_INET6, SB_SOCK_STREAM, 0, fds_at), -SB_ENOTSUP);
  EXPECT_EQ(k.sock_socketpair(42, SB_SOCK_STREAM, 0, fds_at), -SB_EAFNOSUPPORT);
  EXPECT_EQ(k.sock_socketpair(SB_AF_UNIX, SB_SOCK_DGRAM, 0, fds_at), -SB_ENOTSUP);
  EXPECT_EQ(k.sock_socketpair(SB_AF_UNIX, 3, 0, fds_at), -SB_EPROTOTYPE);
  EXPECT_EQ(k.sock_socketpair(SB_AF_UNIX, SB_SOCK_STREAM | 0x100, 0, fds_at), -SB_EINVAL);
  EXPECT_EQ(k.sock_socketpair(SB_AF_UNIX, SB_SOCK_STREAM, 6, fds_at), -SB_EPROTONOSUPPORT);
  EXPECT_TRUE(k.sockets().empty());
}

TEST_F(local_pair_test, pipes_and_pairs_take_the_lowest_free_fds_shared_with_sockets) {
  const auto tcp = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  const auto [reader, writer] = make_pipe();
  EXPECT_EQ(reader, tcp + 1);
  EXPECT_EQ(writer, tcp + 2);
  k.sock_close(reader);
  const auto [a, b] = make_pair();
  EXPECT_EQ(a, reader);
  EXPECT_EQ(b, writer + 1);
}

TEST_F(local_pair_test, too_many_open_fds_is_emfile) {
  while (k.sockets().size() + 2 <= max_open_sockets) ASSERT_EQ(k.sock_pipe(fds_at, 0), 0);
  EXPECT_EQ(k.sock_pipe(fds_at, 0), -SB_EMFILE);
  EXPECT_EQ(k.sock_socketpair(SB_AF_UNIX, SB_SOCK_STREAM, 0, fds_at), -SB_EMFILE);
}

struct local_pair_wasi_test : local_pair_test {
  discard_stdio stdio;
  wasi_preview1 wasi{memory, k, stdio};
};

TEST_F(local_pair_wasi_test, fd_read_fd_write_fcntl_and_poll_oneoff_see_pipes) {
  const auto [reader, writer] = make_pipe();
  put_text(buffer_at, "via wasi");
  ASSERT_TRUE(memory.write_u32(0x300, buffer_at));
  ASSERT_TRUE(memory.write_u32(0x304, 8));
  ASSERT_EQ(wasi.fd_write(writer, 0x300, 1, 0x308), 0);
  EXPECT_EQ(memory.read_u32(0x308), 8u);

  // poll_oneoff with one fd_read subscription: the event's nbytes is what is queued.
  constexpr guest_ptr sub_at = 0x500, event_at = 0x600, count_at = 0x700;
  std::memset(memory.bytes().data() + sub_at, 0, 48);
  memory.bytes()[sub_at + 8] = 1;  // eventtype fd_read
  ASSERT_TRUE(memory.write_u32(sub_at + 16, static_cast<std::uint32_t>(reader)));
  ASSERT_EQ(wasi.poll_oneoff(sub_at, event_at, 1, count_at), 0);
  EXPECT_EQ(memory.read_u32(count_at), 1u);
  EXPECT_EQ(memory.read_u32(event_at + 16), 8u);

  ASSERT_TRUE(memory.write_u32(0x300, buffer_at + 0x100));
  ASSERT_TRUE(memory.write_u32(0x304, 64));
  ASSERT_EQ(wasi.fd_read(reader, 0x300, 1, 0x308), 0);
  EXPECT_EQ(text_at(buffer_at + 0x100, 8), "via wasi");

  ASSERT_EQ(wasi.fd_fdstat_set_flags(reader, 4 /* FDFLAGS_NONBLOCK */), 0);
  EXPECT_EQ(wasi.fd_read(reader, 0x300, 1, 0x308), SB_EAGAIN);
  EXPECT_EQ(wasi.fd_seek(reader, 0, 0, 0x308), SB_ESPIPE);
  EXPECT_EQ(wasi.fd_close(writer), 0);
  ASSERT_EQ(wasi.fd_read(reader, 0x300, 1, 0x308), 0);
  EXPECT_EQ(memory.read_u32(0x308), 0u);
  EXPECT_EQ(wasi.fd_close(reader), 0);
  EXPECT_EQ(wasi.fd_close(reader), SB_EBADF);
}

}  // namespace
}  // namespace sb::host::testing
