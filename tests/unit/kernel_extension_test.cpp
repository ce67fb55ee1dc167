// The kernel over a relay that speaks the sockbridge extension: name
// lookups, real local addresses, listen/accept, half-close.
#include "kernel_harness.hpp"

namespace sb::host::testing {
namespace {

struct extension_test : kernel_harness {
  void SetUp() override { handshake_v2(16, true); }

  wisp::endpoint wire_v4(std::array<std::uint8_t, 4> ip, std::uint16_t port) {
    wisp::endpoint e;
    e.family = 4;
    std::copy(ip.begin(), ip.end(), e.ip.begin());
    e.port = port;
    return e;
  }

  std::int32_t lookup(const std::string& name, std::int32_t family = SB_AF_UNSPEC, std::uint32_t max = 4) {
    put_text(buffer_at, name);
    return k.sock_getaddrinfo(buffer_at, static_cast<std::uint32_t>(name.size()), family, 0x2000, max);
  }
};

TEST_F(extension_test, getaddrinfo_asks_the_relay_and_returns_sockaddrs) {
  EXPECT_EQ(lookup("example.test"), would_block);
  auto request = only_frame(take_outgoing(), wisp::packet_type::resolve);
  wisp::resolve_payload resolve;
  ASSERT_EQ(wisp::decode_resolve(request.payload, resolve), wisp::decode_error::ok);
  EXPECT_EQ(resolve.hostname, "example.test");
  EXPECT_EQ(lookup("example.test"), would_block);  // the retry waits for the answer

  wisp::endpoint v6;
  v6.family = 6;
  v6.ip[0] = 0x20;
  v6.ip[15] = 7;
  wisp::bytes answer;
  wisp::encode_resolved(answer, request.stream_id, {0, {wire_v4({192, 0, 2, 1}, 0), v6}});
  k.on_frame(answer);
  ASSERT_EQ(lookup("example.test"), 2);
  EXPECT_EQ(memory.bytes()[0x2000], SB_AF_INET);
  EXPECT_EQ(memory.bytes()[0x2004], 192);
  EXPECT_EQ(memory.bytes()[0x2020], SB_AF_INET6);
  EXPECT_EQ(memory.bytes()[0x2020 + 8], 0x20);
}

TEST_F(extension_test, getaddrinfo_maps_relay_refusals_to_errno) {
  ASSERT_EQ(lookup("intranet.test"), would_block);
  auto request = only_frame(take_outgoing(), wisp::packet_type::resolve);
  wisp::bytes answer;
  wisp::encode_resolved(answer, request.stream_id, {static_cast<std::uint8_t>(wisp::close_reason::blocked), {}});
  k.on_frame(answer);
  EXPECT_EQ(lookup("intranet.test"), -SB_EPERM);

  ASSERT_EQ(lookup("missing.test"), would_block);
  request = only_frame(take_outgoing(), wisp::packet_type::resolve);
  answer.clear();
  wisp::encode_resolved(answer, request.stream_id, {static_cast<std::uint8_t>(wisp::close_reason::name_not_found), {}});
  k.on_frame(answer);
  EXPECT_EQ(lookup("missing.test"), -SB_ENOENT);
}

TEST_F(extension_test, getaddrinfo_answers_ip_literals_without_the_relay) {
  ASSERT_EQ(lookup("2001:db8::5"), 1);
  EXPECT_FALSE(k.has_outgoing());
  EXPECT_EQ(memory.bytes()[0x2000], SB_AF_INET6);
  EXPECT_EQ(lookup("10.1.2.3", SB_AF_INET6), -SB_ENOENT);
}

TEST_F(extension_test, getaddrinfo_rejects_hostile_arguments) {
  EXPECT_EQ(k.sock_getaddrinfo(memory_bytes - 2, 8, SB_AF_UNSPEC, 0x2000, 1), -SB_EFAULT);
  EXPECT_EQ(k.sock_getaddrinfo(buffer_at, 4, SB_AF_UNSPEC, memory_bytes - 16, 1), -SB_EFAULT);
  EXPECT_EQ(k.sock_getaddrinfo(buffer_at, 0, SB_AF_UNSPEC, 0x2000, 1), -SB_EINVAL);
  EXPECT_EQ(k.sock_getaddrinfo(buffer_at, 4000, SB_AF_UNSPEC, 0x2000, 1), -SB_EINVAL);
  EXPECT_EQ(k.sock_getaddrinfo(buffer_at, 4, 77, 0x2000, 1), -SB_EAFNOSUPPORT);
  put_text(buffer_at, "a\nb");
  EXPECT_EQ(k.sock_getaddrinfo(buffer_at, 3, SB_AF_UNSPEC, 0x2000, 1), -SB_EINVAL);
  // DEL is a control character to the wire format too (found by the host_kernel fuzzer).
  put_text(buffer_at,
           "a\x7f"
           "b");
  EXPECT_EQ(k.sock_getaddrinfo(buffer_at, 3, SB_AF_UNSPEC, 0x2000, 1), -SB_EINVAL);
  EXPECT_FALSE(k.has_outgoing()) << "nothing is sent to the relay";
}

TEST_F(extension_test, relay_loss_fails_a_pending_lookup_with_enetunreach) {
  ASSERT_EQ(lookup("example.test"), would_block);
  k.on_transport_closed();
  EXPECT_EQ(lookup("example.test"), -SB_ENETUNREACH);
}

TEST_F(extension_test, connected_reports_the_real_local_address) {
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  ASSERT_EQ(k.sock_connect(fd, addr_at, put_ipv4(80)), would_block);
  const auto stream = k.find(fd)->stream_id;
  wisp::bytes connected;
  wisp::encode_connected(connected, stream, {wire_v4({10, 9, 8, 7}, 40001), wire_v4({127, 0, 0, 1}, 80)});
  k.on_frame(connected);
  relay_continue(stream, 16);
  ASSERT_EQ(k.sock_connect(fd, addr_at, SB_SOCKADDR_IN_SIZE), 0);
  ASSERT_TRUE(memory.write_u32(0x3000, SB_SOCKADDR_IN_SIZE));
  ASSERT_EQ(k.sock_getsockname(fd, 0x2000, 0x3000), 0);
  EXPECT_EQ(memory.bytes()[0x2002], 40001 >> 8);
  EXPECT_EQ(memory.bytes()[0x2003], 40001 & 0xff);
  EXPECT_EQ(memory.bytes()[0x2004], 10);
}

TEST_F(extension_test, listen_waits_for_the_relay_then_accept_returns_inbound_streams) {
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  ASSERT_EQ(k.sock_bind(fd, addr_at, put_ipv4(7000, {0, 0, 0, 0})), 0);
  ASSERT_EQ(k.sock_listen(fd, 8), would_block);
  auto request = only_frame(take_outgoing(), wisp::packet_type::listen);
  wisp::listen_payload listen;
  ASSERT_EQ(wisp::decode_listen(request.payload, listen), wisp::decode_error::ok);
  EXPECT_EQ(listen.address.port, 7000);
  EXPECT_EQ(listen.backlog, 8u);

  wisp::bytes bound;
  wisp::encode_connected(bound, request.stream_id, {wire_v4({127, 0, 0, 1}, 7000), {}});
  k.on_frame(bound);
  ASSERT_EQ(k.sock_listen(fd, 8), 0);
  EXPECT_EQ(k.sock_accept(fd, 0, 0), would_block);

  const std::uint32_t inbound = wisp::relay_stream_id_bit | 1;
  wisp::bytes accepted;
  wisp::encode_accepted(accepted, request.stream_id,
                        {inbound, wire_v4({127, 0, 0, 1}, 50000), wire_v4({127, 0, 0, 1}, 7000)});
  k.on_frame(accepted);
  relay_continue(inbound, 16);
  relay_data(inbound, "early bytes");  // may arrive before accept()

  ASSERT_TRUE(memory.write_u32(0x3000, SB_SOCKADDR_IN_SIZE));
  const auto client = k.sock_accept(fd, 0x2000, 0x3000);
  ASSERT_GE(client, first_socket_fd);
  EXPECT_EQ(memory.bytes()[0x2002], 50000 >> 8);
  ASSERT_EQ(k.sock_recv(client, buffer_at, 64, 0), 11);
  EXPECT_EQ(text_at(buffer_at, 11), "early bytes");
  put_text(buffer_at, "reply");
  EXPECT_EQ(k.sock_send(client, buffer_at, 5, 0), 5);
  EXPECT_EQ(only_frame(take_outgoing(), wisp::packet_type::data).stream_id, inbound);
}

TEST_F(extension_test, listen_refused_by_the_relay_reports_the_reason) {
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  ASSERT_EQ(k.sock_listen(fd, 1), would_block);
  auto request = only_frame(take_outgoing(), wisp::packet_type::listen);
  relay_close(request.stream_id, wisp::close_reason::address_in_use);
  EXPECT_EQ(k.sock_listen(fd, 1), -SB_EADDRINUSE);
}

// A listening socket on 127.0.0.1:7000 that the relay confirmed; returns its fd.
std::int32_t listening_socket(extension_test& t, std::int32_t type = SB_SOCK_STREAM) {
  const auto fd = t.k.sock_socket(SB_AF_INET, type, 0);
  EXPECT_EQ(t.k.sock_listen(fd, 4), would_block);
  auto request = t.only_frame(t.take_outgoing(), wisp::packet_type::listen);
  wisp::bytes bound;
  wisp::encode_connected(bound, request.stream_id, {t.wire_v4({127, 0, 0, 1}, 7000), {}});
  t.k.on_frame(bound);
  EXPECT_EQ(t.k.sock_listen(fd, 4), 0);
  return fd;
}

// The relay announces an inbound connection from 127.0.0.1:peer_port; returns its stream id.
std::uint32_t relay_accepts(extension_test& t, std::int32_t listener, std::uint16_t peer_port) {
  const std::uint32_t inbound = wisp::relay_stream_id_bit | peer_port;
  wisp::bytes accepted;
  wisp::encode_accepted(accepted, t.k.find(listener)->stream_id,
                        {inbound, t.wire_v4({127, 0, 0, 1}, peer_port), t.wire_v4({127, 0, 0, 1}, 7000)});
  t.k.on_frame(accepted);
  return inbound;
}

TEST_F(extension_test, accept_on_a_nonblocking_listener_without_connections_is_eagain) {
  const auto fd = listening_socket(*this);
  ASSERT_EQ(k.set_nonblocking(fd, true), 0);
  EXPECT_EQ(k.sock_accept(fd, 0, 0), -SB_EAGAIN);
  relay_accepts(*this, fd, 50001);
  EXPECT_GE(k.sock_accept(fd, 0, 0), first_socket_fd);
  EXPECT_EQ(k.sock_accept(fd, 0, 0), -SB_EAGAIN);
}

TEST_F(extension_test, accept_with_bad_address_pointers_is_efault_and_keeps_the_connection) {
  const auto fd = listening_socket(*this);
  relay_accepts(*this, fd, 50002);
  EXPECT_EQ(k.sock_accept(fd, 0x2000, memory_bytes - 2), -SB_EFAULT) << "addrlen outside guest memory";
  ASSERT_TRUE(memory.write_u32(0x3000, SB_SOCKADDR_IN_SIZE));
  EXPECT_EQ(k.sock_accept(fd, memory_bytes - 4, 0x3000), -SB_EFAULT) << "addr outside guest memory";
  const auto client = k.sock_accept(fd, 0x2000, 0x3000);
  ASSERT_GE(client, first_socket_fd) << "the connection waited for a good call";
  EXPECT_EQ(memory.bytes()[0x2002], 50002 >> 8);
  EXPECT_EQ(memory.bytes()[0x2003], 50002 & 0xff);
  EXPECT_EQ(k.sock_accept(fd, 0, 0), would_block);
}

TEST_F(extension_test, listen_error_paths) {
  const auto connected = connected_socket();
  EXPECT_EQ(k.sock_listen(connected, 1), -SB_EINVAL) << "a connected socket cannot listen";
  EXPECT_EQ(k.sock_listen(99, 1), -SB_EBADF);
  EXPECT_EQ(k.sock_listen(1, 1), -SB_ENOTSOCK);
  const auto udp = k.sock_socket(SB_AF_INET, SB_SOCK_DGRAM, 0);
  EXPECT_EQ(k.sock_listen(udp, 1), -SB_ENOTSUP);
  EXPECT_EQ(k.sock_accept(udp, 0, 0), -SB_EINVAL) << "accept on a socket that is not listening";

  const auto listener = listening_socket(*this);
  EXPECT_EQ(k.sock_listen(listener, 64), 0) << "listen twice only changes the backlog";
  EXPECT_EQ(k.sock_connect(listener, addr_at, put_ipv4(80)), -SB_EINVAL);
  EXPECT_EQ(k.sock_send(listener, buffer_at, 1, 0), -SB_ENOTCONN);
  EXPECT_EQ(k.sock_recv(listener, buffer_at, 1, 0), -SB_ENOTCONN);
}

TEST_F(extension_test, listen_blocked_by_relay_policy_is_eperm) {
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  ASSERT_EQ(k.sock_listen(fd, 1), would_block);
  relay_close(only_frame(take_outgoing(), wisp::packet_type::listen).stream_id, wisp::close_reason::blocked);
  EXPECT_EQ(k.sock_listen(fd, 1), -SB_EPERM);
}

TEST_F(extension_test, relay_loss_fails_a_pending_listen_with_enetunreach_and_a_listener_with_econnreset) {
  const auto listener = listening_socket(*this);
  const auto pending = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  ASSERT_EQ(k.sock_listen(pending, 1), would_block);
  k.on_transport_closed();
  EXPECT_EQ(k.sock_listen(pending, 1), -SB_ENETUNREACH);
  EXPECT_EQ(k.sock_accept(listener, 0, 0), -SB_ECONNRESET);
  const auto late = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  EXPECT_EQ(k.sock_listen(late, 1), -SB_ENETUNREACH);
}

TEST_F(extension_test, a_listener_closed_by_the_relay_fails_accept_with_econnaborted) {
  const auto fd = listening_socket(*this);
  relay_close(k.find(fd)->stream_id, wisp::close_reason::network_error);
  EXPECT_EQ(k.sock_accept(fd, 0, 0), -SB_ECONNABORTED);
  EXPECT_EQ(k.sock_accept(fd, 0, 0), -SB_EINVAL) << "reported once";
}

TEST_F(extension_test, closing_a_listener_refuses_connections_nobody_accepted) {
  const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  ASSERT_EQ(k.sock_listen(fd, 1), would_block);
  auto request = only_frame(take_outgoing(), wisp::packet_type::listen);
  wisp::bytes bound;
  wisp::encode_connected(bound, request.stream_id, {wire_v4({127, 0, 0, 1}, 7000), {}});
  k.on_frame(bound);
  ASSERT_EQ(k.sock_listen(fd, 1), 0);
  wisp::bytes accepted;
  wisp::encode_accepted(accepted, request.stream_id,
                        {wisp::relay_stream_id_bit | 9, wire_v4({127, 0, 0, 1}, 1), wire_v4({127, 0, 0, 1}, 7000)});
  k.on_frame(accepted);
  ASSERT_EQ(k.sock_close(fd), 0);
  EXPECT_EQ(take_outgoing().size(), 2u);  // CLOSE for the listener and for the pending stream
}

TEST_F(extension_test, shutdown_write_sends_fin_and_keeps_receiving) {
  const auto fd = connected_socket();
  const auto stream = k.find(fd)->stream_id;
  ASSERT_EQ(k.sock_shutdown(fd, SB_SHUT_WR), 0);
  EXPECT_EQ(only_frame(take_outgoing(), wisp::packet_type::shutdown).stream_id, stream);
  EXPECT_EQ(k.sock_send(fd, buffer_at, 1, 0), -SB_EPIPE);
  relay_data(stream, "answer");
  wisp::bytes fin;
  wisp::encode_shutdown(fin, stream);
  k.on_frame(fin);
  ASSERT_EQ(k.sock_recv(fd, buffer_at, 64, 0), 6);
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 64, 0), 0);
  EXPECT_EQ(k.sock_shutdown(fd, 9), -SB_EINVAL);
}

TEST_F(extension_test, peer_fin_reads_as_end_of_stream_while_sending_still_works) {
  const auto fd = connected_socket();
  const auto stream = k.find(fd)->stream_id;
  wisp::bytes fin;
  wisp::encode_shutdown(fin, stream);
  k.on_frame(fin);
  EXPECT_EQ(k.find(fd)->state, socket_state::peer_finished);
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 64, 0), 0);
  put_text(buffer_at, "still");
  EXPECT_EQ(k.sock_send(fd, buffer_at, 5, 0), 5);
  EXPECT_EQ(k.sock_getpeername(fd, buffer_at, buffer_at + 64), 0) << "still connected: only one direction ended";
}

}  // namespace
}  // namespace sb::host::testing
