#include "udp_stream.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include "log.hpp"
#include "metrics.hpp"
#include "read_scratch.hpp"
#include "resolver.hpp"
#include "websocket_session.hpp"

namespace sb::relay {

namespace net = boost::asio;
using boost::system::error_code;

namespace {

net::ip::address address_of(const protocol::endpoint& endpoint) {
  if (endpoint.family == 4) {
    net::ip::address_v4::bytes_type bytes;
    std::copy_n(endpoint.ip.begin(), bytes.size(), bytes.begin());
    return net::ip::address_v4(bytes);
  }
  net::ip::address_v6::bytes_type bytes;
  std::copy_n(endpoint.ip.begin(), bytes.size(), bytes.begin());
  return net::ip::address_v6(bytes);
}

// The relay's listen interface in the family a guest's UDP socket has: the
// same address, or its any/loopback counterpart in the other family.
std::optional<net::ip::address> listen_interface(const std::string& configured, bool v6) {
  error_code ec;
  const auto address = net::ip::make_address(configured, ec);
  if (ec) return std::nullopt;
  if (address.is_v6() == v6) return address;
  if (address.is_unspecified())
    return v6 ? net::ip::address{net::ip::address_v6::any()} : net::ip::address{net::ip::address_v4::any()};
  if (address.is_loopback())
    return v6 ? net::ip::address{net::ip::address_v6::loopback()} : net::ip::address{net::ip::address_v4::loopback()};
  return std::nullopt;
}

}  // namespace

udp_stream::udp_stream(std::shared_ptr<websocket_session> session, std::uint32_t id)
    : session_(std::move(session)), id_(id), socket_(session_->executor()) {}

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
  lookup_deadline_ = clock::now() + session_->config().dns_timeout;
  lookup_ = session_->lookups().async_lookup(
      session_->lookup_owner(), host_, 0, session_->executor(),
      [self = shared_from_this()](error_code ec, std::vector<net::ip::address> addresses) {
        self->on_resolve(ec, addresses);
      });
  session_->wake_by(lookup_deadline_);
}

void udp_stream::start_bound(const protocol::endpoint& requested) {
  bound_ = true;
  ++metrics().streams_total;
  if (const auto reason = listen_denial(session_->config(), requested.port); requested.port != 0 && !reason.empty()) {
    metrics().count_denial(reason);
    log_event(log_level::warn, "udp_bind_denied",
              {{"remote", session_->remote()}, {"stream", id_}, {"port", requested.port}, {"reason", reason}});
    return finish(protocol::close_reason::blocked);
  }
  if (const auto ec = bind(requested)) {
    log_event(log_level::info, "udp_bind_failed",
              {{"remote", session_->remote()}, {"stream", id_}, {"port", requested.port}, {"error", ec.message()}});
    return finish(ec == net::error::address_in_use ? protocol::close_reason::address_in_use
                                                   : protocol::close_reason::address_not_available);
  }
  open_ = true;
  ++metrics().streams_open;
  error_code ec;
  const auto local = socket_.local_endpoint(ec);
  session_->confirm_stream(id_, to_wire(local.address(), local.port()), protocol::endpoint{});
  // No idle timeout: like a listener, a bound port (a DNS or NTP server, say) lives until it is closed.
  do_receive();
}

error_code udp_stream::bind(const protocol::endpoint& requested) {
  const bool v6 = requested.family == 6;
  // Any port: every interface, like an unbound socket's implicit bind. A
  // chosen port: the relay's listen interface, like LISTEN.
  auto address = v6 ? net::ip::address{net::ip::address_v6::any()} : net::ip::address{net::ip::address_v4::any()};
  if (requested.port != 0) {
    const auto chosen = listen_interface(session_->config().listen_bind_address, v6);
    if (!chosen) return net::error::address_family_not_supported;
    address = *chosen;
  }
  error_code ec;
  socket_.open(v6 ? net::ip::udp::v6() : net::ip::udp::v4(), ec);
  // An IPv6 socket hears only IPv6: no IPv4-mapped senders to check twice.
  if (!ec && v6) socket_.set_option(net::ip::v6_only(true), ec);
  if (!ec) socket_.bind({address, requested.port}, ec);
  if (!ec) socket_.non_blocking(true, ec);
  return ec;
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
  last_activity_ = clock::now();
  session_->wake_by(deadline());
  for (auto& datagram : std::exchange(early_, {})) write(datagram);
  do_receive();
}

