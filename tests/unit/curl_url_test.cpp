// The libcurl layer's URL handling (guest/libcurl/src/url.c), compiled natively:
// parsing, normalized text and resolution of redirect targets.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "url.h"

namespace {

struct parsed {
  url value{};
  url_error error = URL_OK;
  explicit parsed(const char* text) : error(url_parse(text, &value)) {}
  ~parsed() { url_free(&value); }
  std::string formatted() const {
    std::unique_ptr<char, decltype(&std::free)> text(url_format(&value), &std::free);
    return text.get();
  }
  std::string resolve(const char* reference) const {
    std::unique_ptr<char, decltype(&std::free)> text(url_resolve(&value, reference), &std::free);
    return text.get();
  }
};

TEST(curl_url, parses_host_port_and_target) {
  parsed u("http://example.test:8080/a/b?x=1#fragment");
  ASSERT_EQ(u.error, URL_OK);
  EXPECT_STREQ(u.value.host, "example.test");
  EXPECT_EQ(u.value.port, 8080);
  EXPECT_STREQ(u.value.target, "/a/b?x=1");
  EXPECT_EQ(u.formatted(), "http://example.test:8080/a/b?x=1");
}

TEST(curl_url, default_port_empty_path_and_missing_scheme) {
  parsed u("Example.test");
  ASSERT_EQ(u.error, URL_OK);
  EXPECT_EQ(u.value.port, 80);
  EXPECT_FALSE(u.value.port_given);
  EXPECT_EQ(u.formatted(), "http://Example.test/");
  parsed query("HTTP://h?q");
  ASSERT_EQ(query.error, URL_OK);
  EXPECT_EQ(query.formatted(), "http://h/?q");
}

TEST(curl_url, ipv6_literals_keep_their_brackets_in_text_only) {
  parsed u("http://[::1]:1234/x");
  ASSERT_EQ(u.error, URL_OK);
  EXPECT_STREQ(u.value.host, "::1");
  EXPECT_TRUE(u.value.host_is_ipv6);
  EXPECT_EQ(u.formatted(), "http://[::1]:1234/x");
  char host[64];
  url_host_header(&u.value, host, sizeof host);
  EXPECT_STREQ(host, "[::1]:1234");
  EXPECT_EQ(parsed("http://[::1/").error, URL_MALFORMED);
  EXPECT_EQ(parsed("http://[not-v6]/").error, URL_MALFORMED);
}

TEST(curl_url, dot_segments_are_removed) {
  EXPECT_EQ(parsed("http://h/a/b/../c/./d").formatted(), "http://h/a/c/d");
  EXPECT_EQ(parsed("http://h/a/..").formatted(), "http://h/");
  EXPECT_EQ(parsed("http://h/../../x").formatted(), "http://h/x");
}

TEST(curl_url, bad_urls_are_named_errors) {
  EXPECT_EQ(parsed("").error, URL_MALFORMED);
  EXPECT_EQ(parsed("http://").error, URL_MALFORMED);
  EXPECT_EQ(parsed("http://h/a b").error, URL_MALFORMED);
  EXPECT_EQ(parsed("http://h:99999/").error, URL_BAD_PORT);
  EXPECT_EQ(parsed("http://h:8x/").error, URL_BAD_PORT);
  EXPECT_EQ(parsed("http://user:pw@h/").error, URL_CREDENTIALS);
  parsed https("https://h/");
  EXPECT_EQ(https.error, URL_UNSUPPORTED_SCHEME);
  EXPECT_STREQ(https.value.scheme, "https");
}

TEST(curl_url, redirect_targets_resolve_like_rfc_3986) {
  parsed base("http://h:81/dir/page?q=1");
  ASSERT_EQ(base.error, URL_OK);
  EXPECT_EQ(base.resolve("http://other/x"), "http://other/x");
  EXPECT_EQ(base.resolve("//other:9/y"), "http://other:9/y");
  EXPECT_EQ(base.resolve("/abs"), "http://h:81/abs");
  EXPECT_EQ(base.resolve("rel"), "http://h:81/dir/rel");
  EXPECT_EQ(base.resolve("../up?z"), "http://h:81/dir/../up?z") << "dots go when the result is parsed";
  EXPECT_EQ(parsed(base.resolve("../up?z").c_str()).formatted(), "http://h:81/up?z");
  EXPECT_EQ(base.resolve("?only=query"), "http://h:81/dir/page?only=query");
  EXPECT_EQ(base.resolve(""), "http://h:81/dir/page?q=1");
}

}  // namespace
