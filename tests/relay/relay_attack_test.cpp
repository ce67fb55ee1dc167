// The attack suite: a relay with the default policy (no --dev) is asked, the
// way a hostile page would, to reach everything that is not the public
// internet — every non-public address class, in every spelling the resolver
// accepts, directly and through names (pinned with --hosts-file), over TCP,
// UDP and RESOLVE, and to listen on ports outside its range. Each attempt must
// end in CLOSE(blocked) for that stream and count exactly one denial under
// the address class that caused it (/metrics), while the session carries on.
//
// Runs in the isolated network of netns.hpp: even if a check failed, nothing
// could leave the machine.
#include <arpa/inet.h>

#include <map>
#include <thread>

#include "netns.hpp"
#include "relay_harness.hpp"

namespace {

using namespace relay_harness;

constexpr std::uint8_t close_unreachable = 0x42;
constexpr std::uint8_t close_blocked = 0x48;
constexpr std::uint8_t status_name_not_found = 0x92;

struct attack {
  const char* target;
  const char* reason;  // the denial the relay must count: the address class, or a policy list
};

// Literal addresses in the forms an attacker would try. "127.1", "2130706433",
// "0x7f.1" and the like are not strict literals: they reach the resolver,
// which reads them as IPv4 numbers, and are checked after it.
const attack literal_targets[] = {
    {"127.0.0.1", "loopback"},
    {"127.1", "loopback"},
    {"2130706433", "loopback"},
    {"0x7f.1", "loopback"},
    {"0x7f000001", "loopback"},
    {"0177.0.0.1", "loopback"},
    {"017700000001", "loopback"},
    {"127.255.255.254", "loopback"},
    {"localhost", "loopback"},
    {"LOCALHOST", "loopback"},
    {"::1", "loopback"},
    {"[::1]", "loopback"},
    {"[::ffff:127.0.0.1]", "loopback"},
    {"[::ffff:7f00:1]", "loopback"},
    {"::ffff:127.0.0.1", "loopback"},
    {"[::127.0.0.1]", "loopback"},      // IPv4-compatible
    {"[64:ff9b::7f00:1]", "loopback"},  // NAT64
    {"[2002:7f00:1::1]", "loopback"},   // 6to4
    {"0.0.0.0", "unspecified"},
    {"0", "unspecified"},
    {"0.1.2.3", "unspecified"},
    {"[::]", "unspecified"},
    {"::", "unspecified"},
    {"[::ffff:0.0.0.0]", "unspecified"},
    {"10.0.0.1", "private_network"},
    {"10.255.255.254", "private_network"},
    {"012.1", "private_network"},  // octal 10.0.0.1
    {"172.16.0.1", "private_network"},
    {"172.31.255.254", "private_network"},
    {"192.168.0.1", "private_network"},
    {"192.168.255.254", "private_network"},
    {"[fd00::1]", "private_network"},
    {"[fdff:ffff::1]", "private_network"},
    {"[fc00::1]", "private_network"},
    {"[fec0::1]", "private_network"},  // site-local
    {"[::ffff:192.168.1.1]", "private_network"},
    {"100.64.0.1", "cgnat"},
    {"100.127.255.254", "cgnat"},
    {"[::ffff:100.64.0.1]", "cgnat"},
    {"169.254.0.1", "link_local"},
    {"169.254.255.254", "link_local"},
    {"[fe80::1]", "link_local"},
    {"[fe80::1%1]", "link_local"},
    {"[febf:ffff::1]", "link_local"},
    {"169.254.169.254", "cloud_metadata"},
    {"0xa9fea9fe", "cloud_metadata"},
    {"2852039166", "cloud_metadata"},
    {"0251.0376.0251.0376", "cloud_metadata"},
    {"[::ffff:169.254.169.254]", "cloud_metadata"},
    {"[fd00:ec2::254]", "cloud_metadata"},
    {"224.0.0.1", "multicast"},
    {"239.255.255.250", "multicast"},
    {"[ff02::1]", "multicast"},
    {"[ff05::1:3]", "multicast"},
    {"[::ffff:224.0.0.251]", "multicast"},
    {"255.255.255.255", "broadcast"},
    {"[::ffff:255.255.255.255]", "broadcast"},
    {"240.0.0.1", "reserved"},
    {"192.0.2.1", "reserved"},
    {"198.18.0.1", "reserved"},
    {"[2001:db8::1]", "reserved"},
};

// Names the hosts file points at each class, and names with one public and
// one forbidden address (refused whole, whichever address comes first).
const char* const hosts_file = R"(# relay_attack_test
127.0.0.1 loopback.test
127.0.0.2 loopback.test
::1 loopback6.test
0.0.0.0 unspecified.test
:: unspecified6.test
10.1.2.3 private.test
fd00::5 private6.test
100.64.0.9 cgnat.test
169.254.1.1 linklocal.test
fe80::9 linklocal6.test
169.254.169.254 metadata.test
224.0.0.251 multicast.test
ff02::fb multicast6.test
255.255.255.255 broadcast.test
240.0.0.1 reserved.test
93.184.215.14 mixed.test
10.0.0.7 mixed.test
172.16.0.8 private-first.test
93.184.215.14 private-first.test
2606:4700:4700::1111 mixed-families.test
::ffff:127.0.0.1 mixed-families.test
93.184.215.14 public.test
2606:4700:4700::1111 public.test
)";

