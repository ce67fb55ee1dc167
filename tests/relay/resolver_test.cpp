#include "resolver.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "config_file.hpp"
#include "hosts_file.hpp"

namespace sb::relay {
namespace {

boost::asio::ip::address ip(const char* text) { return boost::asio::ip::make_address(text); }

TEST(resolver, strict_literals_and_bracketed_ipv6_need_no_lookup) {
  EXPECT_EQ(parse_address_literal("127.0.0.1"), ip("127.0.0.1"));
  EXPECT_EQ(parse_address_literal("::1"), ip("::1"));
  EXPECT_EQ(parse_address_literal("[::1]"), ip("::1"));
  EXPECT_EQ(parse_address_literal("[::ffff:7f00:1]"), ip("::ffff:127.0.0.1"));
  // Not literals: names, the resolver's own numeric forms, brackets around IPv4 or nothing.
  for (const char* host : {"localhost", "127.1", "2130706433", "0x7f.1", "[127.0.0.1]", "[]", "[::1", "::1]", ""})
    EXPECT_FALSE(parse_address_literal(host)) << host;
}

TEST(host_table, names_keep_every_address_in_order_and_match_case_insensitively) {
  host_table hosts;
  hosts.add("Mixed.test", ip("93.184.215.14"));
  hosts.add("mixed.test", ip("10.0.0.7"));
  hosts.add("mixed.test", ip("93.184.215.14"));
  hosts.add("mixed.test", ip("::1"));
  const auto* found = hosts.find("MIXED.TEST.");
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, (std::vector{ip("93.184.215.14"), ip("10.0.0.7"), ip("::1")}));
  EXPECT_FALSE(hosts.find("other.test"));
  EXPECT_FALSE(hosts.find("mixed.test.."));
  EXPECT_FALSE(hosts.find("sub.mixed.test"));
}

class hosts_file_test : public testing::Test {
 protected:
  void TearDown() override { std::remove(path_.c_str()); }
  relay_config load(const std::string& text) {
    std::ofstream(path_) << text;
    relay_config config;
    config.hosts_file = path_;
    load_hosts_file(config);
    return config;
  }
  // One file per test process: ctest runs these tests in parallel processes.
  std::string path_ = testing::TempDir() + "sockbridge-hosts-test-" + std::to_string(::getpid());
};

TEST_F(hosts_file_test, lines_comments_and_aliases_are_read_like_etc_hosts) {
  const auto config = load("# pinned\n\n10.0.0.1 a.test b.test # two names\n  ::1\tb.test\n");
  ASSERT_TRUE(config.hosts.find("a.test"));
  EXPECT_EQ(*config.hosts.find("a.test"), std::vector{ip("10.0.0.1")});
  EXPECT_EQ(*config.hosts.find("b.test"), (std::vector{ip("10.0.0.1"), ip("::1")}));
  EXPECT_EQ(config.hosts.size(), 2u);
}

TEST_F(hosts_file_test, bad_lines_are_errors_naming_the_line) {
  for (const auto& [text, message] : std::vector<std::pair<std::string, std::string>>{
           {"10.0.0.1 ok.test\n300.1.2.3 bad.test\n", "line 2: '300.1.2.3' is not an IP address"},
           {"10.0.0.1\n", "line 1: no host name after 10.0.0.1"},
           {"# x\n10.0.0.1 a/b\n", "line 2: 'a/b' is not a host name"},
           {"a.test 10.0.0.1\n", "line 1: 'a.test' is not an IP address"}}) {
    try {
      load(text);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const config_error& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
  }
}

TEST(hosts_file, missing_file_is_an_error) {
  relay_config config;
  config.hosts_file = "/nonexistent/sockbridge-hosts";
  EXPECT_THROW(load_hosts_file(config), config_error);
}

}  // namespace
}  // namespace sb::relay
