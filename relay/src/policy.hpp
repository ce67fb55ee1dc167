// policy: which target addresses the relay may connect to. Default deny for
// everything that is not a public unicast address; checked on every resolved
// address, and the relay connects only to an address it checked.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <string_view>

namespace sb::relay {

// X(name, description)
#define SB_ADDRESS_CLASSES(X)                                  \
  X(public_unicast, "public address")                          \
  X(unspecified, "unspecified address")                        \
  X(loopback, "loopback address")                              \
  X(private_network, "private network address")                \
  X(cgnat, "carrier-grade NAT address")                        \
  X(link_local, "link-local address")                          \
  X(cloud_metadata, "cloud metadata address")                  \
  X(multicast, "multicast address")                            \
  X(broadcast, "broadcast address")                            \
  X(reserved, "reserved address")

enum class address_class {
#define SB_X(name, description) name,
  SB_ADDRESS_CLASSES(SB_X)
#undef SB_X
};

std::string_view name(address_class c);

// Classifies an address; IPv4-mapped, IPv4-compatible and NAT64 (64:ff9b::/96)
// IPv6 forms are classified as the IPv4 address they carry.
address_class classify(const boost::asio::ip::address& address);

struct target_policy {
  bool allow_loopback = false;  // --dev

  bool allows(address_class c) const {
    return c == address_class::public_unicast || (allow_loopback && c == address_class::loopback);
  }
};

}  // namespace sb::relay
