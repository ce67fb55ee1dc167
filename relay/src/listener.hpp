// listener: accepts TCP connections and hands each to an http_session on the
// next context of the io_pool.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "config.hpp"
#include "io_pool.hpp"

namespace sb::relay {

class listener : public std::enable_shared_from_this<listener> {
 public:
  // Binds and listens; throws boost::system::system_error if the address is unusable.
  // tls: the TLS context for every connection, or nullptr for plain ws:// and http://.
  listener(io_pool& pool, boost::asio::ip::tcp::endpoint endpoint, std::shared_ptr<const relay_config> config,
           std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
  void run();
  void stop();
  boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

 private:
  void do_accept();
  void on_accept(boost::system::error_code ec, tcp_socket socket);

  io_pool& pool_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<const relay_config> config_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
};

}  // namespace sb::relay
