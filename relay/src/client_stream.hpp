// client_stream: the byte stream of one client connection, plain TCP or TLS
// over TCP, chosen when the connection is accepted. HTTP and the WebSocket
// run over it unchanged: it is an Asio async stream whose operations go to
// whichever layer this connection has, and Beast finds its teardown below.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <utility>
#include <variant>

namespace sb::relay {

class client_stream {
 public:
  using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
  using executor_type = boost::beast::tcp_stream::executor_type;

  // A plain connection.
  explicit client_stream(boost::asio::ip::tcp::socket socket)
      : layer_(std::in_place_type<boost::beast::tcp_stream>, std::move(socket)) {}
  // A TLS connection; the handshake is still to be done (tls()->async_handshake).
  client_stream(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& tls)
      : layer_(std::in_place_type<tls_stream>, std::move(socket), tls) {}

  executor_type get_executor() noexcept { return next_layer().get_executor(); }
  // The TCP layer (Beast's get_lowest_layer() ends here): socket, timeouts.
  boost::beast::tcp_stream& next_layer() noexcept {
    if (auto* tls = std::get_if<tls_stream>(&layer_)) return tls->next_layer();
    return std::get<boost::beast::tcp_stream>(layer_);
  }
  // The TLS layer, or nullptr for a plain connection.
  tls_stream* tls() noexcept { return std::get_if<tls_stream>(&layer_); }

  template <class MutableBufferSequence, class ReadHandler>
  void async_read_some(const MutableBufferSequence& buffers, ReadHandler&& handler) {
    std::visit([&](auto& layer) { layer.async_read_some(buffers, std::forward<ReadHandler>(handler)); }, layer_);
  }

  template <class ConstBufferSequence, class WriteHandler>
  void async_write_some(const ConstBufferSequence& buffers, WriteHandler&& handler) {
    std::visit([&](auto& layer) { layer.async_write_some(buffers, std::forward<WriteHandler>(handler)); }, layer_);
  }

  // The WebSocket closing handshake ends with the teardown of the layer this
  // connection has (TLS close_notify first, for a TLS connection).
  template <class TeardownHandler>
  friend void async_teardown(boost::beast::role_type role, client_stream& stream, TeardownHandler&& handler) {
    std::visit(
        [&](auto& layer) {
          using boost::beast::websocket::async_teardown;
          async_teardown(role, layer, std::forward<TeardownHandler>(handler));
        },
        stream.layer_);
  }

  friend void teardown(boost::beast::role_type role, client_stream& stream, boost::system::error_code& ec) {
    std::visit(
        [&](auto& layer) {
          using boost::beast::websocket::teardown;
          teardown(role, layer, ec);
        },
        stream.layer_);
  }

 private:
  std::variant<boost::beast::tcp_stream, tls_stream> layer_;
};

}  // namespace sb::relay
