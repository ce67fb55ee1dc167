// The isolated network every test in relay_attack_test and relay_fault_test
// runs in (netns_main.cpp sets it up before the first test): a fresh network
// namespace with loopback and one black-hole link, and a mount namespace in
// which /etc/resolv.conf names a DNS server on 127.0.0.1 that only a test can
// start. Nothing a relay started by these tests sends can leave the machine,
// even when a policy check fails: no interface leads anywhere.
#pragma once

namespace netns {

// Neighbours on the black-hole link (sbhole0 ↔ sbhole1): reachable by route,
// answered by nobody, so a SYN to them vanishes and connect() runs into its timeout.
inline constexpr const char* black_hole_v4 = "198.51.100.2";
inline constexpr const char* black_hole_v6 = "2001:db8:5::2";

// The DNS server the namespace's resolv.conf names, and how long glibc waits
// for it (one try) before getaddrinfo gives up.
inline constexpr const char* dns_server = "127.0.0.1";
inline constexpr int dns_server_port = 53;
inline constexpr int resolver_give_up_seconds = 3;

// False if resolv.conf could not be replaced (then the DNS tests skip).
bool resolver_redirected();

}  // namespace netns
