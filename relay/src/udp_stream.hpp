// udp_stream: one Wisp UDP stream, in one of two modes.
//  - Connected (CONNECT type 2): a UDP socket on the relay connected to one
//    target, so that only that peer's replies come back. Each DATA packet is
//    one datagram in either direction. The target is resolved and checked
//    against policy like a TCP target.
//  - Bound (sockbridge UDP_BIND): an unconnected UDP socket with a port of its
//    own. Each DATAGRAM packet is one datagram and the other end's address;
//    every destination is checked against policy before it is sent, and
//    datagrams from sources the policy forbids are dropped, as a firewall that
//    drops does (an unconnected socket hears of no refusal).
// All handlers run on the owning session's executor.
#pragma once

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "io_pool.hpp"
#include "lookup_pool.hpp"
#include "rate_pause.hpp"
#include "stream.hpp"

namespace sb::relay {

class websocket_session;

// Datagrams read from the target but not yet written to the WebSocket; beyond
// this the relay stops reading and the kernel drops what overflows, as UDP may.
inline constexpr std::size_t max_udp_datagrams_in_flight = 16;
// Destinations a bound UDP port remembers for answers when guests may not listen.
inline constexpr std::size_t max_udp_peers_remembered = 256;

class udp_stream : public stream, public std::enable_shared_from_this<udp_stream> {
 public:
  udp_stream(std::shared_ptr<websocket_session> session, std::uint32_t id);
  ~udp_stream() override;

  void start(std::string host, std::uint16_t port);
  // UDP_BIND: port 0 is any free port on every interface (an unbound socket's
  // first sendto); another port follows the listen rules (listening enabled,
  // port in range, the relay's listen interface).
  void start_bound(const protocol::endpoint& requested);
  void write(protocol::byte_view datagram) override;
  bool write_to(const protocol::endpoint& to, protocol::byte_view datagram) override;
  void shutdown_send() override {}  // datagrams have no half-close
  // Datagrams are not windowed: what the client cannot take is dropped (max_udp_datagrams_in_flight).
  void open_window(std::uint32_t) override {}
  void abort() override;
  // The DNS deadline while the target is looked up, then stream_idle_timeout
  // after the last datagram; none for a bound port.
  clock::time_point deadline() const override;
  void on_deadline(clock::time_point now) override;

 private:
  void on_resolve(boost::system::error_code ec, const std::vector<boost::asio::ip::address>& addresses);
  void open(const boost::asio::ip::udp::endpoint& target);
  void deny(std::string_view reason, const std::string& address);
  // A bound socket's datagram to or from a forbidden address is dropped: counted, logged once per stream.
  void drop_denied(std::string_view reason, const boost::asio::ip::address& address, std::string_view direction);
  boost::system::error_code bind(const protocol::endpoint& requested);
  void do_receive();
  // Reads again unless a read is pending, the session's byte rate paused it, or enough datagrams wait.
  void receive_more();
  void on_readable(boost::system::error_code ec);
  void finish(protocol::close_reason reason);

  std::shared_ptr<websocket_session> session_;
  std::uint32_t id_;
  std::string host_;
  std::uint16_t port_ = 0;
  std::shared_ptr<pending_lookup> lookup_;  // only while a name is being looked up
  udp_socket socket_;
  clock::time_point lookup_deadline_;  // while the target is looked up
  clock::time_point last_activity_;
  std::vector<protocol::bytes> early_;  // datagrams sent before the socket opened (bounded)
  std::size_t in_flight_ = 0;
  bool bound_ = false;  // UDP_BIND: unconnected, DATAGRAM packets
  // Bound, with guest listening disabled: the endpoints this port sent to,
  // newest last (at most max_udp_peers_remembered). Only they may answer, as
  // behind a NAT, so a guest without listening permission runs no UDP server.
  std::vector<boost::asio::ip::udp::endpoint> contacted_;
  bool denial_logged_ = false;
  bool oversize_logged_ = false;
  rate_pause rate_pause_;  // over session_bytes_per_second until it ends
  bool receiving_ = false;
  bool open_ = false;
  bool done_ = false;
};

}  // namespace sb::relay
