#include "http_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/websocket.hpp>

#include "log.hpp"
#include "metrics.hpp"
#include "session_registry.hpp"
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

// Compares in time independent of where the strings differ (the token is a secret).
bool same_secret(std::string_view presented, std::string_view secret) {
  if (secret.empty() || presented.size() != secret.size()) return false;
  unsigned difference = 0;
  for (std::size_t i = 0; i < secret.size(); ++i)
    difference |= static_cast<unsigned char>(presented[i]) ^ static_cast<unsigned char>(secret[i]);
  return difference == 0;
}

// The value of ?name= in a request target ("" if absent). Tokens are plain
// URL-safe strings, so no percent-decoding.
std::string_view query_parameter(std::string_view target, std::string_view name) {
  const auto question = target.find('?');
  if (question == std::string_view::npos) return {};
  auto query = target.substr(question + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=')
      return pair.substr(name.size() + 1);
    if (amp == std::string_view::npos) break;
    query = query.substr(amp + 1);
  }
  return {};
}

}  // namespace

namespace {

client_stream make_stream(tcp_socket socket, net::ssl::context* tls) {
  if (tls) return client_stream(std::move(socket), *tls);
  return client_stream(std::move(socket));
}

}  // namespace

http_session::http_session(tcp_socket socket, std::shared_ptr<const relay_config> config,
                           std::shared_ptr<net::ssl::context> tls, lookup_pool& lookups)
    : tls_(std::move(tls)),
      stream_(make_stream(std::move(socket), tls_.get())),
      config_(std::move(config)),
      lookups_(lookups) {}

void http_session::run() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    auto* tls = self->stream_.tls();
    if (!tls) return self->do_read();
    // The TLS handshake gets handshake_timeout of its own; the HTTP request then another.
    self->stream_.timed()->expires_after(self->config_->handshake_timeout);
    tls->async_handshake(net::ssl::stream_base::server, [self](beast::error_code ec) { self->on_tls_handshake(ec); });
  });
}

void http_session::on_tls_handshake(beast::error_code ec) {
  if (ec) {
    metrics().count_denial("tls_handshake");
    log_event(log_level::info, "tls_handshake_failed", {{"error", ec.message()}});
    return close_tcp();  // no TLS session to close
  }
  do_read();
}

void http_session::do_read() {
  parser_.emplace();
  parser_->header_limit(config_->max_header_bytes);
  parser_->body_limit(max_request_body_bytes);
  stream_.timed()->expires_after(config_->handshake_timeout);
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
  if (beast::websocket::is_upgrade(request)) return upgrade(std::move(request));
  if (request.method() == http::verb::options) return answer_preflight(request);
  if (request.method() != http::verb::get && request.method() != http::verb::head)
    return send(text_response(request, http::status::method_not_allowed, "method not allowed\n"));
  const auto target = std::string_view(request.target().data(), request.target().size());
  if (target == "/healthz") {
    // 503 while draining, so load balancers and Kubernetes stop sending new sessions here.
    if (sessions().draining()) return send(text_response(request, http::status::service_unavailable, "draining\n"));
    return send(text_response(request, http::status::ok, "ok\n"));
  }
  if (target == "/metrics") {
    auto response = text_response(request, http::status::ok, metrics().render());
    response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    return send(std::move(response));
  }
  if (config_->web_root.empty()) return send(text_response(request, http::status::not_found, "not found\n"));
  serve_file(request);
}

std::pair<http::status, std::string_view> http_session::admission_check(
    const http::request<http::string_body>& request) const {
  const auto& origins = config_->allowed_origins;
  if (!origins.empty()) {
    const auto origin = request[http::field::origin];
    if (std::find(origins.begin(), origins.end(), std::string_view(origin.data(), origin.size())) == origins.end())
      return {http::status::forbidden, "origin"};
  }
  if (!config_->token.empty()) {
    const auto target = std::string_view(request.target().data(), request.target().size());
    const auto authorization = request[http::field::authorization];
    constexpr std::string_view bearer = "Bearer ";
    auto presented = query_parameter(target, "token");
    if (authorization.starts_with(bearer)) presented = authorization.substr(bearer.size());
    if (!same_secret(presented, config_->token)) return {http::status::unauthorized, "token"};
  }
  return {http::status::ok, {}};
}

void http_session::upgrade(http::request<http::string_body> request) {
  beast::error_code ec;
  const auto remote = stream_.socket().remote_endpoint(ec);
  const auto address = ec ? std::string{} : remote.address().to_string();
  auto [status, refused] = admission_check(request);
  std::unique_ptr<session_registry::ticket> ticket;
  if (refused.empty()) {
    ticket = sessions().admit(address, *config_, refused);
    if (!ticket) status = http::status::service_unavailable;
  }
  if (!refused.empty()) {
    metrics().count_denial(refused);
    log_event(log_level::warn, "session_refused", {{"remote", address}, {"reason", refused}});
    auto response = text_response(request, status, "refused: " + std::string(refused) + "\n");
    response.keep_alive(false);
    return send(std::move(response));
  }
  stream_.drop_timeouts();
  std::make_shared<websocket_session>(std::move(stream_), config_, std::move(ticket), lookups_)
      ->run(std::move(request));
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
  const auto allow_origin = cors_allow_origin(config_->cors_origins, request[http::field::origin]);
  auto set_headers = [&](auto& response) {
    response.set(http::field::server, "sockbridge-relay");
    response.set(http::field::content_type, mime_type(path->string()));
    response.set(http::field::cache_control, "no-cache");
    if (!config_->cors_origins.empty()) response.set(http::field::vary, "Origin");
    if (!allow_origin.empty()) response.set(http::field::access_control_allow_origin, allow_origin);
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

// A CORS preflight (OPTIONS) from a page whose origin --cors-origin lists: the
// site may be read with GET and HEAD. Module scripts and fetch() of the site
// need none (simple requests); a page that adds headers does. Anything else
// stays 405, as without CORS.
void http_session::answer_preflight(const http::request<http::string_body>& request) {
  const auto allow_origin = cors_allow_origin(config_->cors_origins, request[http::field::origin]);
  if (allow_origin.empty() || config_->web_root.empty())
    return send(text_response(request, http::status::method_not_allowed, "method not allowed\n"));
  auto response = text_response(request, http::status::no_content, "");
  response.set(http::field::access_control_allow_origin, allow_origin);
  response.set(http::field::access_control_allow_methods, "GET, HEAD");
  const auto asked = request[http::field::access_control_request_headers];
  if (!asked.empty()) response.set(http::field::access_control_allow_headers, asked);
  response.set(http::field::access_control_max_age, "600");
  response.set(http::field::vary, "Origin");
  response.content_length(0);
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

// Without close_notify a TLS client cannot tell the end of the connection
// from a truncation. The TLS closing handshake gets handshake_timeout, like
// the opening one, so a client that never answers cannot hold the connection.
void http_session::close() {
  auto* tls = stream_.tls();
  if (!tls) return close_tcp();
  stream_.timed()->expires_after(config_->handshake_timeout);
  tls->async_shutdown([self = shared_from_this()](beast::error_code) { self->close_tcp(); });
}

void http_session::close_tcp() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp_socket::shutdown_send, ignored);
}

}  // namespace sb::relay
