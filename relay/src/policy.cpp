#include "policy.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstring>

namespace sb::relay {
namespace {

namespace ip = boost::asio::ip;

struct v4_range {
  std::uint32_t network;
  int prefix;
  address_class kind;
};

constexpr std::uint32_t v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  return std::uint32_t{a} << 24 | std::uint32_t{b} << 16 | std::uint32_t{c} << 8 | d;
}

// Most specific first: the first match wins.
constexpr std::array v4_ranges = {
    v4_range{v4(169, 254, 169, 254), 32, address_class::cloud_metadata},
    v4_range{v4(255, 255, 255, 255), 32, address_class::broadcast},
    v4_range{v4(0, 0, 0, 0), 8, address_class::unspecified},
    v4_range{v4(127, 0, 0, 0), 8, address_class::loopback},
    v4_range{v4(10, 0, 0, 0), 8, address_class::private_network},
    v4_range{v4(172, 16, 0, 0), 12, address_class::private_network},
    v4_range{v4(192, 168, 0, 0), 16, address_class::private_network},
    v4_range{v4(100, 64, 0, 0), 10, address_class::cgnat},
    v4_range{v4(169, 254, 0, 0), 16, address_class::link_local},
    v4_range{v4(224, 0, 0, 0), 4, address_class::multicast},
    v4_range{v4(240, 0, 0, 0), 4, address_class::reserved},
    v4_range{v4(192, 0, 0, 0), 24, address_class::reserved},     // IETF protocol assignments
    v4_range{v4(198, 18, 0, 0), 15, address_class::reserved},    // benchmarking
    v4_range{v4(192, 0, 2, 0), 24, address_class::reserved},     // documentation (TEST-NET-1, like 2001:db8::/32)
    v4_range{v4(198, 51, 100, 0), 24, address_class::reserved},  // TEST-NET-2
    v4_range{v4(203, 0, 113, 0), 24, address_class::reserved},   // TEST-NET-3
};

bool in_range(std::uint32_t address, const v4_range& range) {
  const std::uint32_t mask = range.prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - range.prefix);
  return (address & mask) == (range.network & mask);
}

address_class classify_v4(std::uint32_t address) {
  for (const auto& range : v4_ranges)
    if (in_range(address, range)) return range.kind;
  return address_class::public_unicast;
}

std::uint32_t embedded_v4(const ip::address_v6::bytes_type& b) {
  return std::uint32_t{b[12]} << 24 | std::uint32_t{b[13]} << 16 | std::uint32_t{b[14]} << 8 | b[15];
}

// True if bytes [from, to) are all zero.
bool zero_bytes(const ip::address_v6::bytes_type& b, int from, int to) {
  for (int i = from; i < to; ++i)
    if (b[i] != 0) return false;
  return true;
}

address_class classify_v6(const ip::address_v6& address) {
  const auto b = address.to_bytes();
  if (address.is_unspecified()) return address_class::unspecified;
  if (address.is_loopback()) return address_class::loopback;
  if (address.is_v4_mapped()) return classify_v4(embedded_v4(b));
  if (zero_bytes(b, 0, 12)) return classify_v4(embedded_v4(b));  // IPv4-compatible (deprecated)
  const bool nat64 = b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && zero_bytes(b, 4, 12);
  if (nat64) return classify_v4(embedded_v4(b));
  // 6to4 (2002::/16) carries an IPv4 address in bytes 2-5; 2002:7f00:1:: is loopback's.
  if (b[0] == 0x20 && b[1] == 0x02)
    return classify_v4(std::uint32_t{b[2]} << 24 | std::uint32_t{b[3]} << 16 | std::uint32_t{b[4]} << 8 | b[5]);
  if (address == ip::make_address_v6("fd00:ec2::254")) return address_class::cloud_metadata;
  if ((b[0] & 0xfe) == 0xfc) return address_class::private_network;  // fc00::/7 unique local
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return address_class::link_local;
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return address_class::private_network;  // site-local (deprecated)
  if (b[0] == 0xff) return address_class::multicast;
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return address_class::reserved;  // documentation
  return address_class::public_unicast;
}

}  // namespace

std::string_view name(address_class c) {
  switch (c) {
#define SB_X(name, description) \
  case address_class::name:     \
    return #name;
    SB_ADDRESS_CLASSES(SB_X)
#undef SB_X
  }
  return "unknown";
}

