#include "tcp_relay_stream.hpp"

#include <algorithm>
#include <boost/asio/write.hpp>
#include <utility>

#include "frame_pool.hpp"
#include "log.hpp"
#include "metrics.hpp"
#include "policy.hpp"
#include "resolver.hpp"
#include "websocket_session.hpp"

namespace sb::relay {

namespace net = boost::asio;
using boost::system::error_code;

namespace {

// Queued client packets written to the target in one gathered write, at most.
constexpr std::size_t max_gathered_writes = 64;

// Smallest read while the session is over its byte rate.
constexpr std::uint64_t min_throttled_read = 16 * 1024;

protocol::close_reason connect_failure_reason(const error_code& ec) {
  if (ec == net::error::connection_refused) return protocol::close_reason::refused;
  if (ec == net::error::timed_out) return protocol::close_reason::connect_timeout;
  return protocol::close_reason::unreachable;
}

}  // namespace

tcp_relay_stream::tcp_relay_stream(std::shared_ptr<websocket_session> session, std::uint32_t id)
    : session_(std::move(session)), id_(id), socket_(session_->executor()) {
  if (const auto window = session_->stream_window()) {
    windowed_ = true;
    window_ = *window;
  }
}

void tcp_relay_stream::start(std::string host, std::uint16_t port) {
  host_ = std::move(host);
  port_ = port;
  started_ = std::chrono::steady_clock::now();
  ++metrics().streams_total;
  set_state(state::connecting);
  const auto& config = session_->config();
  auto denied = config.policy.check_port(port_);
  if (denied.empty()) denied = config.policy.check_host(host_);
  if (!denied.empty()) return deny(denied, "");
  // An address literal or a name pinned by the hosts file needs no lookup.
  if (const auto literal = parse_address_literal(host_)) {
    literal_ = true;
    set_connect_deadline(config.connect_timeout);
    return check_targets({net::ip::tcp::endpoint(*literal, port_)});
  }
  if (const auto* pinned = config.hosts.find(host_)) {
    set_connect_deadline(config.connect_timeout);
    std::vector<net::ip::tcp::endpoint> endpoints;
    for (const auto& address : *pinned) endpoints.emplace_back(address, port_);
    return check_targets(std::move(endpoints));
  }
  set_connect_deadline(std::min(config.dns_timeout, config.connect_timeout));
  lookup_ = session_->lookups().async_lookup(
      session_->lookup_owner(), host_, 0, session_->executor(),
      [self = shared_from_this()](error_code ec, std::vector<net::ip::address> addresses) {
        self->on_resolve(ec, addresses);
      });
}

// Never after abort(): that cancels the lookup (the DNS timeout, or the stream's end).
void tcp_relay_stream::on_resolve(error_code ec, const std::vector<net::ip::address>& addresses) {
  lookup_.reset();
  if (ec) {
    log_event(log_level::info, "resolve_failed",
              {{"remote", session_->remote()}, {"stream", id_}, {"host", host_}, {"error", ec.message()}});
    return finish(protocol::close_reason::unreachable);
  }
  std::vector<net::ip::tcp::endpoint> endpoints;
  for (const auto& address : addresses) endpoints.emplace_back(address, port_);
  // The rest of connect_timeout is for connecting.
  set_connect_deadline(session_->config().connect_timeout -
                       std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_));
  check_targets(std::move(endpoints));
}

void tcp_relay_stream::check_targets(std::vector<net::ip::tcp::endpoint> endpoints) {
  const auto& policy = session_->config().policy;
  for (const auto& endpoint : endpoints) {
    // A name with any forbidden address is refused whole.
    const auto denied = policy.check_address(endpoint.address(), literal_ ? "" : host_);
    if (!denied.empty()) return deny(denied, endpoint.address().to_string());
    candidates_.push_back(endpoint);
  }
  if (candidates_.empty()) return finish(protocol::close_reason::unreachable);
  connect_next();
}

