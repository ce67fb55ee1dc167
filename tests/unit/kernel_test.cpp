#include "kernel_harness.hpp"

namespace sb::host::testing {
namespace {

using kernel_test = kernel_harness;

TEST_F(kernel_test, socket_returns_fds_from_three_and_rejects_unknown_domains_and_types) {
  EXPECT_EQ(k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0), 3);
  EXPECT_EQ(k.sock_socket(SB_AF_INET6, SB_SOCK_STREAM | SB_SOCK_NONBLOCK, 0), 4);
  EXPECT_EQ(k.sock_socket(99, SB_SOCK_STREAM, 0), -SB_EAFNOSUPPORT);
  EXPECT_EQ(k.sock_socket(SB_AF_INET, 1, 0), -SB_EPROTOTYPE);
  EXPECT_EQ(k.sock_socket(SB_AF_INET, 0x100, 0), -SB_EINVAL);
  EXPECT_EQ(k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 17), -SB_EPROTONOSUPPORT);
}

TEST_F(kernel_test, socket_limit_returns_emfile) {
  for (std::size_t i = 0; i < max_open_sockets; ++i) ASSERT_GE(k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0), 0);
  EXPECT_EQ(k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0), -SB_EMFILE);
}

TEST_F(kernel_test, calls_on_unknown_fds_fail_with_ebadf_and_on_stdio_with_enotsock) {
  EXPECT_EQ(k.sock_send(42, buffer_at, 1, 0), -SB_EBADF);
  EXPECT_EQ(k.sock_recv(-1, buffer_at, 1, 0), -SB_EBADF);
  EXPECT_EQ(k.sock_close(1), -SB_ENOTSOCK);
  EXPECT_EQ(k.sock_connect(0, addr_at, put_ipv4(80)), -SB_ENOTSOCK);
}

TEST_F(kernel_test, connect_before_handshake_holds_the_connect_frame_until_ready) {
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  EXPECT_EQ(k.sock_connect(fd, addr_at, put_ipv4(8080)), would_block);
  EXPECT_FALSE(k.has_outgoing());
  handshake_v2();
  auto frames = take_outgoing();
  ASSERT_EQ(frames.size(), 1u);
  wisp::frame frame;
  ASSERT_EQ(wisp::decode_frame(frames[0], frame), wisp::decode_error::ok);
  ASSERT_EQ(frame.type, wisp::packet_type::connect);
  wisp::connect_payload connect;
  ASSERT_EQ(wisp::decode_connect(frame.payload, connect), wisp::decode_error::ok);
  EXPECT_EQ(connect.hostname, "127.0.0.1");
  EXPECT_EQ(connect.port, 8080);
  EXPECT_EQ(connect.type, wisp::stream_type::tcp);
}

TEST_F(kernel_test, v2_handshake_replies_with_info_listing_stream_open_confirmation) {
  wisp::bytes info;
  wisp::encode_info(info, {2, 0, {{0x05, {}}, {0x04, {}}}});
  k.on_frame(info);
  auto frames = take_outgoing();
  ASSERT_EQ(frames.size(), 1u);
  wisp::frame frame;
  ASSERT_EQ(wisp::decode_frame(frames[0], frame), wisp::decode_error::ok);
  wisp::info_payload reply;
  ASSERT_EQ(wisp::decode_info(frame.payload, reply), wisp::decode_error::ok);
  ASSERT_EQ(reply.extensions.size(), 1u);
  EXPECT_EQ(reply.extensions[0].id, 0x05);
}

TEST_F(kernel_test, blocking_connect_completes_when_relay_confirms_the_stream) {
  handshake_v2();
  const auto fd = connected_socket();
  EXPECT_EQ(k.find(fd)->state, socket_state::connected);
  EXPECT_EQ(k.sock_connect(fd, addr_at, SB_SOCKADDR_IN_SIZE), -SB_EISCONN);
}

TEST_F(kernel_test, connect_refused_by_the_relay_returns_econnrefused) {
  handshake_v2();
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  ASSERT_EQ(k.sock_connect(fd, addr_at, put_ipv4(1)), would_block);
  relay_close(k.find(fd)->stream_id, wisp::close_reason::refused);
  EXPECT_EQ(k.sock_connect(fd, addr_at, SB_SOCKADDR_IN_SIZE), -SB_ECONNREFUSED);
}