const attack pinned_names[] = {
    {"loopback.test", "loopback"},
    {"loopback6.test", "loopback"},
    {"unspecified.test", "unspecified"},
    {"unspecified6.test", "unspecified"},
    {"private.test", "private_network"},
    {"private6.test", "private_network"},
    {"cgnat.test", "cgnat"},
    {"linklocal.test", "link_local"},
    {"linklocal6.test", "link_local"},
    {"metadata.test", "cloud_metadata"},
    {"multicast.test", "multicast"},
    {"multicast6.test", "multicast"},
    {"broadcast.test", "broadcast"},
    {"reserved.test", "reserved"},
    {"mixed.test", "private_network"},
    {"MIXED.test.", "private_network"},  // names compare case-insensitively, a trailing dot ignored
    {"private-first.test", "private_network"},
    {"mixed-families.test", "loopback"},
};

// The relay under attack: default policy, with the hosts file above.
class attack_relay {
 public:
  attack_relay() : relay_(args()) {}
  std::uint16_t port() const { return relay_.port(); }

 private:
  std::vector<std::string> args() {
    directory_.write("hosts", hosts_file);
    return {"--hosts-file", (directory_.path() / "hosts").string()};
  }
  temp_directory directory_;
  relay_process relay_;
};

// Asks for each target on a fresh stream (TCP or UDP, port 80) and checks the
// stream is closed as blocked and counted once under the expected reason.
template <std::size_t N>
void expect_denied(attack_relay& relay, wisp_client& client, const attack (&attacks)[N], bool udp) {
  std::uint32_t stream = 1;
  for (const auto& [target, reason] : attacks) {
    SCOPED_TRACE(std::string(udp ? "UDP " : "TCP ") + target);
    const auto before = denials(relay.port(), reason);
    client.send(udp ? udp_connect_frame(stream, target, 80) : connect_frame(stream, target, 80));
    EXPECT_EQ(read_stream(client, stream, 1).second, close_blocked);
    EXPECT_EQ(denials(relay.port(), reason), before + 1) << "denial not counted as " << reason;
    ++stream;
  }
}

TEST(relay_attack, every_non_public_address_form_is_blocked_over_tcp) {
  attack_relay relay;
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  expect_denied(relay, client, literal_targets, false);
}

TEST(relay_attack, every_non_public_address_form_is_blocked_over_udp) {
  attack_relay relay;
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  expect_denied(relay, client, literal_targets, true);
}