address_class classify(const ip::address& address) {
  if (address.is_v4()) return classify_v4(address.to_v4().to_uint());
  return classify_v6(address.to_v6());
}

}  // namespace sb::relay

namespace sb::relay {
namespace {

namespace ip = boost::asio::ip;

// IPv4-mapped IPv6 addresses are compared as the IPv4 address they carry.
ip::address unmapped(const ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  return address;
}

bool same_prefix(const std::uint8_t* a, const std::uint8_t* b, int prefix) {
  const int whole = prefix / 8;
  if (std::memcmp(a, b, static_cast<std::size_t>(whole)) != 0) return false;
  const int rest = prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

// A name ending in one dot is the same fully qualified name without it
// ("evil.example." is "evil.example"), so lists match either spelling.
std::string_view without_final_dot(std::string_view host) {
  if (host.size() > 1 && host.back() == '.') host.remove_suffix(1);
  return host;
}

// Case-insensitive name match; an entry starting with "." matches every subdomain.
bool host_matches(std::string_view host, std::string_view entry) {
  host = without_final_dot(host);
  entry = without_final_dot(entry);
  auto equal = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return std::tolower(x) == std::tolower(y); });
  };
  if (!entry.empty() && entry.front() == '.')
    return host.size() > entry.size() && equal(host.substr(host.size() - entry.size()), entry);
  return equal(host, entry);
}

bool on_host_list(std::string_view host, const std::vector<std::string>& list) {
  return std::any_of(list.begin(), list.end(), [&](const std::string& entry) { return host_matches(host, entry); });
}

// RFC 6761 section 6.3: "localhost" and every name under it are loopback by
// definition, whatever a resolver says; "localhost.localdomain" is the
// common alias of it in /etc/hosts files.
bool is_localhost_name(std::string_view host) {
  return host_matches(host, "localhost") || host_matches(host, ".localhost") ||
         host_matches(host, "localhost.localdomain");
}

}  // namespace

bool address_range::contains(const ip::address& address) const {
  const auto candidate = unmapped(address);
  if (candidate.is_v4() != network.is_v4()) return false;
  if (candidate.is_v4())
    return same_prefix(candidate.to_v4().to_bytes().data(), network.to_v4().to_bytes().data(), prefix);
  return same_prefix(candidate.to_v6().to_bytes().data(), network.to_v6().to_bytes().data(), prefix);
}

std::optional<address_range> parse_address_range(std::string_view text) {
  const auto slash = text.find('/');
  boost::system::error_code ec;
  const auto address = unmapped(ip::make_address(std::string(text.substr(0, slash)), ec));
  if (ec) return std::nullopt;
  const int bits = address.is_v4() ? 32 : 128;
  int prefix = bits;
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (error != std::errc{} || end != digits.data() + digits.size() || digits.empty() || prefix < 0 || prefix > bits)
      return std::nullopt;
  }
  return address_range{address, prefix};
}

std::optional<port_range> parse_port_range(std::string_view text) {
  auto parse = [](std::string_view digits) -> std::optional<std::uint16_t> {
    unsigned value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || error != std::errc{} || end != digits.data() + digits.size() || value > 65535)
      return std::nullopt;
    return static_cast<std::uint16_t>(value);
  };
  const auto dash = text.find('-');
  const auto first = parse(text.substr(0, dash));
  const auto last = dash == std::string_view::npos ? first : parse(text.substr(dash + 1));
  if (!first || !last || *first > *last) return std::nullopt;
  return port_range{*first, *last};
}

std::string_view target_policy::check_port(std::uint16_t port) const {
  if (ports.empty()) return {};
  for (const auto& range : ports)
    if (port >= range.first && port <= range.last) return {};
  return "port";
}

std::string_view target_policy::check_host(std::string_view host) const {
  if (on_host_list(host, deny_hosts)) return "deny_list";
  if (is_localhost_name(host) && !allow_loopback && !on_host_list(host, allow_hosts))
    return name(address_class::loopback);
  return "";
}

std::string_view target_policy::check_address(const ip::address& address, std::string_view host) const {
  auto within = [&](const std::vector<address_range>& list) {
    return std::any_of(list.begin(), list.end(), [&](const address_range& r) { return r.contains(address); });
  };
  if (within(deny)) return "deny_list";
  if (within(allow) || (!host.empty() && on_host_list(host, allow_hosts))) return {};
  const auto kind = classify(address);
  return allows(kind) ? std::string_view{} : name(kind);
}

}  // namespace sb::relay