TEST_F(kernel_test, connect_blocked_by_policy_returns_eperm) {
  handshake_v2();
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  ASSERT_EQ(k.sock_connect(fd, addr_at, put_ipv4(80, {10, 0, 0, 1})), would_block);
  relay_close(k.find(fd)->stream_id, wisp::close_reason::blocked);
  EXPECT_EQ(k.sock_connect(fd, addr_at, SB_SOCKADDR_IN_SIZE), -SB_EPERM);
}

// What the guest sees for each close reason, written out here rather than
// taken from SB_CLOSE_REASON_ERRNO, so a change to the table has to change this too.
struct reason_errno {
  wisp::close_reason reason;
  std::int32_t connecting;
  std::int32_t connected;  // 0: end of stream
};

constexpr reason_errno every_close_reason[] = {
    {wisp::close_reason::unspecified, SB_EIO, SB_ECONNRESET},
    {wisp::close_reason::voluntary, SB_ECONNABORTED, 0},
    {wisp::close_reason::network_error, SB_ENETDOWN, SB_ECONNRESET},
    {wisp::close_reason::incompatible_extensions, SB_EPROTONOSUPPORT, SB_EPROTONOSUPPORT},
    {wisp::close_reason::invalid_info, SB_EINVAL, SB_EINVAL},
    {wisp::close_reason::unreachable, SB_EHOSTUNREACH, SB_EHOSTUNREACH},
    {wisp::close_reason::connect_timeout, SB_ETIMEDOUT, SB_ETIMEDOUT},
    {wisp::close_reason::refused, SB_ECONNREFUSED, SB_ECONNREFUSED},
    {wisp::close_reason::transfer_timeout, SB_ETIMEDOUT, SB_ETIMEDOUT},
    {wisp::close_reason::blocked, SB_EPERM, SB_EPERM},
    {wisp::close_reason::throttled, SB_ENOBUFS, SB_ENOBUFS},
    {wisp::close_reason::client_error, SB_EPROTO, SB_EPROTO},
    {wisp::close_reason::auth_bad_password, SB_EACCES, SB_EACCES},
    {wisp::close_reason::auth_bad_signature, SB_EACCES, SB_EACCES},
    {wisp::close_reason::auth_required, SB_EACCES, SB_EACCES},
    {wisp::close_reason::address_in_use, SB_EADDRINUSE, SB_EADDRINUSE},
    {wisp::close_reason::address_not_available, SB_EADDRNOTAVAIL, SB_EADDRNOTAVAIL},
    {wisp::close_reason::name_not_found, SB_ENOENT, SB_ENOENT},
    {wisp::close_reason::connection_reset, SB_ECONNRESET, SB_ECONNRESET},
};

TEST_F(kernel_test, every_close_reason_fails_a_pending_connect_with_its_own_errno) {
  handshake_v2();
  for (const auto& expected : every_close_reason) {
    SCOPED_TRACE(wisp::describe(expected.reason));
    const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
    ASSERT_EQ(k.sock_connect(fd, addr_at, put_ipv4(80)), would_block);
    relay_close(k.find(fd)->stream_id, expected.reason);
    EXPECT_EQ(k.sock_connect(fd, addr_at, SB_SOCKADDR_IN_SIZE), -expected.connecting);
    ASSERT_EQ(k.sock_close(fd), 0);
  }
}

TEST_F(kernel_test, every_close_reason_reaches_recv_on_a_connected_socket_as_its_errno) {
  handshake_v2();
  for (const auto& expected : every_close_reason) {
    SCOPED_TRACE(wisp::describe(expected.reason));
    const auto fd = connected_socket();
    relay_close(k.find(fd)->stream_id, expected.reason);
    EXPECT_EQ(k.sock_recv(fd, buffer_at, 16, 0), -expected.connected);
    ASSERT_EQ(k.sock_close(fd), 0);
  }
}

TEST_F(kernel_test, connect_errnos_tell_every_distinct_reason_apart) {
  // The only shared errnos are POSIX's: two timeouts, three refused logins.
  for (const auto& a : every_close_reason)
    for (const auto& b : every_close_reason) {
      if (&a == &b || a.connecting != b.connecting) continue;
      const bool timeouts = a.connecting == SB_ETIMEDOUT;
      const bool logins = a.connecting == SB_EACCES;
      EXPECT_TRUE(timeouts || logins) << wisp::describe(a.reason) << " and " << wisp::describe(b.reason);
    }
}