// A bound UDP socket (UDP_BIND) sends each DATAGRAM to an address, never a
// name: every target above that is one (a strict inet_pton form, brackets
// dropped) must be dropped and counted once under its class, and the sockets
// stay open. Names and the resolver's numeric forms cannot be written in a
// DATAGRAM, so they are skipped here (the UDP CONNECT test covers them).
TEST(relay_attack, every_non_public_address_is_dropped_as_a_bound_udp_destination) {
  attack_relay relay;
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  bytes any_v4{4, 0, 0, 0, 0, 0, 0};
  bytes any_v6(19, 0);
  any_v6[0] = 6;
  for (const auto& [stream, any] : {std::pair{1u, any_v4}, std::pair{2u, any_v6}}) {
    client.send(frame(0x87, stream, any));
    const auto bound = client.next();
    ASSERT_TRUE(bound && (*bound)[0] == 0x80) << "an any-port bind needs no permission";
    ASSERT_TRUE(client.next());  // the open confirmation
  }
  int tried = 0;
  for (const auto& [target, reason] : literal_targets) {
    std::string text = target;
    if (text.front() == '[') text = text.substr(1, text.size() - 2);
    bytes endpoint;
    std::uint8_t address[16];
    if (inet_pton(AF_INET, text.c_str(), address) == 1) {
      endpoint = {4, 80, 0};
      endpoint.insert(endpoint.end(), address, address + 4);
    } else if (inet_pton(AF_INET6, text.c_str(), address) == 1) {
      endpoint = {6, 80, 0};
      endpoint.insert(endpoint.end(), address, address + 16);
    } else {
      continue;
    }
    SCOPED_TRACE(std::string("DATAGRAM to ") + target);
    const auto before = denials(relay.port(), reason);
    endpoint.push_back('x');
    client.send(frame(0x88, endpoint[0] == 4 ? 1 : 2, endpoint));
    // Nothing answers a dropped datagram: wait for the count instead.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (denials(relay.port(), reason) < before + 1 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(denials(relay.port(), reason), before + 1) << "denial not counted as " << reason;
    ++tried;
  }
  EXPECT_GE(tried, 40) << "most forms above are addresses";
  const auto late = client.next(std::chrono::milliseconds(200));
  EXPECT_FALSE(late && (*late)[0] == 0x04) << "a dropped datagram closes nothing";
}

TEST(relay_attack, names_pointing_at_any_non_public_address_are_blocked_over_tcp) {
  attack_relay relay;
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  expect_denied(relay, client, pinned_names, false);
}

TEST(relay_attack, names_pointing_at_any_non_public_address_are_blocked_over_udp) {
  attack_relay relay;
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  expect_denied(relay, client, pinned_names, true);
}

TEST(relay_attack, resolve_of_a_name_with_any_non_public_address_returns_no_address) {
  attack_relay relay;
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  std::uint32_t request = 1;
  for (const auto& [name, reason] : pinned_names) {
    SCOPED_TRACE(name);
    const auto before = denials(relay.port(), reason);
    client.send(resolve_frame(request, 0, name));
    const auto answer = client.next();
    ASSERT_TRUE(answer);
    EXPECT_EQ((*answer)[0], 0x82);
    EXPECT_EQ(u32_at(*answer, 1), request);
    EXPECT_EQ((*answer)[5], close_blocked) << "status";
    EXPECT_EQ((*answer)[6], 0) << "a blocked name must not reveal its addresses";
    EXPECT_EQ(denials(relay.port(), reason), before + 1);
    ++request;
  }
}

