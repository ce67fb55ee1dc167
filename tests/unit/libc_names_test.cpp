// guest/libc's name calls besides getaddrinfo: getnameinfo.c (numeric only),
// gethostbyname.c, getservbyname.c/services.c, getprotobyname.c, and the
// IPv4 text helpers of inet_addr.c. libc_under_test.hpp: how it is built.
#include <cstring>
#include <string>

#include "libc_fake_imports.hpp"
#include "libc_under_test.hpp"

namespace sb::guest::testing {
namespace {

using libc_names_test = libc_test;

sockaddr_in ipv4(const char* dotted, std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = SB_AF_INET;
  address.sin_port = htons(port);
  inet_pton(AF_INET, dotted, &address.sin_addr);
  return address;
}

sockaddr_in6 ipv6(const char* text, std::uint16_t port) {
  sockaddr_in6 address{};
  address.sin6_family = SB_AF_INET6;
  address.sin6_port = htons(port);
  inet_pton(AF_INET6, text, &address.sin6_addr);
  return address;
}

struct name_info {
  int result;
  std::string host, service;
};

template <typename Address>
name_info name_of(const Address& address, int flags = 0, socklen_t length = sizeof(Address), socklen_t host_length = 64,
                  socklen_t service_length = 16) {
  char host[64] = {}, service[16] = {};
  const int result = libc::getnameinfo(reinterpret_cast<const sockaddr*>(&address), length, host, host_length, service,
                                       service_length, flags);
  return {result, host, service};
}

TEST_F(libc_names_test, getnameinfo_gives_the_numeric_host_and_port_with_or_without_numeric_flags) {
  const sockaddr_in address = ipv4("192.0.2.1", 8080);
  for (const int flags : {0, NI_NUMERICHOST, NI_NUMERICSERV, NI_NUMERICHOST | NI_NUMERICSERV, NI_DGRAM}) {
    const name_info info = name_of(address, flags);
    EXPECT_EQ(info.result, 0) << flags;
    EXPECT_EQ(info.host, "192.0.2.1");
    EXPECT_EQ(info.service, "8080");
  }
  const name_info v6 = name_of(ipv6("2001:db8::5", 443), NI_NUMERICHOST);
  EXPECT_EQ(v6.result, 0);
  EXPECT_EQ(v6.host, "2001:db8::5");
  EXPECT_EQ(v6.service, "443");
}

TEST_F(libc_names_test, getnameinfo_with_a_buffer_too_small_is_eai_overflow) {
  const sockaddr_in address = ipv4("192.0.2.123", 65535);
  EXPECT_EQ(name_of(address, 0, sizeof address, 11).result, EAI_OVERFLOW);  // 11 characters need 12 bytes
  EXPECT_EQ(name_of(address, 0, sizeof address, 12).result, 0);
  EXPECT_EQ(name_of(address, 0, sizeof address, 64, 5).result, EAI_OVERFLOW);
  EXPECT_EQ(name_of(address, 0, sizeof address, 64, 6).result, 0);
}

TEST_F(libc_names_test, getnameinfo_with_a_length_too_short_or_an_unknown_family_is_eai_family) {
  const sockaddr_in address = ipv4("192.0.2.1", 80);
  EXPECT_EQ(name_of(address, 0, sizeof address - 1).result, EAI_FAMILY);
  EXPECT_EQ(name_of(ipv6("::1", 80), 0, sizeof(sockaddr_in)).result, EAI_FAMILY);
  sockaddr_in unix_family = address;
  unix_family.sin_family = 3;  // AF_UNIX
  EXPECT_EQ(name_of(unix_family).result, EAI_FAMILY);
  char host[64];
  EXPECT_EQ(libc::getnameinfo(nullptr, 16, host, sizeof host, nullptr, 0, 0), EAI_FAMILY);
}

TEST_F(libc_names_test, getnameinfo_with_ni_namereqd_is_eai_noname_since_there_is_no_reverse_lookup) {
  EXPECT_EQ(name_of(ipv4("192.0.2.1", 80), NI_NAMEREQD).result, EAI_NONAME);
}

TEST_F(libc_names_test, getnameinfo_with_unknown_flags_is_eai_badflags) {
  EXPECT_EQ(name_of(ipv4("192.0.2.1", 80), 0x400).result, EAI_BADFLAGS);
}

TEST_F(libc_names_test, getnameinfo_asked_for_neither_host_nor_service_is_eai_noname) {
  const sockaddr_in address = ipv4("192.0.2.1", 80);
  EXPECT_EQ(libc::getnameinfo(reinterpret_cast<const sockaddr*>(&address), sizeof address, nullptr, 0, nullptr, 0, 0),
            EAI_NONAME);
}

TEST_F(libc_names_test, getnameinfo_fills_only_the_part_asked_for) {
  const sockaddr_in address = ipv4("192.0.2.1", 80);
  char service[8] = {};
  EXPECT_EQ(libc::getnameinfo(reinterpret_cast<const sockaddr*>(&address), sizeof address, nullptr, 0, service,
                              sizeof service, 0),
            0);
  EXPECT_STREQ(service, "80");
}

TEST_F(libc_names_test, gethostbyname_lists_the_relays_ipv4_addresses) {
  imports.script("getaddrinfo", {2, ipv4_slot("10.0.0.1") + ipv4_slot("10.0.0.2")});
  const hostent* entry = libc::gethostbyname("example.test");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(imports.calls[0].input, "example.test");
  EXPECT_EQ(imports.calls[0].args, (std::vector<std::int64_t>{12, SB_AF_INET, 8}));
  EXPECT_STREQ(entry->h_name, "example.test");
  EXPECT_EQ(entry->h_addrtype, SB_AF_INET);
  EXPECT_EQ(entry->h_length, 4);
  ASSERT_NE(entry->h_addr_list[0], nullptr);
  ASSERT_NE(entry->h_addr_list[1], nullptr);
  EXPECT_EQ(entry->h_addr_list[2], nullptr);
  in_addr second;
  std::memcpy(&second, entry->h_addr_list[1], sizeof second);
  EXPECT_EQ(second.s_addr, htonl(0x0a000002));
  EXPECT_EQ(entry->h_aliases[0], nullptr);
}

TEST_F(libc_names_test, gethostbyname_failures_set_h_errno) {
  imports.script("getaddrinfo", {-SB_EAGAIN});
  imports.script("getaddrinfo", {-SB_ENOENT});
  imports.script("getaddrinfo", {0});
  EXPECT_EQ(libc::gethostbyname("busy.test"), nullptr);
  EXPECT_EQ(libc::h_errno, TRY_AGAIN);
  EXPECT_EQ(libc::gethostbyname("missing.test"), nullptr);
  EXPECT_EQ(libc::h_errno, HOST_NOT_FOUND);
  libc::h_errno = 0;
  EXPECT_EQ(libc::gethostbyname("empty.test"), nullptr);
  EXPECT_EQ(libc::h_errno, HOST_NOT_FOUND);
  EXPECT_STREQ(libc::hstrerror(HOST_NOT_FOUND), "Unknown host");
  EXPECT_STREQ(libc::hstrerror(99), "Unknown error");
}

TEST_F(libc_names_test, getservbyname_and_getservbyport_use_the_built_in_table_without_etc_services) {
  const servent* http = libc::getservbyname("http", "tcp");
  ASSERT_NE(http, nullptr);
  EXPECT_EQ(http->s_port, htons(80));
  EXPECT_STREQ(http->s_proto, "tcp");
  const servent* ssh = libc::getservbyport(htons(22), nullptr);
  ASSERT_NE(ssh, nullptr);
  EXPECT_STREQ(ssh->s_name, "ssh");
  EXPECT_EQ(libc::getservbyname("no-such-service", nullptr), nullptr);
  EXPECT_EQ(libc::getservbyname("http", "sctp"), nullptr);
}

TEST_F(libc_names_test, getprotobyname_and_number_know_ip_tcp_udp) {
  const protoent* tcp = libc::getprotobyname("tcp");
  ASSERT_NE(tcp, nullptr);
  EXPECT_EQ(tcp->p_proto, IPPROTO_TCP);
  const protoent* udp = libc::getprotobynumber(IPPROTO_UDP);
  ASSERT_NE(udp, nullptr);
  EXPECT_STREQ(udp->p_name, "udp");
  EXPECT_EQ(libc::getprotobyname("sctp"), nullptr);
  EXPECT_EQ(libc::getprotobynumber(132), nullptr);
}

std::string aton(const char* text) {
  in_addr address{};
  if (!libc::inet_aton(text, &address)) return "invalid";
  char out[INET_ADDRSTRLEN];
  return inet_ntop(AF_INET, &address, out, sizeof out);
}

TEST_F(libc_names_test, inet_aton_takes_every_classic_form) {
  EXPECT_EQ(aton("192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(aton("127.1"), "127.0.0.1");
  EXPECT_EQ(aton("10.1.65535"), "10.1.255.255");
  EXPECT_EQ(aton("3221225985"), "192.0.2.1");
  EXPECT_EQ(aton("0x7f.0.0.1"), "127.0.0.1");
  EXPECT_EQ(aton("010.0.0.1"), "8.0.0.1");
  EXPECT_EQ(aton("4294967295"), "255.255.255.255");
  EXPECT_EQ(aton("0"), "0.0.0.0");
  EXPECT_EQ(libc::inet_aton("1.2.3.4", nullptr), 1);
}

TEST_F(libc_names_test, inet_aton_rejects_malformed_and_out_of_range_text) {
  for (const char* text :
       {"", "1.2.3.4.5", "256.0.0.1", "1.2.3.256", "1.2.3.", ".1.2.3", "1..2", " 1.2.3.4", "1.2.3.4 ", "-1", "+1",
        "4294967296", "99999999999999999999999", "1.16777216", "1.2.65536", "0x", "08", "abc", "1.2.3.x"}) {
    EXPECT_EQ(aton(text), "invalid") << '"' << text << '"';
  }
}

TEST_F(libc_names_test, inet_addr_returns_network_order_or_inaddr_none) {
  EXPECT_EQ(libc::inet_addr("10.0.0.1"), htonl(0x0a000001));
  EXPECT_EQ(libc::inet_addr("10.0.0.256"), INADDR_NONE);
  EXPECT_EQ(libc::inet_addr("nonsense"), INADDR_NONE);
}

TEST_F(libc_names_test, inet_ntoa_gives_dotted_quad_text) {
  in_addr address{};
  address.s_addr = htonl(0xc0a80102);
  EXPECT_STREQ(libc::inet_ntoa(address), "192.168.1.2");
}

}  // namespace
}  // namespace sb::guest::testing
