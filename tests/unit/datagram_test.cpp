// UDP sockets in the host kernel: one Wisp UDP stream per socket (plain Wisp,
// or connect() first), datagram boundaries, re-targeting by sendto,
// recvfrom's sender, and errors; and, with the sockbridge extension, sockets
// with a relay port of their own (UDP_BIND) exchanging DATAGRAMs with any peer.
#include "kernel_harness.hpp"
#include "sockbridge/protocol/extensions.hpp"

namespace sb::host::testing {
namespace {

constexpr std::uint8_t bound_udp_feature[] = {wisp::sockbridge_feature_bound_udp};

class datagram_test : public kernel_harness {
 protected:
  // A v2 handshake with a relay that serves bound UDP (sockbridge feature 0x02).
  void handshake_bound_udp() {
    handshake_v2_offering({{static_cast<std::uint8_t>(wisp::extension_id::stream_open_confirmation), {}},
                           {static_cast<std::uint8_t>(wisp::extension_id::sockbridge), bound_udp_feature}});
  }

  // A UDP socket over a v2 link with the sockbridge extension, bound
  // implicitly by a one-byte sendto to 127.0.0.1:port (UDP_BIND, then DATAGRAM).
  std::int32_t implicitly_bound_socket(std::uint16_t port) {
    handshake_bound_udp();
    const auto fd = k.sock_socket(SB_AF_INET, SB_SOCK_DGRAM, 0);
    put_text(buffer_at, "x");
    EXPECT_EQ(k.sock_sendto(fd, buffer_at, 1, 0, addr_at, put_ipv4(port)), 1);
    return fd;
  }