TEST_F(kernel_test, an_unknown_close_reason_fails_a_connect_as_unspecified) {
  handshake_v2();
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  ASSERT_EQ(k.sock_connect(fd, addr_at, put_ipv4(80)), would_block);
  relay_close(k.find(fd)->stream_id, static_cast<wisp::close_reason>(0x7e));
  EXPECT_EQ(k.sock_connect(fd, addr_at, SB_SOCKADDR_IN_SIZE), -SB_EIO);
}

TEST_F(kernel_test, nonblocking_connect_returns_einprogress_then_ealready) {
  handshake_v2();
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM | SB_SOCK_NONBLOCK, 0);
  EXPECT_EQ(k.sock_connect(fd, addr_at, put_ipv4(80)), -SB_EINPROGRESS);
  EXPECT_EQ(k.sock_connect(fd, addr_at, put_ipv4(80)), -SB_EALREADY);
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 16, 0), -SB_EAGAIN);
}

TEST_F(kernel_test, v1_connect_is_optimistic_and_a_later_refusal_surfaces_on_recv) {
  handshake_v1();
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  EXPECT_EQ(k.sock_connect(fd, addr_at, put_ipv4(1)), 0);
  relay_close(k.find(fd)->stream_id, wisp::close_reason::refused);
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 16, 0), -SB_ECONNREFUSED);
}

TEST_F(kernel_test, v1_connect_is_unconfirmed_until_the_stream_answers) {
  handshake_v1();
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  ASSERT_EQ(k.sock_connect(fd, addr_at, put_ipv4(1)), 0);
  EXPECT_EQ(k.find(fd)->state, socket_state::unconfirmed);
  EXPECT_EQ(k.sock_connect(fd, addr_at, SB_SOCKADDR_IN_SIZE), -SB_EISCONN);
  relay_data(k.find(fd)->stream_id, "hi");
  EXPECT_EQ(k.find(fd)->state, socket_state::connected);
}

// Plain Wisp servers (wisp-js) close every failed connect with network_error,
// in v1 and in a v2 session without stream-open confirmation.
TEST_F(kernel_test, network_error_on_an_unconfirmed_stream_is_a_refused_connect) {
  handshake_v1();
  const auto v1 = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  ASSERT_EQ(k.sock_connect(v1, addr_at, put_ipv4(1)), 0);
  EXPECT_EQ(k.sock_send(v1, buffer_at, 4, 0), 4) << "optimistic: the request goes out before any answer";
  relay_close(k.find(v1)->stream_id, wisp::close_reason::network_error);
  EXPECT_EQ(k.sock_recv(v1, buffer_at, 16, 0), -SB_ECONNREFUSED);
}

TEST_F(kernel_test, network_error_on_an_unconfirmed_v2_stream_held_for_the_handshake_is_a_refused_connect) {
  wisp::bytes info;
  wisp::encode_info(info, {2, 0, {{static_cast<std::uint8_t>(wisp::extension_id::udp), {}}}});
  k.on_frame(info);  // no stream-open confirmation offered, as wisp-js's server
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  ASSERT_EQ(k.sock_connect(fd, addr_at, put_ipv4(1)), would_block) << "held until the session's CONTINUE";
  relay_continue(0, 16);
  ASSERT_EQ(k.sock_connect(fd, addr_at, SB_SOCKADDR_IN_SIZE), 0);
  relay_close(k.find(fd)->stream_id, wisp::close_reason::network_error);
  EXPECT_EQ(k.sock_send(fd, buffer_at, 4, 0), -SB_ECONNREFUSED);
}

