// policy: which target addresses the relay may connect to. Default deny for
// everything that is not a public unicast address; checked on every resolved
// address, and the relay connects only to an address it checked.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb::relay {

// X(name, description)
#define SB_ADDRESS_CLASSES(X)                   \
  X(public_unicast, "public address")           \
  X(unspecified, "unspecified address")         \
  X(loopback, "loopback address")               \
  X(private_network, "private network address") \
  X(cgnat, "carrier-grade NAT address")         \
  X(link_local, "link-local address")           \
  X(cloud_metadata, "cloud metadata address")   \
  X(multicast, "multicast address")             \
  X(broadcast, "broadcast address")             \
  X(reserved, "reserved address")

enum class address_class {
#define SB_X(name, description) name,
  SB_ADDRESS_CLASSES(SB_X)
#undef SB_X
};

std::string_view name(address_class c);

// Classifies an address; IPv4-mapped, IPv4-compatible, NAT64 (64:ff9b::/96)
// and 6to4 (2002::/16) IPv6 forms are classified as the IPv4 address they carry.
address_class classify(const boost::asio::ip::address& address);

// A CIDR block ("10.0.0.0/8", "2001:db8::/32"; a bare address is a /32 or /128).
struct address_range {
  boost::asio::ip::address network;
  int prefix = 0;
  bool contains(const boost::asio::ip::address& address) const;
};
std::optional<address_range> parse_address_range(std::string_view text);

// A port or an inclusive range of ports ("443", "1024-65535").
struct port_range {
  std::uint16_t first = 0;
  std::uint16_t last = 0;
};
std::optional<port_range> parse_port_range(std::string_view text);

// Which targets a stream may reach. Order of checks: the port list, the deny
// lists (always win), the allow lists (may open a non-public address or name),
// then the address class (only public unicast, plus loopback with --dev).
struct target_policy {
  bool allow_loopback = false;           // --dev
  std::vector<address_range> allow;      // explicitly allowed blocks, even non-public ones
  std::vector<address_range> deny;       // always denied
  std::vector<std::string> allow_hosts;  // names whose addresses skip the class check
  std::vector<std::string> deny_hosts;   // names refused before any lookup
  std::vector<port_range> ports;         // allowed target ports; empty = all

  bool allows(address_class c) const {
    return c == address_class::public_unicast || (allow_loopback && c == address_class::loopback);
  }
  // "" if the port may be used, else the denial reason ("port").
  std::string_view check_port(std::uint16_t port) const;
  // "" if the name may be looked up, else the denial reason: "deny_list", or
  // "loopback" for the special-use localhost names (RFC 6761: "localhost",
  // "*.localhost", "localhost.localdomain", each also with a final dot, any
  // case), refused before any lookup unless --dev or allow_hosts opens them.
  // A name with a final dot matches list entries as the name without it.
  std::string_view check_host(std::string_view host) const;
  // "" if the address (reached through host, "" for a literal) is allowed, else
  // the denial reason: "deny_list" or the address class name ("loopback", …).
  std::string_view check_address(const boost::asio::ip::address& address, std::string_view host) const;
};

}  // namespace sb::relay
