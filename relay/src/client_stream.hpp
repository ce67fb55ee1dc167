// client_stream: the byte stream of one client connection, plain TCP or TLS
// over TCP, chosen when the connection is accepted. HTTP and the WebSocket
// run over it unchanged: it is an Asio async stream whose operations go to
// whichever layer this connection has, and Beast finds its teardown and
// close_socket here.
//
// While it carries HTTP, TCP is wrapped in Beast's basic_stream (timed_tcp),
// whose timeouts http_session uses. A plain connection that becomes a
// WebSocket session then drops that wrapper (drop_timeouts()): its three
// timers and state are 0.5 KiB per idle session, and the session has timeouts
// of its own (Beast's WebSocket handshake and close timeouts, the session's
// idle timer). A TLS connection keeps it under the TLS layer, which cannot be
// moved to another next layer.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <utility>
#include <variant>

#include "io_pool.hpp"

namespace sb::relay {

class client_stream {
 public:
  // TCP with Beast's timeouts (expires_after), for the HTTP phase.
  using timed_tcp = boost::beast::basic_stream<boost::asio::ip::tcp, io_executor>;
  using tls_stream = boost::beast::ssl_stream<timed_tcp>;
  using executor_type = io_executor;

  // A plain connection.
  explicit client_stream(tcp_socket socket) : layer_(std::in_place_type<timed_tcp>, std::move(socket)) {}
  // A TLS connection; the handshake is still to be done (tls()->async_handshake).
  client_stream(tcp_socket socket, boost::asio::ssl::context& tls)
      : layer_(std::in_place_type<tls_stream>, std::move(socket), tls) {}

  executor_type get_executor() noexcept {
    return std::visit([](auto& layer) { return executor_type(layer.get_executor()); }, layer_);
  }
  // The TCP socket under every layer.
  tcp_socket& socket() noexcept {
    if (auto* tls = std::get_if<tls_stream>(&layer_)) return tls->next_layer().socket();
    if (auto* timed = std::get_if<timed_tcp>(&layer_)) return timed->socket();
    return std::get<tcp_socket>(layer_);
  }
  // The layer with Beast's timeouts (HTTP phase); nullptr after drop_timeouts() on a plain connection.
  timed_tcp* timed() noexcept {
    if (auto* tls = std::get_if<tls_stream>(&layer_)) return &tls->next_layer();
    return std::get_if<timed_tcp>(&layer_);
  }
  // The TLS layer, or nullptr for a plain connection.
  tls_stream* tls() noexcept { return std::get_if<tls_stream>(&layer_); }
  // A plain connection keeps the bare socket from now on (no operation may be
  // pending); a TLS connection keeps its layers, with no timeout set.
  void drop_timeouts() {
    if (auto* layer = timed()) layer->expires_never();
    if (auto* plain = std::get_if<timed_tcp>(&layer_)) {
      auto socket = std::move(plain->socket());
      layer_.emplace<tcp_socket>(std::move(socket));
    }
  }

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

  // Beast's WebSocket timeouts end the connection with this.
  friend void beast_close_socket(client_stream& stream) {
    boost::system::error_code ignored;
    stream.socket().close(ignored);
  }

 private:
  std::variant<timed_tcp, tcp_socket, tls_stream> layer_;
};

}  // namespace sb::relay