TEST_F(kernel_test, network_error_after_the_peer_was_heard_from_is_still_a_reset) {
  handshake_v1();
  const auto data = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  ASSERT_EQ(k.sock_connect(data, addr_at, put_ipv4(80)), 0);
  relay_data(k.find(data)->stream_id, "hi");
  relay_close(k.find(data)->stream_id, wisp::close_reason::network_error);
  EXPECT_EQ(k.sock_recv(data, buffer_at, 16, 0), 2);
  EXPECT_EQ(k.sock_recv(data, buffer_at, 16, 0), -SB_ECONNRESET);

  const auto granted = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  ASSERT_EQ(k.sock_connect(granted, addr_at, put_ipv4(80)), 0);
  relay_continue(k.find(granted)->stream_id, 16);
  relay_close(k.find(granted)->stream_id, wisp::close_reason::network_error);
  EXPECT_EQ(k.sock_recv(granted, buffer_at, 16, 0), -SB_ECONNRESET);

  const auto ended = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  ASSERT_EQ(k.sock_connect(ended, addr_at, put_ipv4(80)), 0);
  relay_close(k.find(ended)->stream_id, wisp::close_reason::voluntary);
  EXPECT_EQ(k.sock_recv(ended, buffer_at, 16, 0), 0) << "a server that closes at once has just ended the stream";
}

TEST_F(kernel_test, connect_with_bad_address_pointer_or_length_fails_cleanly) {
  handshake_v2();
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  EXPECT_EQ(k.sock_connect(fd, memory_bytes - 4, SB_SOCKADDR_IN_SIZE), -SB_EFAULT);
  EXPECT_EQ(k.sock_connect(fd, 0xfffffff0u, SB_SOCKADDR_IN_SIZE), -SB_EFAULT);
  put_ipv4(80);
  EXPECT_EQ(k.sock_connect(fd, addr_at, 4), -SB_EINVAL);
  EXPECT_EQ(k.sock_socket(SB_AF_INET6, SB_SOCK_STREAM, 0), fd + 1);
  EXPECT_EQ(k.sock_connect(fd + 1, addr_at, SB_SOCKADDR_IN_SIZE), -SB_EAFNOSUPPORT);
  EXPECT_FALSE(k.has_outgoing());
}

TEST_F(kernel_test, send_splits_into_data_frames_and_stops_at_the_relay_credit) {
  handshake_v2(2);
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  ASSERT_EQ(k.sock_connect(fd, addr_at, put_ipv4(80)), would_block);
  relay_continue(k.find(fd)->stream_id, 2);
  ASSERT_EQ(k.sock_connect(fd, addr_at, SB_SOCKADDR_IN_SIZE), 0);
  take_outgoing();

  const auto large = static_cast<std::uint32_t>(3 * max_data_payload_bytes);
  const auto sent = k.sock_send(fd, 0, large, 0);
  EXPECT_EQ(sent, static_cast<std::int32_t>(2 * max_data_payload_bytes));
  EXPECT_EQ(take_outgoing().size(), 2u);
  EXPECT_EQ(k.sock_send(fd, 0, 1, 0), would_block);
  relay_continue(k.find(fd)->stream_id, 4);
  EXPECT_EQ(k.sock_send(fd, 0, 1, 0), 1);
}

TEST_F(kernel_test, send_with_buffer_outside_guest_memory_is_efault) {
  handshake_v2();
  const auto fd = connected_socket();
  EXPECT_EQ(k.sock_send(fd, memory_bytes - 2, 4, 0), -SB_EFAULT);
  EXPECT_EQ(k.sock_send(fd, 0xffffffffu, 2, 0), -SB_EFAULT);
  EXPECT_FALSE(k.has_outgoing());
}

TEST_F(kernel_test, send_carries_the_guest_bytes) {
  handshake_v2();
  const auto fd = connected_socket();
  put_text(buffer_at, "GET / HTTP/1.1\r\n");
  ASSERT_EQ(k.sock_send(fd, buffer_at, 16, 0), 16);
  auto frames = take_outgoing();
  ASSERT_EQ(frames.size(), 1u);
  wisp::frame frame;
  ASSERT_EQ(wisp::decode_frame(frames[0], frame), wisp::decode_error::ok);
  EXPECT_EQ(frame.type, wisp::packet_type::data);
  EXPECT_EQ(std::string(frame.payload.begin(), frame.payload.end()), "GET / HTTP/1.1\r\n");
}

