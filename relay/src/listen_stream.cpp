#include "listen_stream.hpp"

#include <utility>

#include "log.hpp"
#include "metrics.hpp"
#include "resolver.hpp"
#include "websocket_session.hpp"

namespace sb::relay {

namespace net = boost::asio;
using boost::system::error_code;

listen_stream::listen_stream(std::shared_ptr<websocket_session> session, std::uint32_t id)
    : session_(std::move(session)), id_(id), acceptor_(session_->executor()) {}

void listen_stream::start(const protocol::listen_payload& request) {
  const auto& config = session_->config();
  const auto port = request.address.port;
  if (const auto reason = listen_denial(config, port); !reason.empty()) {
    metrics().count_denial(reason);
    log_event(log_level::warn, "listen_denied",
              {{"remote", session_->remote()}, {"stream", id_}, {"port", port}, {"reason", reason}});
    return session_->close_stream(id_, protocol::close_reason::blocked);
  }
  // Guests choose the port; the relay chooses the interface (listen_bind_address).
  error_code ec;
  const auto bind_address = net::ip::make_address(config.listen_bind_address, ec);
  if (!ec) ec = bind(bind_address, port);
  if (!ec)
    acceptor_.listen(static_cast<int>(std::clamp<std::uint32_t>(request.backlog, 1, config.max_listen_backlog)), ec);
  if (ec) {
    log_event(log_level::info, "listen_failed",
              {{"remote", session_->remote()}, {"port", port}, {"error", ec.message()}});
    const auto reason = ec == net::error::address_in_use ? protocol::close_reason::address_in_use
                                                         : protocol::close_reason::address_not_available;
    return session_->close_stream(id_, reason);
  }
  listening_ = true;
  ++metrics().listeners;
  const auto local = acceptor_.local_endpoint(ec);
  log_event(log_level::info, "listening_for_guest",
            {{"remote", session_->remote()}, {"stream", id_}, {"port", local.port()}});
  session_->announce_connected(id_, to_wire(local.address(), local.port()), protocol::endpoint{});
  do_accept();
}

error_code listen_stream::bind(const net::ip::address& address, std::uint16_t port) {
  if (port != 0) return bind_exactly({address, port});
  // The kernel's choice, if it lies in the range (always, with the default
  // 1024-65535); otherwise the first free port of the range, searched from a
  // place that depends on the kernel's choice so that listeners spread out.
  const auto& config = session_->config();
  auto ec = bind_exactly({address, 0});
  if (ec) return ec;
  const auto chosen = acceptor_.local_endpoint(ec).port();
  if (chosen >= config.listen_port_min && chosen <= config.listen_port_max) return {};
  const unsigned span = config.listen_port_max - config.listen_port_min + 1u;
  for (unsigned i = 0; i < span; ++i) {
    const auto candidate = static_cast<std::uint16_t>(config.listen_port_min + (chosen + i) % span);
    if (!bind_exactly({address, candidate})) return {};
  }
  return net::error::address_in_use;
}

error_code listen_stream::bind_exactly(const net::ip::tcp::endpoint& endpoint) {
  error_code ec;
  acceptor_.close(ec);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  return ec;
}

void listen_stream::do_accept() {
  acceptor_.async_accept(
      [self = shared_from_this()](error_code ec, tcp_socket socket) { self->on_accept(ec, std::move(socket)); });
}

void listen_stream::on_accept(error_code ec, tcp_socket socket) {
  if (done_) return;
  if (ec) {
    abort();
    return session_->close_stream(id_, protocol::close_reason::network_error);
  }
  session_->adopt_inbound(id_, std::move(socket));
  do_accept();
}

void listen_stream::abort() {
  done_ = true;
  if (std::exchange(listening_, false)) --metrics().listeners;
  error_code ignored;
  acceptor_.close(ignored);
}

}  // namespace sb::relay
