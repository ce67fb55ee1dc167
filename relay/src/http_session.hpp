// http_session: one HTTP connection. Serves /healthz and the static site, and
// hands WebSocket upgrades to a websocket_session.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>

#include "client_stream.hpp"
#include "config.hpp"
#include "lookup_pool.hpp"

namespace sb::relay {

class http_session : public std::enable_shared_from_this<http_session> {
 public:
  // tls: the relay's TLS context, or nullptr for plain HTTP. lookups: for the
  // WebSocket session, if the connection becomes one; it must outlive both.
  http_session(tcp_socket socket, std::shared_ptr<const relay_config> config,
               std::shared_ptr<boost::asio::ssl::context> tls, lookup_pool& lookups);
  void run();

 private:
  void on_tls_handshake(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  // Origin allow list and token: {ok, ""}, or the HTTP status and reason that refuse the upgrade.
  std::pair<boost::beast::http::status, std::string_view> admission_check(
      const boost::beast::http::request<boost::beast::http::string_body>& request) const;
  // Hands the connection to a websocket_session if the checks and the session limits allow it.
  void upgrade(boost::beast::http::request<boost::beast::http::string_body> request);
  // GET/HEAD of a file under the web root (404 if absent, 400 if the path is unsafe).
  void serve_file(const boost::beast::http::request<boost::beast::http::string_body>& request);
  // OPTIONS: a CORS preflight for the site (--cors-origin), else 405.
  void answer_preflight(const boost::beast::http::request<boost::beast::http::string_body>& request);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
  template <class Response>
  void send(Response&& response);
  // Ends the connection: TLS close_notify first on a TLS connection, then TCP FIN.
  void close();
  void close_tcp();

  std::shared_ptr<boost::asio::ssl::context> tls_;  // the context stream_ was made with (nullptr: plain)
  client_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<const relay_config> config_;
  lookup_pool& lookups_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<void> response_;  // keeps the response alive during async_write
};

}  // namespace sb::relay
