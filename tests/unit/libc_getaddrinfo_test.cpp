// guest/libc's getaddrinfo.c (with services.c, hosts.c; the guest has no
// /etc files unless a test gives the fake some): the lookup the relay is
// asked for, the list built from its slots, hints checked as POSIX says,
// freeaddrinfo releasing every node (ASan's leak check watches it).
// libc_under_test.hpp: how it is built (ai_addrlen is glibc's sizeof sockaddr_in6 here, 28, not 32).
#include <string>

#include "libc_fake_imports.hpp"
#include "libc_under_test.hpp"

namespace sb::guest::testing {
namespace {

class libc_getaddrinfo_test : public libc_test {
 protected:
  void TearDown() override {
    libc::freeaddrinfo(list);
    libc_test::TearDown();
  }
  int resolve(const char* node, const char* service, int flags = 0, int family = SB_AF_UNSPEC, int socktype = 0) {
    addrinfo hints{};
    hints.ai_flags = flags;
    hints.ai_family = family;
    hints.ai_socktype = socktype;
    return libc::getaddrinfo(node, service, &hints, &list);
  }
  std::vector<addrinfo*> nodes() const {
    std::vector<addrinfo*> all;
    for (addrinfo* node = list; node; node = node->ai_next) all.push_back(node);
    return all;
  }
  addrinfo* list = nullptr;
};

std::string text_of(const addrinfo* node) {
  char text[INET6_ADDRSTRLEN] = {};
  const auto* v4 = reinterpret_cast<const sockaddr_in*>(node->ai_addr);
  const auto* v6 = reinterpret_cast<const sockaddr_in6*>(node->ai_addr);
  if (node->ai_family == SB_AF_INET) return inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
  return inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
}

int port_of(const addrinfo* node) { return ntohs(reinterpret_cast<const sockaddr_in*>(node->ai_addr)->sin_port); }

TEST_F(libc_getaddrinfo_test, an_ipv4_literal_and_port_give_one_tcp_result) {
  imports.script("getaddrinfo", {1, ipv4_slot("127.0.0.1")});
  ASSERT_EQ(libc::getaddrinfo("127.0.0.1", "8080", nullptr, &list), 0);
  EXPECT_EQ(imports.calls[0].input, "127.0.0.1");
  EXPECT_EQ(imports.calls[0].args, (std::vector<std::int64_t>{9, SB_AF_UNSPEC, 16}));
  ASSERT_EQ(nodes().size(), 1u);
  EXPECT_EQ(list->ai_family, SB_AF_INET);
  EXPECT_EQ(list->ai_socktype, SB_SOCK_STREAM);
  EXPECT_EQ(list->ai_protocol, IPPROTO_TCP);
  EXPECT_EQ(list->ai_addrlen, sizeof(sockaddr_in));
  EXPECT_EQ(list->ai_addr->sa_family, SB_AF_INET);
  EXPECT_EQ(text_of(list), "127.0.0.1");
  EXPECT_EQ(port_of(list), 8080);
  EXPECT_EQ(list->ai_canonname, nullptr);
}

TEST_F(libc_getaddrinfo_test, every_resolved_address_becomes_a_node_in_the_relays_order) {
  imports.script("getaddrinfo", {3, ipv4_slot("10.0.0.1") + ipv6_slot("2001:db8::1") + ipv4_slot("10.0.0.2")});
  ASSERT_EQ(resolve("example.test", "443"), 0);
  EXPECT_EQ(imports.calls[0].input, "example.test");
  const auto all = nodes();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(text_of(all[0]), "10.0.0.1");
  EXPECT_EQ(all[1]->ai_family, SB_AF_INET6);
  EXPECT_EQ(all[1]->ai_addrlen, sizeof(sockaddr_in6));
  EXPECT_EQ(text_of(all[1]), "2001:db8::1");
  EXPECT_EQ(text_of(all[2]), "10.0.0.2");
  for (const addrinfo* node : all) EXPECT_EQ(port_of(node), 443);
}

TEST_F(libc_getaddrinfo_test, the_family_hint_is_passed_to_the_relay) {
  imports.script("getaddrinfo", {1, ipv6_slot("::1")});
  ASSERT_EQ(resolve("localhost", nullptr, 0, SB_AF_INET6), 0);
  EXPECT_EQ(imports.calls[0].args[1], SB_AF_INET6);
  EXPECT_EQ(port_of(list), 0);
}

TEST_F(libc_getaddrinfo_test, ai_passive_without_a_node_asks_for_the_wildcard_address) {
  imports.script("getaddrinfo", {1, ipv4_slot("0.0.0.0")});
  ASSERT_EQ(resolve(nullptr, "9000", AI_PASSIVE, SB_AF_INET), 0);
  EXPECT_EQ(imports.calls[0].input, "0.0.0.0");
  EXPECT_EQ(imports.calls[0].args, (std::vector<std::int64_t>{7, SB_AF_INET, 1}));
  libc::freeaddrinfo(list);
  list = nullptr;
  imports.script("getaddrinfo", {1, ipv6_slot("::")});
  ASSERT_EQ(resolve(nullptr, "9000", AI_PASSIVE, SB_AF_INET6), 0);
  EXPECT_EQ(imports.calls[1].input, "::");
  EXPECT_EQ(port_of(list), 9000);
}

TEST_F(libc_getaddrinfo_test, no_node_without_ai_passive_asks_for_loopback) {
  imports.script("getaddrinfo", {1, ipv4_slot("127.0.0.1")});
  imports.script("getaddrinfo", {1, ipv6_slot("::1")});
  ASSERT_EQ(resolve(nullptr, "80"), 0);
  EXPECT_EQ(imports.calls[0].input, "127.0.0.1");
  libc::freeaddrinfo(list);
  list = nullptr;
  ASSERT_EQ(resolve(nullptr, "80", 0, SB_AF_INET6), 0);
  EXPECT_EQ(imports.calls[1].input, "::1");
}

TEST_F(libc_getaddrinfo_test, ai_numerichost_with_a_name_is_eai_noname_without_asking_the_relay) {
  EXPECT_EQ(resolve("example.test", "80", AI_NUMERICHOST), EAI_NONAME);
  EXPECT_TRUE(imports.calls.empty());
  EXPECT_EQ(list, nullptr);
}

TEST_F(libc_getaddrinfo_test, ai_numerichost_with_an_ipv6_literal_resolves_it) {
  imports.script("getaddrinfo", {1, ipv6_slot("::1")});
  ASSERT_EQ(resolve("::1", "80", AI_NUMERICHOST), 0);
  EXPECT_EQ(text_of(list), "::1");
}

TEST_F(libc_getaddrinfo_test, service_names_come_from_the_built_in_table_without_etc_services) {
  imports.script("getaddrinfo", {1, ipv4_slot("10.0.0.1")});
  ASSERT_EQ(resolve("example.test", "http"), 0);
  EXPECT_EQ(port_of(list), 80);
}

TEST_F(libc_getaddrinfo_test, service_names_come_from_etc_services_when_the_guest_has_one) {
  imports.files["/etc/services"] = "# local\nmyproto\t4711/tcp\tmine\n";
  imports.script("getaddrinfo", {1, ipv4_slot("10.0.0.1")});
  ASSERT_EQ(resolve("example.test", "mine", 0, SB_AF_UNSPEC, SB_SOCK_STREAM), 0);
  EXPECT_EQ(port_of(list), 4711);
}

TEST_F(libc_getaddrinfo_test, unknown_or_out_of_range_services_are_eai_service) {
  for (const char* service : {"no-such-service", "65536", "-1", "80x"}) {
    EXPECT_EQ(resolve("127.0.0.1", service), EAI_SERVICE) << service;
  }
  EXPECT_TRUE(imports.calls.empty());
}

TEST_F(libc_getaddrinfo_test, ai_numericserv_with_a_service_name_is_eai_noname) {
  EXPECT_EQ(resolve("127.0.0.1", "http", AI_NUMERICSERV), EAI_NONAME);
  EXPECT_TRUE(imports.calls.empty());
}

TEST_F(libc_getaddrinfo_test, a_datagram_socktype_gives_udp_results) {
  imports.script("getaddrinfo", {2, ipv4_slot("10.0.0.1") + ipv4_slot("10.0.0.2")});
  ASSERT_EQ(resolve("example.test", "domain", 0, SB_AF_UNSPEC, SB_SOCK_DGRAM), 0);
  for (const addrinfo* node : nodes()) {
    EXPECT_EQ(node->ai_socktype, SB_SOCK_DGRAM);
    EXPECT_EQ(node->ai_protocol, IPPROTO_UDP);
    EXPECT_EQ(port_of(node), 53);
  }
}

TEST_F(libc_getaddrinfo_test, bad_hints_fail_before_the_relay_is_asked) {
  EXPECT_EQ(resolve("127.0.0.1", "80", 0, SB_AF_UNSPEC, 3 /* SOCK_RAW in Linux */), EAI_SOCKTYPE);
  EXPECT_EQ(resolve("127.0.0.1", "80", 0, 3 /* AF_UNIX */), EAI_FAMILY);
  EXPECT_EQ(resolve("127.0.0.1", "80", 0x8000), EAI_BADFLAGS);
  EXPECT_EQ(resolve(nullptr, "80", AI_CANONNAME), EAI_BADFLAGS);
  EXPECT_EQ(resolve(nullptr, nullptr), EAI_NONAME);
  EXPECT_TRUE(imports.calls.empty());
}

TEST_F(libc_getaddrinfo_test, every_flag_the_header_defines_is_accepted) {
  imports.script("getaddrinfo", {1, ipv4_slot("127.0.0.1")});
  const int all = AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_V4MAPPED | AI_ALL | AI_ADDRCONFIG | AI_NUMERICSERV;
  EXPECT_EQ(resolve("127.0.0.1", "80", all), 0);
}

TEST_F(libc_getaddrinfo_test, ai_canonname_names_the_first_node) {
  imports.script("getaddrinfo", {2, ipv4_slot("10.0.0.1") + ipv4_slot("10.0.0.2")});
  ASSERT_EQ(resolve("example.test", nullptr, AI_CANONNAME), 0);
  ASSERT_NE(list->ai_canonname, nullptr);
  EXPECT_STREQ(list->ai_canonname, "example.test");
  EXPECT_EQ(list->ai_next->ai_canonname, nullptr);
}

TEST_F(libc_getaddrinfo_test, relay_errors_become_eai_codes) {
  const std::pair<int, int> mapping[] = {{SB_ENOENT, EAI_NONAME},
                                         {SB_EAGAIN, EAI_AGAIN},
                                         {SB_EAFNOSUPPORT, EAI_FAMILY},
                                         {SB_EPERM, EAI_FAIL},
                                         {SB_ENETUNREACH, EAI_FAIL}};
  for (const auto& [error, code] : mapping) {
    imports.script("getaddrinfo", {-error});
    EXPECT_EQ(resolve("example.test", "80"), code) << "errno " << error;
    EXPECT_EQ(list, nullptr);
  }
}

TEST_F(libc_getaddrinfo_test, no_address_at_all_is_eai_noname) {
  imports.script("getaddrinfo", {0});
  EXPECT_EQ(resolve("example.test", "80"), EAI_NONAME);
}

TEST_F(libc_getaddrinfo_test, etc_hosts_answers_before_the_relay) {
  imports.files["/etc/hosts"] = "192.0.2.7 box.example box\n";
  ASSERT_EQ(resolve("BOX", "22"), 0);
  EXPECT_TRUE(imports.calls.empty());
  EXPECT_EQ(text_of(list), "192.0.2.7");
  EXPECT_EQ(port_of(list), 22);
}

TEST_F(libc_getaddrinfo_test, gai_strerror_names_every_code) {
  for (const int code : {EAI_BADFLAGS, EAI_NONAME, EAI_AGAIN, EAI_FAIL, EAI_FAMILY, EAI_SOCKTYPE, EAI_SERVICE,
                         EAI_MEMORY, EAI_SYSTEM, EAI_OVERFLOW}) {
    EXPECT_STRNE(libc::gai_strerror(code), "Unknown error") << code;
  }
  EXPECT_STREQ(libc::gai_strerror(12345), "Unknown error");
}

}  // namespace
}  // namespace sb::guest::testing
