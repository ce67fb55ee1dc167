// UDP sockets in the host kernel: one Wisp UDP stream per socket, datagram
// boundaries, re-targeting by sendto, recvfrom's sender, and errors.
#include "kernel_harness.hpp"

namespace sb::host::testing {
namespace {

using datagram_test = kernel_harness;

constexpr guest_ptr len_at = 0x200;
constexpr guest_ptr from_at = 0x300;

// A UDP socket over a ready v2 link.
std::int32_t udp_socket(kernel& k) { return k.sock_socket(SB_AF_INET, SB_SOCK_DGRAM, 0); }

TEST_F(datagram_test, udp_socket_accepts_protocol_17_and_refuses_tcp) {
  EXPECT_GE(k.sock_socket(SB_AF_INET, SB_SOCK_DGRAM, 17), first_socket_fd);
  EXPECT_EQ(k.sock_socket(SB_AF_INET, SB_SOCK_DGRAM, 6), -SB_EPROTONOSUPPORT);
}

TEST_F(datagram_test, sendto_opens_a_udp_stream_and_sends_one_datagram_per_call) {
  handshake_v2();
  take_outgoing();
  const auto fd = udp_socket(k);
  put_text(buffer_at, "query");
  EXPECT_EQ(k.sock_sendto(fd, buffer_at, 5, 0, addr_at, put_ipv4(53, {192, 0, 2, 1})), 5);
  EXPECT_EQ(k.sock_sendto(fd, buffer_at, 3, 0, addr_at, SB_SOCKADDR_IN_SIZE), 3);
  const auto frames = take_outgoing();
  ASSERT_EQ(frames.size(), 3u) << "one CONNECT, then one DATA per datagram";
  wisp::frame connect;
  ASSERT_EQ(wisp::decode_frame(frames[0], connect), wisp::decode_error::ok);
  wisp::connect_payload payload;
  ASSERT_EQ(wisp::decode_connect(connect.payload, payload), wisp::decode_error::ok);
  EXPECT_EQ(payload.type, wisp::stream_type::udp);
  EXPECT_EQ(payload.port, 53);
  EXPECT_EQ(payload.hostname, "192.0.2.1");
  wisp::frame second;
  ASSERT_EQ(wisp::decode_frame(frames[2], second), wisp::decode_error::ok);
  EXPECT_EQ(second.payload.size(), 3u);
}

TEST_F(datagram_test, recvfrom_returns_whole_datagrams_in_order_with_the_sender) {
  handshake_v2();
  const auto fd = udp_socket(k);
  ASSERT_EQ(k.sock_connect(fd, addr_at, put_ipv4(7000)), 0) << "a UDP connect never waits";
  const auto stream = k.find(fd)->stream_id;
  relay_data(stream, "first reply");
  relay_data(stream, "second");
  EXPECT_EQ(k.poll_events(fd) & SB_POLLIN, SB_POLLIN);
  put_int(len_at, SB_SOCKADDR_IN6_SIZE);
  EXPECT_EQ(k.sock_recvfrom(fd, buffer_at, 5, 0, from_at, len_at), 5) << "the rest of a datagram is discarded";
  EXPECT_EQ(text_at(buffer_at, 5), "first");
  EXPECT_EQ(memory.bytes()[from_at], SB_AF_INET);
  EXPECT_EQ(memory.bytes()[from_at + 3], 7000 & 0xff);
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 100, SB_MSG_PEEK), 6);
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 100, 0), 6);
  EXPECT_EQ(text_at(buffer_at, 6), "second");
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 100, SB_MSG_DONTWAIT), -SB_EAGAIN);
}

TEST_F(datagram_test, sendto_a_new_address_closes_the_old_stream) {
  handshake_v2();
  const auto fd = udp_socket(k);
  put_text(buffer_at, "x");
  ASSERT_EQ(k.sock_sendto(fd, buffer_at, 1, 0, addr_at, put_ipv4(1000)), 1);
  const auto first = k.find(fd)->stream_id;
  relay_data(first, "stale");
  take_outgoing();
  ASSERT_EQ(k.sock_sendto(fd, buffer_at, 1, 0, addr_at, put_ipv4(2000)), 1);
  const auto frames = take_outgoing();
  ASSERT_EQ(frames.size(), 3u) << "CLOSE old, CONNECT new, DATA";
  EXPECT_EQ(frames[0][0], static_cast<std::uint8_t>(wisp::packet_type::close));
  EXPECT_NE(k.find(fd)->stream_id, first);
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 100, SB_MSG_DONTWAIT), -SB_EAGAIN) << "datagrams of the old peer are gone";
}

