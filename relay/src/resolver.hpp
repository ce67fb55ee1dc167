// resolver: turning a target's host text into addresses. Address literals
// and names pinned by the hosts file need no lookup; name lookups for guests
// (the sockbridge RESOLVE packet) get the same policy as connects: a name is
// answered only if every address it has may be reached.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/address.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config.hpp"
#include "lookup_pool.hpp"
#include "sockbridge/protocol/wisp.hpp"

namespace sb::relay {

// host as an address literal: the strict inet_pton forms, and an IPv6
// address in brackets as URLs write it ("[::1]"). Other numeric forms
// ("127.1", "2130706433") are not literals here: they go to the resolver and
// are checked after it like any name.
std::optional<boost::asio::ip::address> parse_address_literal(std::string_view host);

// status is 0 with the addresses (ports 0), or a close reason: name_not_found,
// blocked (policy), connect_timeout (the lookup took longer than dns_timeout).
using resolve_handler = std::function<void(std::uint8_t status, std::vector<protocol::endpoint> addresses)>;

// Resolves host (family 0 = any, 4, 6) under config's policy and dns_timeout,
// looking names up on lookups (in owner's turn), and calls done on executor.
// config must outlive the lookup.
void resolve_for_guest(lookup_pool& lookups, std::uint64_t owner, boost::asio::any_io_executor executor,
                       std::string host, std::uint8_t family, const relay_config& config, resolve_handler done);

// An address as a wire endpoint (port copied as is).
protocol::endpoint to_wire(const boost::asio::ip::address& address, std::uint16_t port);

}  // namespace sb::relay
