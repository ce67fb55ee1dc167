#include "listener.hpp"

#include <boost/asio/dispatch.hpp>

#include "http_session.hpp"
#include "log.hpp"

namespace sb::relay {

namespace net = boost::asio;

listener::listener(io_pool& pool, net::ip::tcp::endpoint endpoint, std::shared_ptr<const relay_config> config,
                   std::shared_ptr<net::ssl::context> tls)
    : pool_(pool), acceptor_(pool.main()), config_(std::move(config)), tls_(std::move(tls)) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
}

void listener::run() { do_accept(); }

void listener::stop() {
  // On the acceptor's context: stop() may come from any thread.
  net::dispatch(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
  });
}

void listener::do_accept() {
  acceptor_.async_accept(pool_.next_executor(),
                         [self = shared_from_this()](boost::system::error_code ec, tcp_socket socket) {
                           self->on_accept(ec, std::move(socket));
                         });
}

void listener::on_accept(boost::system::error_code ec, tcp_socket socket) {
  if (ec == net::error::operation_aborted) return;
  if (ec) {
    log_event(log_level::warn, "accept_failed", {{"error", ec.message()}});
  } else {
    boost::system::error_code ignored;
    socket.set_option(net::ip::tcp::no_delay(true), ignored);  // small Wisp frames must not wait for Nagle
    std::make_shared<http_session>(std::move(socket), config_, tls_, pool_.lookups())->run();
  }
  do_accept();
}

}  // namespace sb::relay
