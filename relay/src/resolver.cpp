#include "resolver.hpp"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <iterator>
#include <memory>
#include <utility>

#include "log.hpp"
#include "metrics.hpp"

namespace sb::relay {

namespace net = boost::asio;

protocol::endpoint to_wire(const net::ip::address& address, std::uint16_t port) {
  protocol::endpoint out;
  out.port = port;
  if (address.is_v4()) {
    const auto bytes = address.to_v4().to_bytes();
    std::copy(bytes.begin(), bytes.end(), out.ip.begin());
    out.family = 4;
  } else {
    const auto bytes = address.to_v6().to_bytes();
    std::copy(bytes.begin(), bytes.end(), out.ip.begin());
    out.family = 6;
  }
  return out;
}

std::optional<net::ip::address> parse_address_literal(std::string_view host) {
  const bool bracketed = host.size() > 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  const auto address = net::ip::make_address(host, ec);
  if (ec || (bracketed && !address.is_v6())) return std::nullopt;
  return address;
}

namespace {

bool wanted(const net::ip::address& address, std::uint8_t family) {
  return family == 0 || (family == 4 && address.is_v4()) || (family == 6 && address.is_v6());
}

// Answers with the distinct addresses found (at most max_resolved_addresses),
// or blocked if the policy forbids any one of them.
void answer(const std::vector<net::ip::address>& found, const std::string& host, const target_policy& policy,
            const resolve_handler& done) {
  std::vector<protocol::endpoint> addresses;
  for (const auto& address : found) {
    if (const auto denied = policy.check_address(address, host); !denied.empty()) {
      metrics().count_denial(denied);
      log_event(log_level::warn, "resolve_denied",
                {{"host", host}, {"address", address.to_string()}, {"reason", denied}});
      return done(static_cast<std::uint8_t>(protocol::close_reason::blocked), {});
    }
    auto wire = to_wire(address, 0);
    if (std::find(addresses.begin(), addresses.end(), wire) == addresses.end() &&
        addresses.size() < protocol::max_resolved_addresses)
      addresses.push_back(wire);
  }
  done(0, std::move(addresses));
}

}  // namespace

void resolve_for_guest(lookup_pool& lookups, std::uint64_t owner, net::any_io_executor executor, std::string host,
                       std::uint8_t family, const relay_config& config, resolve_handler done) {
  const auto& policy = config.policy;
  if (const auto denied = policy.check_host(host); !denied.empty()) {
    metrics().count_denial(denied);
    log_event(log_level::warn, "resolve_denied", {{"host", host}, {"reason", denied}});
    return done(static_cast<std::uint8_t>(protocol::close_reason::blocked), {});
  }
  if (const auto* pinned = config.hosts.find(host)) {
    std::vector<net::ip::address> found;
    std::copy_if(pinned->begin(), pinned->end(), std::back_inserter(found),
                 [family](const net::ip::address& a) { return wanted(a, family); });
    if (found.empty()) return done(static_cast<std::uint8_t>(protocol::close_reason::name_not_found), {});
    return answer(found, host, policy, done);
  }
  // Whichever comes first answers: the lookup, or the deadline. Cancelling
  // cannot interrupt a getaddrinfo already running, so the deadline answers
  // by itself rather than waiting for that call to return.
  auto pending = std::make_shared<resolve_handler>(std::move(done));
  auto deadline = std::make_shared<net::steady_timer>(executor, config.dns_timeout);
  auto lookup = lookups.async_lookup(
      owner, host, family, executor,
      [deadline, pending, host, &policy](boost::system::error_code ec, std::vector<net::ip::address> found) {
        deadline->cancel();
        if (!*pending) return;
        const auto done = std::exchange(*pending, {});
        if (ec) return done(static_cast<std::uint8_t>(protocol::close_reason::name_not_found), {});
        answer(found, host, policy, done);
      });
  deadline->async_wait([lookup, pending, host](boost::system::error_code ec) {
    if (ec || !*pending) return;
    lookup->cancel();
    log_event(log_level::info, "resolve_timeout", {{"host", host}});
    std::exchange(*pending, {})(static_cast<std::uint8_t>(protocol::close_reason::connect_timeout), {});
  });
}

}  // namespace sb::relay