TEST_F(datagram_test, send_without_a_peer_is_edestaddrreq_and_oversized_is_emsgsize) {
  handshake_v2();
  const auto fd = udp_socket(k);
  EXPECT_EQ(k.sock_send(fd, buffer_at, 1, 0), -SB_EDESTADDRREQ);
  ASSERT_EQ(k.sock_connect(fd, addr_at, put_ipv4(9)), 0);
  EXPECT_EQ(k.sock_send(fd, buffer_at, max_datagram_bytes + 1, 0), -SB_EMSGSIZE);
  EXPECT_EQ(k.sock_sendto(fd, memory_bytes - 2, 16, 0, 0, 0), -SB_EFAULT);
}

TEST_F(datagram_test, sendto_and_recvfrom_with_bad_address_pointers_are_efault) {
  handshake_v2();
  const auto fd = udp_socket(k);
  put_text(buffer_at, "x");
  EXPECT_EQ(k.sock_sendto(fd, buffer_at, 1, 0, memory_bytes - 4, SB_SOCKADDR_IN_SIZE), -SB_EFAULT);
  EXPECT_FALSE(k.has_outgoing()) << "no stream was opened";
  ASSERT_EQ(k.sock_sendto(fd, buffer_at, 1, 0, addr_at, put_ipv4(7000)), 1);
  relay_data(k.find(fd)->stream_id, "reply");
  put_int(len_at, SB_SOCKADDR_IN6_SIZE);
  EXPECT_EQ(k.sock_recvfrom(fd, buffer_at, 16, 0, memory_bytes - 8, len_at), -SB_EFAULT);
  EXPECT_EQ(k.sock_recvfrom(fd, buffer_at, 16, 0, from_at, memory_bytes - 2), -SB_EFAULT);
  EXPECT_EQ(k.sock_recvfrom(fd, buffer_at, 16, 0, from_at, len_at), 5) << "the datagram waited";
  EXPECT_EQ(text_at(buffer_at, 5), "reply");
}

TEST_F(datagram_test, listen_on_a_udp_socket_is_enotsup) {
  handshake_v2(16, true);
  const auto fd = udp_socket(k);
  EXPECT_EQ(k.sock_listen(fd, 1), -SB_ENOTSUP);
  EXPECT_FALSE(k.has_outgoing());
}

TEST_F(datagram_test, refused_udp_stream_reports_econnrefused_once) {
  handshake_v2();
  const auto fd = udp_socket(k);
  ASSERT_EQ(k.sock_connect(fd, addr_at, put_ipv4(9)), 0);
  relay_close(k.find(fd)->stream_id, wisp::close_reason::refused);
  EXPECT_EQ(k.poll_events(fd) & SB_POLLERR, SB_POLLERR);
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 10, 0), -SB_ECONNREFUSED);
  EXPECT_EQ(k.sock_sendto(fd, buffer_at, 1, 0, addr_at, put_ipv4(10)), 1) << "a new peer gets a new stream";
}

TEST_F(datagram_test, blocking_recv_waits_for_a_datagram_and_honours_so_rcvtimeo) {
  handshake_v2();
  const auto fd = udp_socket(k);
  ASSERT_EQ(k.sock_connect(fd, addr_at, put_ipv4(9)), 0);
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 10, 0), would_block);
  relay_data(k.find(fd)->stream_id, "late");
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 10, 0), 4);
  ASSERT_EQ(k.sock_setsockopt(fd, SB_SOL_SOCKET, SB_SO_RCVTIMEO, addr_at + 64, put_timeval(addr_at + 64, 1, 0)), 0);
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 10, 0), would_block);
  now += 1000;
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 10, 0), -SB_EAGAIN);
}

}  // namespace
}  // namespace sb::host::testing