// The controls: the same relay and hosts file let a public name through, so
// the denials above are the policy's doing, not a broken hosts file.
TEST(relay_attack, a_name_with_only_public_addresses_is_resolved_from_the_hosts_file) {
  attack_relay relay;
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  client.send(resolve_frame(1, 0, "public.test"));
  const auto answer = client.next();
  ASSERT_TRUE(answer);
  EXPECT_EQ((*answer)[5], 0) << "status ok";
  ASSERT_EQ((*answer)[6], 2) << "both addresses, in file order";
  EXPECT_EQ(bytes(answer->begin() + 7, answer->begin() + 14), (bytes{4, 0, 0, 93, 184, 215, 14}));
  EXPECT_EQ((*answer)[14], 6);
  client.send(resolve_frame(2, 6, "private.test"));
  const auto v6_only = client.next();
  ASSERT_TRUE(v6_only);
  EXPECT_EQ((*v6_only)[5], status_name_not_found) << "private.test has no IPv6 address";
}

TEST(relay_attack, a_public_name_is_allowed_and_fails_only_for_want_of_a_route) {
  attack_relay relay;
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(connect_frame(1, "public.test", 80));
  EXPECT_EQ(read_stream(client, 1, 1).second, close_unreachable) << "the namespace has no route out";
  client.send(udp_connect_frame(2, "Public.Test.", 53));
  EXPECT_EQ(read_stream(client, 2, 1).second, close_unreachable);
}

// RFC 6761: localhost is loopback by definition, refused before any lookup,
// so not even the operator's hosts file can point it elsewhere (a hosts file
// that could would let a guest's "localhost" mean whatever the file says).
TEST(relay_attack, a_hosts_file_entry_cannot_make_localhost_public) {
  temp_directory directory;
  directory.write("hosts", "93.184.215.14 localhost\n93.184.215.14 public.test\n");
  relay_process relay({"--hosts-file", (directory.path() / "hosts").string()});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  client.send(resolve_frame(1, 0, "localhost"));
  const auto refused = client.next();
  ASSERT_TRUE(refused);
  EXPECT_EQ((*refused)[5], close_blocked) << "localhost is refused by name, whatever the hosts file says";
  client.send(resolve_frame(2, 0, "public.test"));
  const auto answer = client.next();
  ASSERT_TRUE(answer);
  EXPECT_EQ((*answer)[5], 0) << "the same file's other names resolve from it";
  ASSERT_EQ((*answer)[6], 1);
  EXPECT_EQ(bytes(answer->begin() + 7, answer->end()), (bytes{4, 0, 0, 93, 184, 215, 14}));
}

// LISTEN with a port (little-endian) on 0.0.0.0, backlog 8.
bytes listen_frame(std::uint32_t stream, std::uint16_t port) {
  return frame(0x83, stream,
               {4, static_cast<std::uint8_t>(port), static_cast<std::uint8_t>(port >> 8), 0, 0, 0, 0, 8, 0, 0, 0});
}

TEST(relay_attack, listen_outside_the_allowed_ports_is_blocked) {
  relay_process relay({"--allow-listen", "--listen-ports", "20000-20010"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  std::uint32_t stream = 1;
  for (const std::uint16_t port : {22, 80, 1023, 19999, 20011, 65535}) {
    SCOPED_TRACE(port);
    const auto before = denials(relay.port(), "listen_port");
    client.send(listen_frame(stream, port));
    EXPECT_EQ(read_stream(client, stream, 1).second, close_blocked);
    EXPECT_EQ(denials(relay.port(), "listen_port"), before + 1);
    ++stream;
  }
}

// Port 0 lets the relay choose: it must choose inside the allowed range.
TEST(relay_attack, listen_on_any_port_binds_inside_the_allowed_range) {
  relay_process relay({"--allow-listen", "--listen-ports", "20000-20010"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  for (std::uint32_t stream = 1; stream <= 3; ++stream) {
    client.send(listen_frame(stream, 0));
    const auto listening = client.next();
    ASSERT_TRUE(listening);
    ASSERT_EQ((*listening)[0], 0x80) << "CONNECTED with the bound address";
    const auto port = (*listening)[6] | (*listening)[7] << 8;
    EXPECT_GE(port, 20000);
    EXPECT_LE(port, 20010);
  }
}

}  // namespace
