#include "udp_stream.hpp"

#include <utility>

#include "log.hpp"
#include "metrics.hpp"
#include "resolver.hpp"
#include "websocket_session.hpp"

namespace sb::relay {

namespace net = boost::asio;
using boost::system::error_code;

udp_stream::udp_stream(std::shared_ptr<websocket_session> session, std::uint32_t id)
    : session_(std::move(session)), id_(id), socket_(session_->executor()), timer_(session_->executor()) {}

udp_stream::~udp_stream() {
  if (open_) --metrics().streams_open;
}

void udp_stream::start(std::string host, std::uint16_t port) {
  host_ = std::move(host);
  port_ = port;
  ++metrics().streams_total;
  const auto& policy = session_->config().policy;
  auto denied = policy.check_port(port_);
  if (denied.empty()) denied = policy.check_host(host_);
  if (!denied.empty()) return deny(denied, "");
  if (const auto literal = parse_address_literal(host_)) {
    if (const auto why = policy.check_address(*literal, ""); !why.empty()) return deny(why, host_);
    return open({*literal, port_});
  }
  if (const auto* pinned = session_->config().hosts.find(host_)) {
    // Like TCP: a name with any forbidden address is refused whole.
    for (const auto& address : *pinned)
      if (const auto why = policy.check_address(address, host_); !why.empty()) return deny(why, address.to_string());
    return open({pinned->front(), port_});
  }
  arm_timer(session_->config().dns_timeout);
  lookup_ = session_->lookups().async_lookup(
      host_, 0, session_->executor(),
      [self = shared_from_this()](error_code ec, std::vector<net::ip::address> addresses) {
        self->on_resolve(ec, addresses);
      });
}

// Never after abort(): that cancels the lookup (the DNS timeout, or the stream's end).
void udp_stream::on_resolve(error_code ec, const std::vector<net::ip::address>& addresses) {
  lookup_.reset();
  if (ec) return finish(protocol::close_reason::unreachable);
  // Like TCP: a name with any forbidden address is refused whole.
  for (const auto& address : addresses)
    if (const auto why = session_->config().policy.check_address(address, host_); !why.empty())
      return deny(why, address.to_string());
  open({addresses.front(), port_});
}

void udp_stream::deny(std::string_view reason, const std::string& address) {
  metrics().count_denial(reason);
  log_event(log_level::warn, "target_denied",
            {{"remote", session_->remote()},
             {"stream", id_},
             {"host", host_},
             {"port", port_},
             {"address", address},
             {"reason", reason},
             {"kind", "udp"}});
  finish(protocol::close_reason::blocked);
}

void udp_stream::open(const net::ip::udp::endpoint& target) {
  error_code ec;
  socket_.open(target.protocol(), ec);
  if (!ec) socket_.connect(target, ec);  // no packet: it only filters what comes back
  if (!ec) socket_.non_blocking(true, ec);
  if (ec) {
    log_event(log_level::info, "udp_open_failed",
              {{"remote", session_->remote()}, {"stream", id_}, {"error", ec.message()}});
    return finish(protocol::close_reason::unreachable);
  }
  open_ = true;
  ++metrics().streams_open;
  const auto local = socket_.local_endpoint(ec);
  session_->confirm_stream(id_, to_wire(local.address(), local.port()), to_wire(target.address(), target.port()));
  last_activity_ = std::chrono::steady_clock::now();
  arm_timer(session_->config().stream_idle_timeout);
  for (auto& datagram : std::exchange(early_, {})) write(datagram);
  do_receive();
}

void udp_stream::write(protocol::byte_view datagram) {
  if (done_) return;
  if (!open_) {
    if (early_.size() < max_udp_datagrams_in_flight) early_.emplace_back(datagram.begin(), datagram.end());
    return;
  }
  last_activity_ = std::chrono::steady_clock::now();
  error_code ec;
  // A full socket buffer drops the datagram, as a local UDP send may.
  const auto sent = socket_.send(net::buffer(datagram.data(), datagram.size()), 0, ec);
  if (!ec) metrics().bytes_from_clients.fetch_add(sent, std::memory_order_relaxed);
}

void udp_stream::do_receive() {
  receiving_ = true;
  socket_.async_wait(net::ip::udp::socket::wait_read,
                     [self = shared_from_this()](error_code ec) { self->on_readable(ec); });
}

void udp_stream::on_readable(error_code ec) {
  receiving_ = false;
  if (done_) return;
  if (ec) return finish(protocol::close_reason::network_error);
  protocol::bytes frame;
  protocol::encode_frame_header(frame, protocol::packet_type::data, id_);
  const auto header = frame.size();
  frame.resize(header + max_udp_datagram_bytes);
  const auto got = socket_.receive(net::buffer(frame.data() + header, max_udp_datagram_bytes), 0, ec);
  if (ec == net::error::would_block) return do_receive();
  // A connected UDP socket reports an ICMP "port unreachable" from the target as refused.
  if (ec == net::error::connection_refused) return finish(protocol::close_reason::refused);
  if (ec) return finish(protocol::close_reason::network_error);
  frame.resize(header + got);
  frame.shrink_to_fit();
  last_activity_ = std::chrono::steady_clock::now();
  metrics().bytes_to_clients.fetch_add(got, std::memory_order_relaxed);
  ++in_flight_;
  session_->send(std::move(frame), [self = shared_from_this()] {
    --self->in_flight_;
    if (!self->done_ && !self->receiving_) self->do_receive();
  });
  if (in_flight_ < max_udp_datagrams_in_flight) do_receive();
}

void udp_stream::arm_timer(std::chrono::steady_clock::duration after) {
  timer_.expires_after(after);
  timer_.async_wait([self = shared_from_this()](error_code ec) { self->on_timer(ec); });
}

void udp_stream::on_timer(error_code ec) {
  if (ec || done_) return;
  if (!open_) {
    log_event(log_level::info, "resolve_timeout", {{"remote", session_->remote()}, {"stream", id_}, {"host", host_}});
    return finish(protocol::close_reason::connect_timeout);
  }
  const auto idle = session_->config().stream_idle_timeout;
  const auto quiet = std::chrono::steady_clock::now() - last_activity_;
  if (quiet < idle) return arm_timer(idle - quiet);
  log_event(log_level::info, "stream_idle", {{"remote", session_->remote()}, {"stream", id_}});
  finish(protocol::close_reason::transfer_timeout);
}

void udp_stream::finish(protocol::close_reason reason) {
  if (done_) return;
  abort();
  session_->close_stream(id_, reason);
}

void udp_stream::abort() {
  done_ = true;
  timer_.cancel();
  if (auto lookup = std::exchange(lookup_, nullptr)) lookup->cancel();
  error_code ignored;
  socket_.close(ignored);
  early_.clear();
}

}  // namespace sb::relay
