#include "http_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/websocket.hpp>

#include "log.hpp"
#include "static_files.hpp"
#include "websocket_session.hpp"

namespace sb::relay {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {

// Largest request body accepted (the site only needs GET/HEAD).
constexpr std::uint64_t max_request_body_bytes = 64 * 1024;

http::response<http::string_body> text_response(const http::request<http::string_body>& request, http::status status,
                                                std::string body) {
  http::response<http::string_body> response{status, request.version()};
  response.set(http::field::server, "sockbridge-relay");
  response.set(http::field::content_type, "text/plain; charset=utf-8");
  response.set(http::field::cache_control, "no-cache");
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

}  // namespace

http_session::http_session(net::ip::tcp::socket socket, std::shared_ptr<const relay_config> config)
    : stream_(std::move(socket)), config_(std::move(config)) {}

void http_session::run() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->do_read(); });
}

void http_session::do_read() {
  parser_.emplace();
  parser_->header_limit(config_->max_header_bytes);
  parser_->body_limit(max_request_body_bytes);
  stream_.expires_after(config_->handshake_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, std::size_t bytes) { self->on_read(ec, bytes); });
}

void http_session::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream || ec == beast::error::timeout) return close();
  if (ec) {
    log_event(log_level::info, "http_bad_request", {{"error", ec.message()}});
    return close();
  }
  auto request = parser_->release();
  if (beast::websocket::is_upgrade(request)) {
    stream_.expires_never();
    std::make_shared<websocket_session>(std::move(stream_), config_)->run(std::move(request));
    return;
  }
  if (request.method() != http::verb::get && request.method() != http::verb::head)
    return send(text_response(request, http::status::method_not_allowed, "method not allowed\n"));
  const auto target = std::string_view(request.target().data(), request.target().size());
  if (target == "/healthz") return send(text_response(request, http::status::ok, "ok\n"));
  if (config_->web_root.empty()) return send(text_response(request, http::status::not_found, "not found\n"));
  serve_file(request);
}

void http_session::serve_file(const http::request<http::string_body>& request) {
  const auto target = std::string_view(request.target().data(), request.target().size());
  const auto path = resolve_target(config_->web_root, target);
  if (!path) return send(text_response(request, http::status::bad_request, "bad path\n"));
  http::file_body::value_type file;
  beast::error_code open_error;
  const bool servable = std::filesystem::is_regular_file(*path) && stays_inside(config_->web_root, *path);
  if (servable) file.open(path->c_str(), beast::file_mode::scan, open_error);
  if (!servable || open_error) return send(text_response(request, http::status::not_found, "not found\n"));

  const auto size = file.size();
  auto set_headers = [&](auto& response) {
    response.set(http::field::server, "sockbridge-relay");
    response.set(http::field::content_type, mime_type(path->string()));
    response.set(http::field::cache_control, "no-cache");
    response.content_length(size);
    response.keep_alive(request.keep_alive());
  };
  if (request.method() == http::verb::head) {
    http::response<http::empty_body> response{http::status::ok, request.version()};
    set_headers(response);
    return send(std::move(response));
  }
  http::response<http::file_body> response{std::piecewise_construct, std::make_tuple(std::move(file)),
                                           std::make_tuple(http::status::ok, request.version())};
  set_headers(response);
  send(std::move(response));
}

template <class Response>
void http_session::send(Response&& response) {
  auto owned = std::make_shared<std::decay_t<Response>>(std::forward<Response>(response));
  response_ = owned;
  const bool keep_alive = owned->keep_alive();
  http::async_write(stream_, *owned, [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t bytes) {
    self->on_write(keep_alive, ec, bytes);
  });
}

void http_session::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  response_.reset();
  if (ec || !keep_alive) return close();
  do_read();
}

void http_session::close() {
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
}

}  // namespace sb::relay