void tcp_relay_stream::deny(std::string_view reason, const std::string& address) {
  metrics().count_denial(reason);
  log_event(log_level::warn, "target_denied",
            {{"remote", session_->remote()},
             {"stream", id_},
             {"host", host_},
             {"port", port_},
             {"address", address},
             {"reason", reason}});
  finish(protocol::close_reason::blocked);
}

void tcp_relay_stream::connect_next() {
  error_code ignored;
  socket_.close(ignored);
  const auto endpoint = candidates_[next_candidate_++];
  socket_.async_connect(endpoint, [self = shared_from_this()](error_code ec) { self->on_connect(ec); });
}

void tcp_relay_stream::on_connect(error_code ec) {
  if (closed() || ec == net::error::operation_aborted) return;
  if (ec) {
    if (next_candidate_ < candidates_.size()) return connect_next();
    log_event(log_level::info, "connect_failed",
              {{"remote", session_->remote()}, {"stream", id_}, {"host", host_}, {"error", ec.message()}});
    return finish(connect_failure_reason(ec));
  }
  metrics().observe_connect(std::chrono::steady_clock::now() - started_);
  set_state(state::open);
  candidates_ = {};
  touch();
  session_->wake_by(deadline());
  socket_.set_option(net::ip::tcp::no_delay(true), ec);
  // Reads and direct writes below rely on it: a blocking socket would stall the I/O thread.
  if (socket_.non_blocking(true, ec); ec) return finish(protocol::close_reason::network_error);
  const auto local = socket_.local_endpoint(ec);
  const auto peer = socket_.remote_endpoint(ec);
  session_->confirm_stream(id_, to_wire(local.address(), local.port()), to_wire(peer.address(), peer.port()));
  read_more();
  if (!write_queue_.empty()) do_write();
}

void tcp_relay_stream::start_accepted(tcp_socket socket) {
  socket_ = std::move(socket);
  ++metrics().streams_total;
  set_state(state::open);
  touch();
  session_->wake_by(deadline());
  error_code ec;
  socket_.set_option(net::ip::tcp::no_delay(true), ec);
  if (socket_.non_blocking(true, ec); ec) return finish(protocol::close_reason::network_error);
  read_more();
}

void tcp_relay_stream::shutdown_send() {
  if (closed()) return;
  client_finished_ = true;
  send_fin_if_drained();
}

void tcp_relay_stream::send_fin_if_drained() {
  if (!client_finished_ || !write_queue_.empty() || !open()) return;
  error_code ignored;
  socket_.shutdown(tcp_socket::shutdown_send, ignored);
  if (remote_finished_) finish(protocol::close_reason::voluntary);
}

void tcp_relay_stream::set_connect_deadline(clock::duration after) {
  connect_deadline_ = clock::now() + after;
  session_->wake_by(connect_deadline_);
}

tcp_relay_stream::clock::time_point tcp_relay_stream::deadline() const {
  if (open()) return last_activity_ + session_->config().stream_idle_timeout;
  if (state_ == state::connecting) return connect_deadline_;
  return clock::time_point::max();
}

// Before the connection: the DNS or connect deadline. After: the idle
// timeout, which a byte since the session's timer was set has moved later.
void tcp_relay_stream::on_deadline(clock::time_point now) {
  if (closed()) return;
  if (!open()) {
    const char* what = lookup_ ? "resolve_timeout" : "connect_timeout";
    log_event(log_level::info, what, {{"remote", session_->remote()}, {"stream", id_}, {"host", host_}});
    return finish(protocol::close_reason::connect_timeout);
  }
  if (now - last_activity_ < session_->config().stream_idle_timeout) return;
  log_event(log_level::info, "stream_idle", {{"remote", session_->remote()}, {"stream", id_}});
  finish(protocol::close_reason::transfer_timeout);
}

