// The libcurl layer's request head (guest/libcurl/src/request.c), compiled
// natively: libcurl's header order and its rules for the caller's headers.
#include <gtest/gtest.h>

#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <string>

#include "request.h"

namespace {

// A curl_slist built from literals, freed with the test.
struct header_list {
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> list{nullptr, &curl_slist_free_all};
  header_list(std::initializer_list<const char*> lines) {
    curl_slist* head = nullptr;
    for (const char* line : lines) head = curl_slist_append(head, line);
    list.reset(head);
  }
};

std::string format(const request& r) {
  size_t length = 0;
  std::unique_ptr<char, decltype(&std::free)> head(request_format(&r, &length), &std::free);
  EXPECT_EQ(std::string(head.get()).size(), length);
  return head.get();
}

TEST(curl_request, get_has_host_and_accept_only) {
  const request r{"GET", "/a?b", "127.0.0.1:8080", nullptr, nullptr, 0, 0};
  EXPECT_EQ(format(r), "GET /a?b HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAccept: */*\r\n\r\n");
}

TEST(curl_request, post_adds_agent_custom_headers_then_body_headers_in_libcurls_order) {
  header_list headers{"X-One: 1", "X-Two: 2"};
  const request r{"POST", "/form", "h", "agent/1", headers.list.get(), 1, 7};
  EXPECT_EQ(format(r),
            "POST /form HTTP/1.1\r\nHost: h\r\nUser-Agent: agent/1\r\nAccept: */*\r\nX-One: 1\r\nX-Two: 2\r\n"
            "Content-Length: 7\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n");
}

TEST(curl_request, callers_headers_replace_remove_or_empty_the_built_in_ones) {
  header_list headers{"accept: text/html", "User-Agent:", "Content-Type: application/json", "Host: other", "X-Empty;",
                      "X-Gone:",           "not a header"};
  const request r{"PUT", "/", "h", "agent/1", headers.list.get(), 1, 2};
  EXPECT_EQ(format(r),
            "PUT / HTTP/1.1\r\nHost: other\r\naccept: text/html\r\nContent-Type: application/json\r\n"
            "X-Empty:\r\nContent-Length: 2\r\n\r\n");
}

}  // namespace