  // The destination port of the one DATAGRAM queued since the last take_outgoing().
  std::uint16_t sent_datagram_port() {
    const auto sent = only_frame(take_outgoing(), wisp::packet_type::datagram);
    wisp::datagram_payload datagram;
    EXPECT_EQ(wisp::decode_datagram(sent.payload, datagram), wisp::decode_error::ok);
    return datagram.peer.port;
  }
};

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

// --- bound UDP sockets (sockbridge UDP_BIND / DATAGRAM) ---

// The relay's answer to a UDP_BIND: the address it bound, then the open confirmation.
void relay_bound(kernel& k, std::uint32_t stream, std::uint16_t port) {
  wisp::bytes frame;
  wisp::endpoint local{4, {}, port};
  wisp::encode_connected(frame, stream, {local, wisp::endpoint{}});
  k.on_frame(frame);
  frame.clear();
  wisp::encode_continue(frame, stream, 16);
  k.on_frame(frame);
}

void relay_datagram(kernel& k, std::uint32_t stream, std::array<std::uint8_t, 4> ip, std::uint16_t port,
                    const std::string& text) {
  wisp::bytes frame;
  wisp::endpoint from{4, {}, port};
  std::copy(ip.begin(), ip.end(), from.ip.begin());
  wisp::encode_datagram(frame, stream, {from, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}});
  k.on_frame(frame);
}

TEST_F(datagram_test, bind_gets_a_relay_port_and_waits_for_it) {
  handshake_bound_udp();
  take_outgoing();
  const auto fd = udp_socket(k);
  ASSERT_EQ(k.sock_bind(fd, addr_at, put_ipv4(5353, {0, 0, 0, 0})), would_block);
  auto request = only_frame(take_outgoing(), wisp::packet_type::udp_bind);
  wisp::endpoint address;
  ASSERT_EQ(wisp::decode_udp_bind(request.payload, address), wisp::decode_error::ok);
  EXPECT_EQ(address.family, 4);
  EXPECT_EQ(address.port, 5353);
  EXPECT_EQ(k.sock_bind(fd, addr_at, SB_SOCKADDR_IN_SIZE), would_block) << "no answer yet";
  relay_bound(k, request.stream_id, 5353);
  EXPECT_EQ(k.sock_bind(fd, addr_at, SB_SOCKADDR_IN_SIZE), 0);
  EXPECT_EQ(k.find(fd)->state, socket_state::bound);
  put_int(len_at, SB_SOCKADDR_IN6_SIZE);
  ASSERT_EQ(k.sock_getsockname(fd, from_at, len_at), 0);
  EXPECT_EQ(memory.bytes()[from_at + 2], 5353 >> 8);
  EXPECT_EQ(memory.bytes()[from_at + 3], 5353 & 0xff);
  EXPECT_EQ(k.sock_getpeername(fd, from_at, len_at), -SB_ENOTCONN);
  EXPECT_EQ(k.sock_send(fd, buffer_at, 1, 0), -SB_EDESTADDRREQ);
  EXPECT_EQ(k.sock_bind(fd, addr_at, SB_SOCKADDR_IN_SIZE), -SB_EINVAL) << "bound once";
}

TEST_F(datagram_test, a_refused_bind_reports_the_reason_and_leaves_the_socket_usable) {
  handshake_bound_udp();
  take_outgoing();
  const auto fd = udp_socket(k);
  ASSERT_EQ(k.sock_bind(fd, addr_at, put_ipv4(53, {0, 0, 0, 0})), would_block);
  relay_close(only_frame(take_outgoing(), wisp::packet_type::udp_bind).stream_id, wisp::close_reason::address_in_use);
  EXPECT_EQ(k.sock_bind(fd, addr_at, SB_SOCKADDR_IN_SIZE), -SB_EADDRINUSE);
  ASSERT_EQ(k.sock_bind(fd, addr_at, put_ipv4(54, {0, 0, 0, 0})), would_block) << "a second bind is allowed";
  relay_close(only_frame(take_outgoing(), wisp::packet_type::udp_bind).stream_id, wisp::close_reason::blocked);
  EXPECT_EQ(k.sock_bind(fd, addr_at, SB_SOCKADDR_IN_SIZE), -SB_EPERM);
}

TEST_F(datagram_test, sendto_on_an_unbound_socket_binds_once_and_addresses_every_datagram) {
  handshake_bound_udp();
  take_outgoing();
  const auto fd = udp_socket(k);
  put_text(buffer_at, "query");
  EXPECT_EQ(k.sock_sendto(fd, buffer_at, 5, 0, addr_at, put_ipv4(53, {192, 0, 2, 1})), 5) << "no wait for the bind";
  EXPECT_EQ(k.sock_sendto(fd, buffer_at, 2, 0, addr_at, put_ipv4(123, {192, 0, 2, 9})), 2);
  const auto frames = take_outgoing();
  ASSERT_EQ(frames.size(), 3u) << "one UDP_BIND, then one DATAGRAM per call";
  wisp::frame bind;
  ASSERT_EQ(wisp::decode_frame(frames[0], bind), wisp::decode_error::ok);
  wisp::endpoint any;
  ASSERT_EQ(wisp::decode_udp_bind(bind.payload, any), wisp::decode_error::ok);
  EXPECT_EQ(any, (wisp::endpoint{4, {}, 0})) << "an implicit bind asks for any port";
  for (std::size_t i = 1; i < 3; ++i) {
    wisp::frame frame;
    ASSERT_EQ(wisp::decode_frame(frames[i], frame), wisp::decode_error::ok);
    ASSERT_EQ(frame.type, wisp::packet_type::datagram);
    EXPECT_EQ(frame.stream_id, bind.stream_id);
    wisp::datagram_payload datagram;
    ASSERT_EQ(wisp::decode_datagram(frame.payload, datagram), wisp::decode_error::ok);
    EXPECT_EQ(datagram.peer.port, i == 1 ? 53 : 123);
    EXPECT_EQ(datagram.peer.ip[3], i == 1 ? 1 : 9);
    EXPECT_EQ(datagram.data.size(), i == 1 ? 5u : 2u);
  }
}

TEST_F(datagram_test, recvfrom_on_a_bound_socket_names_each_sender) {
  const auto fd = implicitly_bound_socket(7000);
  const auto stream = k.find(fd)->stream_id;
  relay_bound(k, stream, 40000);
  relay_datagram(k, stream, {192, 0, 2, 1}, 7000, "from one");
  relay_datagram(k, stream, {192, 0, 2, 2}, 7001, "from two");
  relay_data(stream, "plain DATA is not a datagram here");
  put_int(len_at, SB_SOCKADDR_IN6_SIZE);
  ASSERT_EQ(k.sock_recvfrom(fd, buffer_at, 100, 0, from_at, len_at), 8);
  EXPECT_EQ(text_at(buffer_at, 8), "from one");
  EXPECT_EQ(memory.bytes()[from_at + 7], 1);
  EXPECT_EQ(memory.bytes()[from_at + 3], 7000 & 0xff);
  put_int(len_at, SB_SOCKADDR_IN6_SIZE);
  ASSERT_EQ(k.sock_recvfrom(fd, buffer_at, 100, 0, from_at, len_at), 8);
  EXPECT_EQ(text_at(buffer_at, 8), "from two");
  EXPECT_EQ(memory.bytes()[from_at + 7], 2);
  EXPECT_EQ(memory.bytes()[from_at + 3], 7001 & 0xff);
  EXPECT_EQ(k.sock_recvfrom(fd, buffer_at, 100, SB_MSG_DONTWAIT, from_at, len_at), -SB_EAGAIN);
}

TEST_F(datagram_test, connect_on_a_bound_socket_keeps_its_port_and_filters_senders) {
  handshake_bound_udp();
  take_outgoing();
  const auto fd = udp_socket(k);
  ASSERT_EQ(k.sock_bind(fd, addr_at, put_ipv4(0, {0, 0, 0, 0})), would_block);
  const auto stream = only_frame(take_outgoing(), wisp::packet_type::udp_bind).stream_id;
  relay_bound(k, stream, 40001);
  ASSERT_EQ(k.sock_bind(fd, addr_at, SB_SOCKADDR_IN_SIZE), 0);
  relay_datagram(k, stream, {192, 0, 2, 5}, 9, "before connect, from elsewhere");
  ASSERT_EQ(k.sock_connect(fd, addr_at, put_ipv4(7000, {192, 0, 2, 1})), 0);
  EXPECT_FALSE(k.has_outgoing()) << "no new stream: the port stays";
  relay_datagram(k, stream, {192, 0, 2, 5}, 9, "after connect, from elsewhere");
  relay_datagram(k, stream, {192, 0, 2, 1}, 7000, "peer");
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 100, 0), 4) << "only the peer's datagram is kept";
  EXPECT_EQ(text_at(buffer_at, 4), "peer");
  put_text(buffer_at, "x");
  ASSERT_EQ(k.sock_send(fd, buffer_at, 1, 0), 1);
  EXPECT_EQ(sent_datagram_port(), 7000) << "send() goes to the connected peer";
  put_int(len_at, SB_SOCKADDR_IN6_SIZE);
  EXPECT_EQ(k.sock_getpeername(fd, from_at, len_at), 0);
}