TEST_F(kernel_test, recv_returns_data_in_order_then_zero_after_orderly_close) {
  handshake_v2();
  const auto fd = connected_socket();
  const auto stream = k.find(fd)->stream_id;
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 64, 0), would_block);
  relay_data(stream, "hello ");
  relay_data(stream, "world");
  relay_close(stream, wisp::close_reason::voluntary);
  ASSERT_EQ(k.sock_recv(fd, buffer_at, 8, 0), 8);
  EXPECT_EQ(text_at(buffer_at, 8), "hello wo");
  ASSERT_EQ(k.sock_recv(fd, buffer_at, 64, 0), 3);
  EXPECT_EQ(text_at(buffer_at, 3), "rld");
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 64, 0), 0);
  EXPECT_EQ(k.sock_send(fd, buffer_at, 1, 0), -SB_EPIPE);
}

TEST_F(kernel_test, recv_with_peek_leaves_the_bytes_in_place) {
  handshake_v2();
  const auto fd = connected_socket();
  relay_data(k.find(fd)->stream_id, "abc");
  ASSERT_EQ(k.sock_recv(fd, buffer_at, 8, SB_MSG_PEEK), 3);
  ASSERT_EQ(k.sock_recv(fd, buffer_at, 8, 0), 3);
  EXPECT_EQ(text_at(buffer_at, 3), "abc");
}

// shim-js's path: the message is written into the kernel's frame buffer, and a
// TCP stream's DATA is queued as that buffer (header and all, from the payload's
// offset) rather than copied; the copying path and other frames mix with it.
void hand_in(kernel& k, const wisp::bytes& frame) {
  std::memcpy(k.frame_buffer(frame.size()), frame.data(), frame.size());
  k.on_frame_buffer();
}

TEST_F(kernel_test, data_handed_in_through_the_frame_buffer_reads_in_order_across_chunks) {
  handshake_v2();
  const auto fd = connected_socket();
  const auto stream = k.find(fd)->stream_id;
  wisp::bytes frame;
  const auto data = [&](const std::string& text) {
    frame.clear();
    wisp::encode_data(frame, stream, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
    return frame;
  };
  hand_in(k, data("first "));
  relay_data(stream, "copied ");  // the span path: a copy, beside taken buffers
  wisp::bytes credit;
  wisp::encode_continue(credit, stream, 9);
  hand_in(k, credit);  // not DATA: the buffer stays the kernel's, for the next message
  hand_in(k, data(std::string(70000, 'x') + "end"));
  EXPECT_EQ(k.find(fd)->send_credit, 9u);
  ASSERT_EQ(k.sock_recv(fd, buffer_at, 3, 0), 3);
  EXPECT_EQ(text_at(buffer_at, 3), "fir");
  ASSERT_EQ(k.sock_recv(fd, buffer_at, 12, SB_MSG_PEEK), 12);
  EXPECT_EQ(text_at(buffer_at, 12), "st copied xx");
  ASSERT_EQ(k.sock_recv(fd, buffer_at, 10, 0), 10);
  EXPECT_EQ(text_at(buffer_at, 10), "st copied ");
  ASSERT_EQ(k.sock_recv(fd, buffer_at, 0x20000, 0), 70003);
  EXPECT_EQ(text_at(buffer_at + 69998, 5), "xxend");
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 64, 0), would_block);
  hand_in(k, data("again"));
  ASSERT_EQ(k.sock_recv(fd, buffer_at, 64, 0), 5);
  EXPECT_EQ(text_at(buffer_at, 5), "again");
}

TEST_F(kernel_test, a_malformed_frame_handed_in_through_the_frame_buffer_closes_the_link) {
  handshake_v2();
  const auto fd = connected_socket();
  hand_in(k, wisp::bytes{0x01, 0x02});
  EXPECT_EQ(k.link(), link_state::closed);
  EXPECT_NE(k.link_message().find("malformed"), std::string::npos);
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 8, 0), -SB_ECONNRESET);
}

TEST_F(kernel_test, recv_into_a_buffer_outside_guest_memory_is_efault_and_keeps_the_data) {
  handshake_v2();
  const auto fd = connected_socket();
  relay_data(k.find(fd)->stream_id, "keep me");
  EXPECT_EQ(k.sock_recv(fd, memory_bytes - 1, 8, 0), -SB_EFAULT);
  ASSERT_EQ(k.sock_recv(fd, buffer_at, 16, 0), 7);
  EXPECT_EQ(text_at(buffer_at, 7), "keep me");
}