void tcp_relay_stream::set_state(state next) {
  auto gauge = [](state s) -> std::atomic<std::int64_t>* {
    if (s == state::connecting) return &metrics().streams_connecting;
    if (s == state::open) return &metrics().streams_open;
    return nullptr;
  };
  if (auto* from = gauge(state_)) --*from;
  if (auto* to = gauge(next)) ++*to;
  state_ = next;
}

void tcp_relay_stream::write(protocol::byte_view data) {
  if (closed()) return;
  touch();
  metrics().bytes_from_clients.fetch_add(data.size(), std::memory_order_relaxed);
  if (open() && writing_ == 0 && write_queue_.empty() && socket_.non_blocking()) {
    // Nothing waits before it: write straight from the session's read buffer
    // now and keep (copy) only what the socket did not take. An error here
    // shows again, and is handled, in the queued write.
    error_code ec;
    const auto written = socket_.write_some(net::buffer(data.data(), data.size()), ec);
    if (!ec && written == data.size()) return packets_written(1);
    data = data.subspan(ec ? 0 : written);
  }
  write_queue_.emplace_back(data.begin(), data.end());
  // Wisp's CONTINUE is an absolute count, so grants racing with packets in
  // flight can let a client overshoot; instead of failing the stream, the
  // session stops reading the WebSocket until this queue drains.
  if (write_queue_.size() >= queue_limit()) {
    paused_session_ = true;
    session_->pause_reading();
  }
  if (open() && writing_ == 0) do_write();
}

std::size_t tcp_relay_stream::queue_limit() const { return 2 * std::size_t{session_->config().stream_buffer_packets}; }

void tcp_relay_stream::do_write() {
  // Everything queued goes out in one gathered write (up to a bound).
  std::vector<net::const_buffer> buffers;
  for (const auto& packet : write_queue_) {
    if (buffers.size() == max_gathered_writes) break;
    buffers.push_back(net::buffer(packet));
  }
  writing_ = buffers.size();
  net::async_write(socket_, buffers,
                   [self = shared_from_this()](error_code ec, std::size_t bytes) { self->on_write(ec, bytes); });
}

void tcp_relay_stream::on_write(error_code ec, std::size_t) {
  if (closed()) return;
  if (ec) return finish(protocol::close_reason::network_error);
  const auto written = std::exchange(writing_, 0);
  write_queue_.erase(write_queue_.begin(), write_queue_.begin() + static_cast<std::ptrdiff_t>(written));
  packets_written(written);
  if (!write_queue_.empty()) return do_write();
  send_fin_if_drained();
}

// Client packets fully written to the target: the session may read again,
// and every half buffer the client gets its Wisp buffer back (CONTINUE).
void tcp_relay_stream::packets_written(std::size_t count) {
  if (paused_session_ && write_queue_.size() < queue_limit() / 2) {
    paused_session_ = false;
    session_->resume_reading();
  }
  const auto buffer = session_->config().stream_buffer_packets;
  written_since_grant_ += static_cast<std::uint32_t>(count);
  if (written_since_grant_ >= buffer / 2) {
    written_since_grant_ = 0;
    // The queue may hold more than a buffer (a client past its grant): then 0.
    const auto queued = static_cast<std::uint32_t>(std::min<std::size_t>(write_queue_.size(), buffer));
    session_->grant(id_, buffer - queued);
  }
}

void tcp_relay_stream::do_read() {
  reading_ = true;
  socket_.async_wait(tcp_socket::wait_read, [self = shared_from_this()](error_code ec) { self->on_readable(ec); });
}

