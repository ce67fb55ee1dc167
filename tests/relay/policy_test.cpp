#include "policy.hpp"

#include <gtest/gtest.h>

#include "static_files.hpp"

namespace sb::relay {
namespace {

address_class of(const char* text) { return classify(boost::asio::ip::make_address(text)); }

TEST(policy, public_addresses_are_allowed_by_default) {
  const target_policy policy;
  for (const char* address : {"93.184.215.14", "1.1.1.1", "8.8.8.8", "2606:4700:4700::1111"})
    EXPECT_TRUE(policy.allows(of(address))) << address;
}

TEST(policy, every_non_public_class_is_denied_by_default) {
  const target_policy policy;
  const std::pair<const char*, address_class> cases[] = {
      {"127.0.0.1", address_class::loopback},
      {"127.255.0.9", address_class::loopback},
      {"::1", address_class::loopback},
      {"0.0.0.0", address_class::unspecified},
      {"::", address_class::unspecified},
      {"10.1.2.3", address_class::private_network},
      {"172.16.0.1", address_class::private_network},
      {"172.31.255.255", address_class::private_network},
      {"192.168.1.1", address_class::private_network},
      {"fd12:3456::1", address_class::private_network},
      {"100.64.0.1", address_class::cgnat},
      {"169.254.1.1", address_class::link_local},
      {"fe80::1", address_class::link_local},
      {"169.254.169.254", address_class::cloud_metadata},
      {"fd00:ec2::254", address_class::cloud_metadata},
      {"224.0.0.1", address_class::multicast},
      {"ff02::1", address_class::multicast},
      {"255.255.255.255", address_class::broadcast},
      {"240.0.0.1", address_class::reserved},
  };
  for (const auto& [address, expected] : cases) {
    EXPECT_EQ(of(address), expected) << address;
    EXPECT_FALSE(policy.allows(of(address))) << address;
  }
}

TEST(policy, ipv6_forms_of_ipv4_addresses_are_classified_as_the_ipv4_address) {
  EXPECT_EQ(of("::ffff:127.0.0.1"), address_class::loopback);
  EXPECT_EQ(of("::ffff:7f00:1"), address_class::loopback);
  EXPECT_EQ(of("::ffff:10.0.0.1"), address_class::private_network);
  EXPECT_EQ(of("::ffff:169.254.169.254"), address_class::cloud_metadata);
  EXPECT_EQ(of("::127.0.0.1"), address_class::loopback);               // IPv4-compatible
  EXPECT_EQ(of("64:ff9b::10.0.0.1"), address_class::private_network);  // NAT64
  EXPECT_EQ(of("::ffff:93.184.215.14"), address_class::public_unicast);
  EXPECT_EQ(of("2002:7f00:1::"), address_class::loopback);            // 6to4
  EXPECT_EQ(of("2002:a9fe:a9fe::1"), address_class::cloud_metadata);  // 6to4 of 169.254.169.254
  EXPECT_EQ(of("2002:5db8:d70e::1"), address_class::public_unicast);  // 6to4 of a public address
}

TEST(policy, documentation_ranges_are_reserved_in_both_families) {
  for (const char* address : {"192.0.2.1", "198.51.100.2", "203.0.113.255", "2001:db8::1"})
    EXPECT_EQ(of(address), address_class::reserved) << address;
  EXPECT_EQ(of("198.51.99.255"), address_class::public_unicast);
  EXPECT_EQ(of("203.0.114.0"), address_class::public_unicast);
}

TEST(policy, range_boundaries_are_exact) {
  EXPECT_EQ(of("0.255.255.255"), address_class::unspecified);
  EXPECT_EQ(of("1.0.0.0"), address_class::public_unicast);
  EXPECT_EQ(of("172.15.255.255"), address_class::public_unicast);
  EXPECT_EQ(of("172.32.0.0"), address_class::public_unicast);
  EXPECT_EQ(of("100.63.255.255"), address_class::public_unicast);
  EXPECT_EQ(of("100.127.255.255"), address_class::cgnat);
  EXPECT_EQ(of("100.128.0.0"), address_class::public_unicast);
  EXPECT_EQ(of("169.254.169.253"), address_class::link_local);
  EXPECT_EQ(of("223.255.255.255"), address_class::public_unicast);
  EXPECT_EQ(of("239.255.255.255"), address_class::multicast);
  EXPECT_EQ(of("255.255.255.254"), address_class::reserved);
  EXPECT_EQ(of("fbff::1"), address_class::public_unicast);
  EXPECT_EQ(of("fc00::1"), address_class::private_network);
  EXPECT_EQ(of("febf::1"), address_class::link_local);
}

TEST(policy, ipv6_forms_of_every_ipv4_class_are_denied) {
  const target_policy policy;
  for (const char* address :
       {"::ffff:0.0.0.0", "::ffff:172.16.0.1", "::ffff:192.168.0.1", "::ffff:100.64.0.1", "::ffff:169.254.0.1",
        "::ffff:224.0.0.1", "::ffff:255.255.255.255", "::ffff:240.0.0.1", "::10.0.0.1", "::169.254.169.254"})
    EXPECT_FALSE(policy.allows(of(address))) << address;
}

TEST(policy, dev_profile_allows_loopback_and_nothing_else_more) {
  target_policy dev;
  dev.allow_loopback = true;
  EXPECT_TRUE(dev.allows(of("127.0.0.1")));
  EXPECT_TRUE(dev.allows(of("::1")));
  EXPECT_FALSE(dev.allows(of("10.0.0.1")));
  EXPECT_FALSE(dev.allows(of("169.254.169.254")));
}

boost::asio::ip::address ip(const char* text) { return boost::asio::ip::make_address(text); }

TEST(policy, cidr_blocks_parse_and_match_including_mapped_ipv6) {
  const auto block = parse_address_range("10.1.0.0/16");
  ASSERT_TRUE(block);
  EXPECT_TRUE(block->contains(ip("10.1.255.7")));
  EXPECT_TRUE(block->contains(ip("::ffff:10.1.2.3")));
  EXPECT_FALSE(block->contains(ip("10.2.0.1")));
  EXPECT_TRUE(parse_address_range("2001:db8::/32")->contains(ip("2001:db8:1::5")));
  EXPECT_TRUE(parse_address_range("192.0.2.9")->contains(ip("192.0.2.9")));
  EXPECT_FALSE(parse_address_range("192.0.2.9")->contains(ip("192.0.2.10")));
  for (const char* bad : {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "example.com", "::/129", ""})
    EXPECT_FALSE(parse_address_range(bad)) << bad;
}

TEST(policy, port_ranges_parse_and_bad_ones_are_refused) {
  const auto range = parse_port_range("1024-2048");
  ASSERT_TRUE(range);
  EXPECT_EQ(range->first, 1024);
  EXPECT_EQ(range->last, 2048);
  EXPECT_EQ(parse_port_range("443")->last, 443);
  for (const char* bad : {"2048-1024", "65536", "-1", "80-", "a"}) EXPECT_FALSE(parse_port_range(bad)) << bad;
}

TEST(policy, deny_list_wins_then_allow_list_then_address_class) {
  target_policy policy;
  policy.allow = {*parse_address_range("10.0.0.0/8")};
  policy.deny = {*parse_address_range("10.9.0.0/16"), *parse_address_range("8.8.8.8")};
  policy.allow_hosts = {"db.internal"};
  policy.deny_hosts = {".evil.example"};
  policy.ports = {*parse_port_range("80"), *parse_port_range("8000-8999")};
  EXPECT_EQ(policy.check_address(ip("10.1.2.3"), ""), "");
  EXPECT_EQ(policy.check_address(ip("10.9.2.3"), ""), "deny_list");
  EXPECT_EQ(policy.check_address(ip("8.8.8.8"), ""), "deny_list");
  EXPECT_EQ(policy.check_address(ip("8.8.4.4"), ""), "");
  EXPECT_EQ(policy.check_address(ip("192.168.1.1"), ""), "private_network");
  EXPECT_EQ(policy.check_address(ip("192.168.1.1"), "DB.internal"), "") << "allowed name, any address";
  EXPECT_EQ(policy.check_host("a.b.evil.example"), "deny_list");
  EXPECT_EQ(policy.check_host("evil.example.org"), "");
  EXPECT_EQ(policy.check_host("a.Evil.Example."), "deny_list") << "a final dot is the same name";
  EXPECT_EQ(policy.check_port(80), "");
  EXPECT_EQ(policy.check_port(8500), "");
  EXPECT_EQ(policy.check_port(443), "port");
}

TEST(policy, localhost_names_are_refused_before_any_lookup_in_every_spelling) {
  target_policy policy;
  for (const char* host : {"localhost", "localhost.", "LOCALHOST", "LocalHost.", "a.localhost", "db.a.localhost.",
                           "localhost.localdomain", "localhost.localdomain.", "LOCALHOST.LOCALDOMAIN"})
    EXPECT_EQ(policy.check_host(host), "loopback") << host;
  for (const char* host : {"localhost.example", "notlocalhost", "localhostx", "example.com."})
    EXPECT_EQ(policy.check_host(host), "") << host;
  policy.allow_hosts = {"app.localhost"};
  EXPECT_EQ(policy.check_host("app.localhost."), "") << "allow_hosts opens a name explicitly";
  policy.allow_loopback = true;
  EXPECT_EQ(policy.check_host("localhost."), "") << "--dev allows loopback";
}

TEST(static_files, targets_map_inside_the_root_and_never_escape_it) {
  const std::filesystem::path root = "/srv/site";
  EXPECT_EQ(resolve_target(root, "/"), root / "index.html");
  EXPECT_EQ(resolve_target(root, "/host/host.wasm?v=1"), root / "host" / "host.wasm");
  EXPECT_EQ(resolve_target(root, "/guests/"), root / "guests" / "index.html");
  EXPECT_FALSE(resolve_target(root, "/../etc/passwd"));
  EXPECT_FALSE(resolve_target(root, "/a/../../etc/passwd"));
  EXPECT_FALSE(resolve_target(root, "/%2e%2e/etc/passwd"));
  EXPECT_FALSE(resolve_target(root, "/a\\..\\b"));
  EXPECT_FALSE(resolve_target(root, "relative"));
}

TEST(static_files, cors_allows_listed_origins_exactly_or_any_with_a_star) {
  const std::vector<std::string> docs = {"https://docs.example", "http://127.0.0.1:8000"};
  EXPECT_EQ(cors_allow_origin(docs, "https://docs.example"), "https://docs.example");
  EXPECT_EQ(cors_allow_origin(docs, "http://127.0.0.1:8000"), "http://127.0.0.1:8000");
  for (const char* other : {"https://docs.example.evil", "http://docs.example", "https://docs.example:443", "null", ""})
    EXPECT_EQ(cors_allow_origin(docs, other), "") << other;
  EXPECT_EQ(cors_allow_origin({}, "https://docs.example"), "") << "off by default";
  EXPECT_EQ(cors_allow_origin({"*"}, "https://anyone.example"), "*");
  EXPECT_EQ(cors_allow_origin({"*"}, ""), "") << "no Origin, no CORS headers";
}

TEST(static_files, wasm_and_javascript_get_the_types_browsers_require) {
  EXPECT_EQ(mime_type("/x/host.wasm"), "application/wasm");
  EXPECT_EQ(mime_type("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(mime_type("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(mime_type("blob.bin"), "application/octet-stream");
}

}  // namespace
}  // namespace sb::relay