TEST_F(kernel_test, relay_loss_delivers_buffered_data_then_econnreset) {
  handshake_v2();
  const auto fd = connected_socket();
  relay_data(k.find(fd)->stream_id, "last");
  k.on_transport_closed();
  EXPECT_EQ(k.link(), link_state::closed);
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 16, 0), 4);
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 16, 0), -SB_ECONNRESET);
  EXPECT_EQ(k.sock_send(fd, buffer_at, 1, 0), -SB_EPIPE);
}

TEST_F(kernel_test, relay_loss_fails_a_pending_connect_with_enetunreach) {
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  ASSERT_EQ(k.sock_connect(fd, addr_at, put_ipv4(80)), would_block);
  k.on_transport_closed();
  EXPECT_EQ(k.sock_connect(fd, addr_at, SB_SOCKADDR_IN_SIZE), -SB_ENETUNREACH);
  EXPECT_FALSE(k.link_message().empty());
}

TEST_F(kernel_test, malformed_frame_from_relay_closes_the_link_with_a_message) {
  handshake_v2();
  const auto fd = connected_socket();
  const wisp::bytes garbage = {0x09, 0, 0};
  k.on_frame(garbage);
  EXPECT_EQ(k.link(), link_state::closed);
  EXPECT_NE(k.link_message().find("malformed"), std::string::npos);
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 4, 0), -SB_ECONNRESET);
}

TEST_F(kernel_test, close_sends_close_and_frees_the_fd) {
  handshake_v2();
  const auto fd = connected_socket();
  const auto stream = k.find(fd)->stream_id;
  ASSERT_EQ(k.sock_close(fd), 0);
  auto frames = take_outgoing();
  ASSERT_EQ(frames.size(), 1u);
  wisp::frame frame;
  ASSERT_EQ(wisp::decode_frame(frames[0], frame), wisp::decode_error::ok);
  EXPECT_EQ(frame.type, wisp::packet_type::close);
  EXPECT_EQ(frame.stream_id, stream);
  EXPECT_EQ(k.sock_close(fd), -SB_EBADF);
  relay_data(stream, "late");  // late frames for a closed stream are ignored
  EXPECT_EQ(k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0), fd);
}

TEST_F(kernel_test, listen_and_half_close_need_the_sockbridge_extension) {
  handshake_v2();
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  EXPECT_EQ(k.sock_bind(fd, addr_at, put_ipv4(8080)), 0);
  EXPECT_EQ(k.sock_listen(fd, 16), -SB_ENOTSUP);
  EXPECT_EQ(k.sock_accept(fd, 0, 0), -SB_EINVAL);
  const auto connected = connected_socket();
  EXPECT_EQ(k.sock_shutdown(connected, SB_SHUT_WR), -SB_ENOTSUP);
}

TEST_F(kernel_test, bind_twice_is_einval_and_a_bad_address_changes_nothing) {
  handshake_v2();
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  EXPECT_EQ(k.sock_bind(fd, memory_bytes - 4, SB_SOCKADDR_IN_SIZE), -SB_EFAULT);
  EXPECT_EQ(k.sock_bind(fd, 0xfffffff0u, SB_SOCKADDR_IN_SIZE), -SB_EFAULT);
  ASSERT_EQ(k.sock_bind(fd, addr_at, put_ipv4(7000, {0, 0, 0, 0})), 0) << "the failed binds left it unbound";
  EXPECT_EQ(k.sock_bind(fd, addr_at, put_ipv4(7001, {0, 0, 0, 0})), -SB_EINVAL);
  ASSERT_TRUE(memory.write_u32(0x3000, SB_SOCKADDR_IN_SIZE));
  ASSERT_EQ(k.sock_getsockname(fd, 0x2000, 0x3000), 0);
  EXPECT_EQ(memory.bytes()[0x2002], 7000 >> 8) << "the first address stays";
  EXPECT_EQ(memory.bytes()[0x2003], 7000 & 0xff);
}

TEST_F(kernel_test, bind_to_the_other_family_is_eafnosupport) {
  handshake_v2();
  const auto fd = k.sock_socket(SB_AF_INET6, SB_SOCK_STREAM, 0);
  EXPECT_EQ(k.sock_bind(fd, addr_at, put_ipv4(7000)), -SB_EAFNOSUPPORT);
  EXPECT_EQ(k.sock_bind(fd, addr_at, 4), -SB_EINVAL) << "shorter than a sockaddr_in";
  const auto connected = connected_socket();
  EXPECT_EQ(k.sock_bind(connected, addr_at, put_ipv4(7000)), -SB_EINVAL);
}