void tcp_relay_stream::on_readable(error_code ec) {
  reading_ = false;
  if (closed()) return;
  if (ec) return on_read_error(ec);
  if (windowed_ && window_ == 0) return;  // open_window() reads on
  // Read straight into a frame of exactly the bytes waiting (FIONREAD), up to
  // a chunk: no copy, and no frame with an untouched tail (the allocator would
  // keep its pages for every stream that got a few bytes). With a window,
  // never more than the client still accepts. Nothing waiting means EOF, an
  // error, or a wake-up without data: a 1-byte read tells which.
  const auto waiting = socket_.available(ec);
  if (ec) return on_read_error(ec);
  // Under session_bytes_per_second, no more than the bucket holds (but not
  // in crumbs): a chunk past it would go out at once and the pause come after.
  auto limit = std::min<std::uint64_t>(session_->config().read_chunk_bytes,
                                       std::max(session_->throttle_allowance(), min_throttled_read));
  if (windowed_) limit = std::min(limit, window_);
  const auto chunk = static_cast<std::size_t>(limit);
  const auto wanted = std::min(std::max<std::size_t>(waiting, 1), chunk);
  auto frame = data_frame(protocol::frame_header_size + wanted);
  const auto got = socket_.read_some(net::buffer(frame.data() + protocol::frame_header_size, wanted), ec);
  if (ec == net::error::would_block) {
    give_back_frame_buffer(std::move(frame));  // a wake-up without data
    return do_read();
  }
  if (ec) return on_read_error(ec);
  frame.resize(protocol::frame_header_size + got);
  more_waiting_ = waiting > got;
  if (windowed_) window_ -= got;
  touch();
  // At most max_chunks_in_flight chunks wait for the WebSocket; then reading
  // stops and the TCP window pushes back on the remote sender.
  session_->forward(std::move(frame), got, chunks_in_flight_, rate_pause_,
                    [self = shared_from_this()] { self->read_more(); });
}

// A DATA frame of `size` bytes with its header written. A large one comes
// from the thread's frame_pool, and the bytes after its header are left as
// they were: the read overwrites those it keeps, and the rest are cut off.
protocol::bytes tcp_relay_stream::data_frame(std::size_t size) const {
  protocol::bytes header;
  if (size < min_pooled_frame_bytes) {
    header.reserve(size);  // the frame itself: one allocation
    protocol::encode_frame_header(header, protocol::packet_type::data, id_);
    header.resize(size);
    return header;
  }
  protocol::encode_frame_header(header, protocol::packet_type::data, id_);
  auto frame = take_frame_buffer(size);
  std::copy(header.begin(), header.end(), frame.begin());
  return frame;
}

void tcp_relay_stream::read_more() {
  if (closed() || reading_ || remote_finished_ || rate_pause_.active()) return;
  if (chunks_in_flight_ >= session_->config().max_chunks_in_flight) return;
  if (windowed_ && window_ == 0) return;
  // Bytes known to be waiting are read now, without a trip through the
  // reactor (at most max_chunks_in_flight reads in a row).
  if (std::exchange(more_waiting_, false)) return on_readable({});
  do_read();
}

void tcp_relay_stream::open_window(std::uint32_t bytes) {
  if (closed() || !windowed_) return;
  window_ += bytes;
  touch();
  if (open()) read_more();
}

void tcp_relay_stream::on_read_error(error_code ec) {
  if (ec == net::error::eof) {
    // With the extension the stream is half-open: the client may still send.
    if (!session_->extension_enabled() || client_finished_) return finish(protocol::close_reason::voluntary);
    remote_finished_ = true;
    return session_->announce_shutdown(id_);
  }
  if (ec == net::error::connection_reset && session_->extension_enabled())
    return finish(protocol::close_reason::connection_reset);  // Wisp itself has no "reset" reason
  finish(protocol::close_reason::network_error);
}

void tcp_relay_stream::finish(protocol::close_reason reason) {
  if (closed()) return;
  abort();
  session_->close_stream(id_, reason);
}

void tcp_relay_stream::abort() {
  set_state(state::closed);
  if (std::exchange(paused_session_, false)) session_->resume_reading();
  rate_pause_.cancel();
  if (auto lookup = std::exchange(lookup_, nullptr)) lookup->cancel();
  error_code ignored;
  socket_.close(ignored);
  write_queue_.clear();
}

}  // namespace sb::relay
