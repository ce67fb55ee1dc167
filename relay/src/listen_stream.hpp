// listen_stream: a listening socket opened on the relay host for a guest
// (sockbridge LISTEN). Each inbound connection becomes a relay-created
// tcp_relay_stream announced to the client with ACCEPTED. It sits in the
// session's stream_table like any stream, but carries no bytes.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <memory>

#include "io_pool.hpp"
#include "sockbridge/protocol/wisp.hpp"
#include "stream.hpp"

namespace sb::relay {

class websocket_session;

class listen_stream : public stream, public std::enable_shared_from_this<listen_stream> {
 public:
  listen_stream(std::shared_ptr<websocket_session> session, std::uint32_t id);

  // Binds and listens; on failure closes the stream with the matching reason.
  void start(const protocol::listen_payload& request);
  // A listener carries no bytes: DATA, SHUTDOWN and WINDOW_UPDATE for it are dropped.
  void write(protocol::byte_view) override {}
  void shutdown_send() override {}
  void open_window(std::uint32_t) override {}
  void abort() override;

 private:
  // Opens and binds acceptor_ to address:port; port 0 means any free port of
  // the allowed range.
  boost::system::error_code bind(const boost::asio::ip::address& address, std::uint16_t port);
  boost::system::error_code bind_exactly(const boost::asio::ip::tcp::endpoint& endpoint);
  void do_accept();
  void on_accept(boost::system::error_code ec, tcp_socket socket);

  std::shared_ptr<websocket_session> session_;
  std::uint32_t id_;
  tcp_acceptor acceptor_;
  bool done_ = false;
  bool listening_ = false;  // counted in metrics().listeners
};

}  // namespace sb::relay