TEST_F(datagram_test, connect_right_after_an_implicit_bind_stays_connected_when_the_port_is_confirmed) {
  const auto fd = implicitly_bound_socket(7000);
  const auto stream = k.find(fd)->stream_id;
  ASSERT_EQ(k.sock_connect(fd, addr_at, put_ipv4(7001)), 0);
  relay_bound(k, stream, 40003);
  EXPECT_EQ(k.find(fd)->state, socket_state::connected);
  take_outgoing();
  EXPECT_EQ(k.sock_send(fd, buffer_at, 1, 0), 1) << "send() still has its peer";
  EXPECT_EQ(sent_datagram_port(), 7001);
}

TEST_F(datagram_test, a_closed_relay_port_reports_once_then_sendto_binds_a_new_one) {
  const auto fd = implicitly_bound_socket(7000);
  const auto first = k.find(fd)->stream_id;
  relay_close(first, wisp::close_reason::transfer_timeout);
  take_outgoing();
  EXPECT_EQ(k.sock_sendto(fd, buffer_at, 1, 0, addr_at, SB_SOCKADDR_IN_SIZE), -SB_ETIMEDOUT);
  EXPECT_EQ(k.sock_sendto(fd, buffer_at, 1, 0, addr_at, SB_SOCKADDR_IN_SIZE), 1);
  EXPECT_NE(k.find(fd)->stream_id, first);
  const auto frames = take_outgoing();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0][0], static_cast<std::uint8_t>(wisp::packet_type::udp_bind));
}

TEST_F(datagram_test, relay_loss_resets_a_bound_socket_and_a_malformed_datagram_fails_the_link) {
  const auto fd = implicitly_bound_socket(7000);
  const auto stream = k.find(fd)->stream_id;
  relay_bound(k, stream, 40002);
  wisp::bytes bad;
  wisp::encode_frame_header(bad, wisp::packet_type::datagram, stream);
  bad.push_back(9);  // no such address family
  k.on_frame(bad);
  EXPECT_EQ(k.link(), link_state::closed);
  EXPECT_NE(k.link_message().find("DATAGRAM"), std::string::npos);
  EXPECT_EQ(k.sock_recv(fd, buffer_at, 10, 0), -SB_ECONNRESET);
}

TEST_F(datagram_test, without_the_extension_bind_only_records_the_address) {
  handshake_v2();
  const auto fd = udp_socket(k);
  take_outgoing();
  EXPECT_EQ(k.sock_bind(fd, addr_at, put_ipv4(5353, {0, 0, 0, 0})), 0);
  EXPECT_FALSE(k.has_outgoing());
}

TEST_F(datagram_test, a_relay_without_the_bound_udp_feature_gets_connected_streams) {
  handshake_v2(16, true);  // the sockbridge extension, but no feature bits (an older relay)
  take_outgoing();
  const auto fd = udp_socket(k);
  EXPECT_EQ(k.sock_bind(fd, addr_at, put_ipv4(5353, {0, 0, 0, 0})), 0) << "recorded, no UDP_BIND";
  EXPECT_FALSE(k.has_outgoing());
  put_text(buffer_at, "x");
  ASSERT_EQ(k.sock_sendto(fd, buffer_at, 1, 0, addr_at, put_ipv4(53)), 1);
  const auto frames = take_outgoing();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0][0], static_cast<std::uint8_t>(wisp::packet_type::connect)) << "a plain Wisp UDP stream";
  EXPECT_EQ(frames[1][0], static_cast<std::uint8_t>(wisp::packet_type::data));
}

TEST_F(datagram_test, an_oversized_first_sendto_is_emsgsize_and_binds_nothing) {
  handshake_bound_udp();
  take_outgoing();
  const auto fd = udp_socket(k);
  EXPECT_EQ(k.sock_sendto(fd, buffer_at, max_datagram_bytes + 1, 0, addr_at, put_ipv4(53)), -SB_EMSGSIZE);
  EXPECT_FALSE(k.has_outgoing());
  EXPECT_EQ(k.find(fd)->state, socket_state::created);
}

}  // namespace
}  // namespace sb::host::testing