TEST_F(kernel_test, send_recv_and_shutdown_on_an_unconnected_socket_are_enotconn) {
  handshake_v2();
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  EXPECT_EQ(k.sock_send(fd, buffer_at, 1, 0), -SB_ENOTCONN);
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 1, 0), -SB_ENOTCONN);
  EXPECT_EQ(k.sock_shutdown(fd, SB_SHUT_RDWR), -SB_ENOTCONN);
  EXPECT_EQ(k.sock_sendto(fd, buffer_at, 1, 0, 0, 0), -SB_ENOTCONN);
  EXPECT_EQ(k.sock_recvfrom(fd, buffer_at, 1, 0, 0, 0), -SB_ENOTCONN);
  ASSERT_TRUE(memory.write_u32(0x3000, SB_SOCKADDR_IN_SIZE));
  EXPECT_EQ(k.sock_getpeername(fd, 0x2000, 0x3000), -SB_ENOTCONN);
  EXPECT_FALSE(k.has_outgoing()) << "nothing reaches the relay";
}

TEST_F(kernel_test, recvfrom_with_a_bad_address_pointer_is_efault_and_keeps_the_data) {
  handshake_v2();
  const auto fd = connected_socket();
  relay_data(k.find(fd)->stream_id, "keep me");
  ASSERT_TRUE(memory.write_u32(0x3000, SB_SOCKADDR_IN_SIZE));
  EXPECT_EQ(k.sock_recvfrom(fd, buffer_at, 16, 0, memory_bytes - 4, 0x3000), -SB_EFAULT);
  EXPECT_EQ(k.sock_recvfrom(fd, buffer_at, 16, 0, 0x2000, memory_bytes - 2), -SB_EFAULT);
  ASSERT_EQ(k.sock_recvfrom(fd, buffer_at, 16, 0, 0x2000, 0x3000), 7);
  EXPECT_EQ(text_at(buffer_at, 7), "keep me");
  EXPECT_EQ(memory.bytes()[0x2000], SB_AF_INET);
  EXPECT_EQ(memory.read_u32(0x3000), SB_SOCKADDR_IN_SIZE);
}

TEST_F(kernel_test, recv_after_a_relay_close_with_reason_reset_returns_the_data_then_econnreset) {
  handshake_v2();
  const auto fd = connected_socket();
  const auto stream = k.find(fd)->stream_id;
  relay_data(stream, "last words");
  relay_close(stream, wisp::close_reason::connection_reset);
  EXPECT_EQ(k.poll_events(fd) & SB_POLLIN, SB_POLLIN);
  ASSERT_EQ(k.sock_recv(fd, buffer_at, 64, 0), 10);
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 64, 0), -SB_ECONNRESET);
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 64, 0), 0) << "reported once, then end of stream";
  EXPECT_EQ(k.sock_send(fd, buffer_at, 1, 0), -SB_EPIPE);
}

TEST_F(kernel_test, so_sndtimeo_turns_a_send_without_credit_into_eagain) {
  handshake_v2(1);
  const auto fd = connected_socket(80, 1);
  ASSERT_EQ(k.sock_setsockopt(fd, SB_SOL_SOCKET, SB_SO_SNDTIMEO, 0x2000, put_timeval(0x2000, 2, 0)), 0);
  put_text(buffer_at, "ab");
  ASSERT_EQ(k.sock_send(fd, buffer_at, 1, 0), 1) << "the one credit";
  EXPECT_EQ(k.sock_send(fd, buffer_at + 1, 1, 0), would_block);
  EXPECT_EQ(k.wake_after_ms(), 2000);
  now += 1999;
  EXPECT_EQ(k.sock_send(fd, buffer_at + 1, 1, 0), would_block);
  now += 1;
  EXPECT_EQ(k.sock_send(fd, buffer_at + 1, 1, 0), -SB_EAGAIN);
  relay_continue(k.find(fd)->stream_id, 1);
  EXPECT_EQ(k.sock_send(fd, buffer_at + 1, 1, 0), 1) << "a new call gets a new timeout and the new credit";
}

}  // namespace
}  // namespace sb::host::testing