void udp_stream::write(protocol::byte_view datagram) {
  if (done_ || bound_) return;  // a bound socket's datagrams come as DATAGRAM, with their destination
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

bool udp_stream::write_to(const protocol::endpoint& to, protocol::byte_view datagram) {
  if (!bound_) return false;
  if (done_) return true;
  last_activity_ = std::chrono::steady_clock::now();
  const auto address = address_of(to);
  const auto& policy = session_->config().policy;
  auto why = policy.check_port(to.port);
  if (why.empty()) why = policy.check_address(address, "");
  if (!why.empty()) {
    drop_denied(why, address, "to");
    return true;
  }
  const net::ip::udp::endpoint target{address, to.port};
  if (!guest_listen_enabled(session_->config()) &&
      std::find(contacted_.begin(), contacted_.end(), target) == contacted_.end()) {
    if (contacted_.size() == max_udp_peers_remembered) contacted_.erase(contacted_.begin());
    contacted_.push_back(target);
  }
  error_code ec;
  // A full socket buffer, or a destination of the other family, drops the datagram as a local UDP send may.
  const auto sent = socket_.send_to(net::buffer(datagram.data(), datagram.size()), target, 0, ec);
  if (!ec) metrics().bytes_from_clients.fetch_add(sent, std::memory_order_relaxed);
  return true;
}

void udp_stream::drop_denied(std::string_view reason, const net::ip::address& address, std::string_view direction) {
  metrics().count_denial(reason);
  if (std::exchange(denial_logged_, true)) return;  // one line per stream; the metric counts the rest
  log_event(log_level::warn, "datagram_denied",
            {{"remote", session_->remote()},
             {"stream", id_},
             {"address", address.to_string()},
             {"direction", direction},
             {"reason", reason}});
}

void udp_stream::do_receive() {
  receiving_ = true;
  socket_.async_wait(udp_socket::wait_read, [self = shared_from_this()](error_code ec) { self->on_readable(ec); });
}

void udp_stream::on_readable(error_code ec) {
  receiving_ = false;
  if (done_) return;
  if (ec) return finish(protocol::close_reason::network_error);
  // Room for any UDP payload (IPv6 allows 65,527 bytes), so an oversized one is seen whole and dropped.
  constexpr std::size_t room = 65536;
  auto* const scratch = read_scratch(room);
  net::ip::udp::endpoint sender;
  const auto got = bound_ ? socket_.receive_from(net::buffer(scratch, room), sender, 0, ec)
                          : socket_.receive(net::buffer(scratch, room), 0, ec);
  if (ec == net::error::would_block) return do_receive();
  if (ec == net::error::connection_refused) {
    // A connected UDP socket reports an ICMP "port unreachable" from its target as refused; an
    // unconnected one may still see the ICMP error of an earlier datagram, which does not end it.
    if (!bound_) return finish(protocol::close_reason::refused);
    return do_receive();
  }
  if (ec) return finish(protocol::close_reason::network_error);
  if (got > protocol::max_datagram_bytes) {  // larger than the wire carries: dropped, as a full buffer would
    if (!std::exchange(oversize_logged_, true))
      log_event(log_level::info, "datagram_too_large",
                {{"remote", session_->remote()}, {"stream", id_}, {"bytes", got}});
    return do_receive();
  }
  const protocol::byte_view datagram{scratch, got};
  protocol::bytes frame;
  if (bound_) {
    if (const auto why = session_->config().policy.check_address(sender.address(), ""); !why.empty()) {
      drop_denied(why, sender.address(), "from");
      return do_receive();
    }
    if (!guest_listen_enabled(session_->config()) &&
        std::find(contacted_.begin(), contacted_.end(), sender) == contacted_.end()) {
      drop_denied("unsolicited_datagram", sender.address(), "from");
      return do_receive();
    }
    protocol::encode_datagram(frame, id_, {to_wire(sender.address(), sender.port()), datagram});
  } else {
    protocol::encode_data(frame, id_, datagram);
  }
  last_activity_ = std::chrono::steady_clock::now();
  session_->forward(std::move(frame), got, in_flight_, rate_pause_,
                    [self = shared_from_this()] { self->receive_more(); });
}

void udp_stream::receive_more() {
  if (done_ || receiving_ || rate_pause_.active() || in_flight_ >= max_udp_datagrams_in_flight) return;
  do_receive();
}

udp_stream::clock::time_point udp_stream::deadline() const {
  if (done_ || bound_) return clock::time_point::max();
  if (open_) return last_activity_ + session_->config().stream_idle_timeout;
  if (lookup_) return lookup_deadline_;
  return clock::time_point::max();
}

void udp_stream::on_deadline(clock::time_point now) {
  if (done_) return;
  if (!open_) {
    log_event(log_level::info, "resolve_timeout", {{"remote", session_->remote()}, {"stream", id_}, {"host", host_}});
    return finish(protocol::close_reason::connect_timeout);
  }
  if (now - last_activity_ < session_->config().stream_idle_timeout) return;
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
  rate_pause_.cancel();
  if (auto lookup = std::exchange(lookup_, nullptr)) lookup->cancel();
  error_code ignored;
  socket_.close(ignored);
  early_.clear();
}

}  // namespace sb::relay
