// The libcurl layer's HTTP/1.x response parser (guest/libcurl/src/http_response.c),
// compiled natively: bytes in, events out, named errors for malformed input.
#include "http_response.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

// Everything the parser reported, as text that reads like the response.
struct recorder {
  std::vector<int> statuses;
  std::vector<std::string> lines;   // raw header lines
  std::vector<std::string> fields;  // "name=value"
  std::string body;
  int headers_complete = 0;
  int completes = 0;
  int stop_after_body_calls = -1;  // >= 0: on_body returns nonzero after that many calls
  int body_calls = 0;
};

const http_response_callbacks recording_callbacks = {
    [](void* user, int, int status) {
      static_cast<recorder*>(user)->statuses.push_back(status);
      return 0;
    },
    [](void* user, const char* line, size_t length) {
      static_cast<recorder*>(user)->lines.emplace_back(line, length);
      return 0;
    },
    [](void* user, const char* name, size_t name_length, const char* value, size_t value_length) {
      static_cast<recorder*>(user)->fields.push_back(std::string(name, name_length) + "=" +
                                                     std::string(value, value_length));
      return 0;
    },
    [](void* user) {
      ++static_cast<recorder*>(user)->headers_complete;
      return 0;
    },
    [](void* user, const char* data, size_t length) {
      auto* r = static_cast<recorder*>(user);
      r->body.append(data, length);
      return r->stop_after_body_calls >= 0 && ++r->body_calls > r->stop_after_body_calls ? 1 : 0;
    },
    [](void* user) {
      ++static_cast<recorder*>(user)->completes;
      return 0;
    },
};

class http_response_test : public ::testing::Test {
 protected:
  void start(bool head_request = false) {
    http_response_init(parser.get(), &recording_callbacks, &events, head_request ? 1 : 0);
  }
  // Feeds the whole text at once.
  http_response_error feed(std::string_view text, size_t* consumed = nullptr) {
    return http_response_feed(parser.get(), text.data(), text.size(), consumed);
  }
  // Feeds one byte at a time, as the slowest network would deliver it.
  http_response_error feed_bytewise(std::string_view text) {
    for (char c : text) {
      const auto error = http_response_feed(parser.get(), &c, 1, nullptr);
      if (error != HTTP_RESPONSE_OK) return error;
    }
    return HTTP_RESPONSE_OK;
  }

  std::unique_ptr<http_response_parser> parser = std::make_unique<http_response_parser>();
  recorder events;
};

TEST_F(http_response_test, content_length_body_is_delivered_and_completes_without_close) {
  start();
  size_t consumed = 0;
  const std::string response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";
  ASSERT_EQ(feed(response, &consumed), HTTP_RESPONSE_OK);
  EXPECT_EQ(consumed, response.size());
  EXPECT_TRUE(http_response_is_complete(parser.get()));
  EXPECT_EQ(http_response_status(parser.get()), 200);
  EXPECT_EQ(http_response_content_length(parser.get()), 5);
  EXPECT_TRUE(http_response_keep_alive(parser.get()));
  EXPECT_EQ(events.body, "hello");
  EXPECT_EQ(events.completes, 1);
  EXPECT_EQ(events.fields, (std::vector<std::string>{"Content-Type=text/plain", "Content-Length=5"}));
  EXPECT_EQ(events.lines, (std::vector<std::string>{"HTTP/1.1 200 OK\r\n", "Content-Type: text/plain\r\n",
                                                    "Content-Length: 5\r\n", "\r\n"}));
}

TEST_F(http_response_test, status_line_gives_version_and_code_with_or_without_reason) {
  start();
  ASSERT_EQ(feed("HTTP/1.0 404\r\nContent-Length: 0\r\n\r\n"), HTTP_RESPONSE_OK);
  EXPECT_EQ(events.statuses, std::vector<int>{404});
  EXPECT_TRUE(http_response_is_complete(parser.get()));
  EXPECT_FALSE(http_response_keep_alive(parser.get())) << "HTTP/1.0 without keep-alive closes";
}

TEST_F(http_response_test, bytewise_feeding_gives_the_same_events) {
  start();
  ASSERT_EQ(feed_bytewise("HTTP/1.1 201 Created\r\nX-A: 1\r\nContent-Length: 3\r\n\r\nabc"), HTTP_RESPONSE_OK);
  EXPECT_EQ(events.statuses, std::vector<int>{201});
  EXPECT_EQ(events.fields, (std::vector<std::string>{"X-A=1", "Content-Length=3"}));
  EXPECT_EQ(events.body, "abc");
  EXPECT_EQ(events.completes, 1);
}

TEST_F(http_response_test, folded_header_lines_are_joined_and_odd_spacing_is_trimmed) {
  start();
  ASSERT_EQ(feed("HTTP/1.1 200 OK\r\nX-Long: first\r\n  second\r\n\tthird  \r\nX-Empty:\r\nX-Tight:v\r\n"
                 "Content-Length: 0\r\n\r\n"),
            HTTP_RESPONSE_OK);
  EXPECT_EQ(events.fields,
            (std::vector<std::string>{"X-Long=first second third", "X-Empty=", "X-Tight=v", "Content-Length=0"}));
  EXPECT_EQ(events.lines.size(), 8u) << "every raw line is still reported as received";
}

TEST_F(http_response_test, bare_lf_line_endings_are_accepted) {
  start();
  ASSERT_EQ(feed("HTTP/1.1 200 OK\nContent-Length: 2\n\nok"), HTTP_RESPONSE_OK);
  EXPECT_EQ(events.body, "ok");
  EXPECT_TRUE(http_response_is_complete(parser.get()));
}

TEST_F(http_response_test, chunked_body_with_extensions_and_trailers_is_decoded) {
  start();
  ASSERT_EQ(feed_bytewise("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                          "5;name=value\r\nhello\r\n"
                          "7 ; quoted=\"x;y\"\r\n, world\r\n"
                          "0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n"),
            HTTP_RESPONSE_BAD_TRANSFER_ENCODING)
      << "gzip is not decoded, so only a final chunked alone is accepted";
  start();
  events = {};
  ASSERT_EQ(feed_bytewise("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "5;name=value\r\nhello\r\n"
                          "7 ; quoted=\"x;y\"\r\n, world\r\n"
                          "0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n"),
            HTTP_RESPONSE_OK);
  EXPECT_EQ(events.body, "hello, world");
  EXPECT_EQ(events.completes, 1);
  EXPECT_EQ(events.lines.back(), "X-Other: 1\r\n") << "trailers reach the header lines, the blank line after them not";
  EXPECT_EQ(events.fields, std::vector<std::string>{"Transfer-Encoding=chunked"}) << "trailers are no header fields";
  EXPECT_TRUE(http_response_keep_alive(parser.get()));
}

TEST_F(http_response_test, chunked_wins_over_content_length) {
  start();
  ASSERT_EQ(feed("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
            HTTP_RESPONSE_OK);
  EXPECT_EQ(events.body, "abc");
  EXPECT_TRUE(http_response_is_complete(parser.get()));
}

TEST_F(http_response_test, close_delimited_body_ends_at_finish) {
  start();
  ASSERT_EQ(feed("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nsome "), HTTP_RESPONSE_OK);
  ASSERT_EQ(feed("more"), HTTP_RESPONSE_OK);
  EXPECT_FALSE(http_response_is_complete(parser.get()));
  ASSERT_EQ(http_response_finish(parser.get()), HTTP_RESPONSE_OK);
  EXPECT_TRUE(http_response_is_complete(parser.get()));
  EXPECT_EQ(events.body, "some more");
  EXPECT_FALSE(http_response_keep_alive(parser.get()));
  EXPECT_EQ(http_response_content_length(parser.get()), -1);
}

TEST_F(http_response_test, head_204_and_304_have_no_body_despite_content_length) {
  for (const char* response : {"HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n",
                               "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n"}) {
    start();
    events = {};
    size_t consumed = 0;
    ASSERT_EQ(feed(std::string(response) + "NEXT", &consumed), HTTP_RESPONSE_OK);
    EXPECT_TRUE(http_response_is_complete(parser.get())) << response;
    EXPECT_EQ(consumed, std::string(response).size()) << "the next response's bytes are left alone";
    EXPECT_EQ(events.body, "");
  }
  start(/*head_request=*/true);
  events = {};
  ASSERT_EQ(feed("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"), HTTP_RESPONSE_OK);
  EXPECT_TRUE(http_response_is_complete(parser.get()));
  EXPECT_TRUE(http_response_keep_alive(parser.get()));
}

TEST_F(http_response_test, interim_100_continue_is_reported_then_the_final_response) {
  start();
  ASSERT_EQ(feed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), HTTP_RESPONSE_OK);
  EXPECT_EQ(events.statuses, (std::vector<int>{100, 200}));
  EXPECT_EQ(events.headers_complete, 1);
  EXPECT_EQ(events.body, "ok");
}

TEST_F(http_response_test, connection_close_header_prevents_reuse) {
  start();
  ASSERT_EQ(feed("HTTP/1.1 200 OK\r\nConnection: Keep-Alive, CLOSE\r\nContent-Length: 0\r\n\r\n"), HTTP_RESPONSE_OK);
  EXPECT_FALSE(http_response_keep_alive(parser.get()));
}

TEST_F(http_response_test, malformed_status_lines_are_named_errors) {
  for (const char* response : {"HTTP/2 200 OK\r\n", "HTTP/1.1 20 OK\r\n", "HTTP/1.1 abc OK\r\n", "ICY 200 OK\r\n",
                               "HTTP/1.1 200OK\r\n", "HTTP/1.1 099 Low\r\n", "\r\n"}) {
    start();
    EXPECT_EQ(feed(response), HTTP_RESPONSE_BAD_STATUS_LINE) << response;
    EXPECT_STREQ(http_response_error_name(parser->error), "HTTP_RESPONSE_BAD_STATUS_LINE");
  }
}

TEST_F(http_response_test, malformed_headers_are_named_errors) {
  const struct {
    const char* response;
    http_response_error error;
  } cases[] = {
      {"HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n", HTTP_RESPONSE_BAD_HEADER},
      {"HTTP/1.1 200 OK\r\n: empty name\r\n\r\n", HTTP_RESPONSE_BAD_HEADER},
      {"HTTP/1.1 200 OK\r\nSpace before : colon\r\n\r\n", HTTP_RESPONSE_BAD_HEADER},
      {"HTTP/1.1 200 OK\r\n folded first line\r\n\r\n", HTTP_RESPONSE_BAD_HEADER},
      {"HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\n", HTTP_RESPONSE_BAD_CONTENT_LENGTH},
      {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", HTTP_RESPONSE_BAD_CONTENT_LENGTH},
      {"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", HTTP_RESPONSE_BAD_CONTENT_LENGTH},
      {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", HTTP_RESPONSE_BAD_CONTENT_LENGTH},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", HTTP_RESPONSE_BAD_TRANSFER_ENCODING},
  };
  for (const auto& c : cases) {
    start();
    EXPECT_EQ(feed(c.response), c.error) << c.response;
    EXPECT_EQ(feed("more"), c.error) << "errors are sticky";
  }
}

TEST_F(http_response_test, malformed_chunks_are_named_errors) {
  for (const char* chunks : {"zz\r\n", "\r\n", "5\r\nhelloXX\r\n", "5 junk\r\nhello\r\n", "fffffffffffffffffff\r\n"}) {
    start();
    EXPECT_EQ(feed(std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") + chunks),
              HTTP_RESPONSE_BAD_CHUNK)
        << chunks;
  }
}

TEST_F(http_response_test, too_long_header_line_is_refused) {
  start();
  const std::string line = "X-Big: " + std::string(HTTP_RESPONSE_MAX_LINE, 'a');
  EXPECT_EQ(feed("HTTP/1.1 200 OK\r\n" + line), HTTP_RESPONSE_HEADER_TOO_LONG);
}

TEST_F(http_response_test, too_many_header_bytes_are_refused) {
  start();
  ASSERT_EQ(feed("HTTP/1.1 200 OK\r\n"), HTTP_RESPONSE_OK);
  const std::string line = "X-Many: " + std::string(1000, 'b') + "\r\n";
  http_response_error error = HTTP_RESPONSE_OK;
  for (int i = 0; i < 1000 && error == HTTP_RESPONSE_OK; ++i) error = feed(line);
  EXPECT_EQ(error, HTTP_RESPONSE_HEADER_TOO_LONG);
}

TEST_F(http_response_test, close_before_any_byte_is_empty_and_mid_response_is_truncated) {
  start();
  EXPECT_EQ(http_response_finish(parser.get()), HTTP_RESPONSE_EMPTY);
  start();
  ASSERT_EQ(feed("HTTP/1.1 200 OK\r\nContent-Len"), HTTP_RESPONSE_OK);
  EXPECT_EQ(http_response_finish(parser.get()), HTTP_RESPONSE_TRUNCATED);
  start();
  ASSERT_EQ(feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"), HTTP_RESPONSE_OK);
  EXPECT_EQ(http_response_finish(parser.get()), HTTP_RESPONSE_TRUNCATED);
  EXPECT_EQ(parser->remaining, 7u);
  start();
  ASSERT_EQ(feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"), HTTP_RESPONSE_OK);
  EXPECT_EQ(http_response_finish(parser.get()), HTTP_RESPONSE_TRUNCATED);
}

TEST_F(http_response_test, a_callback_can_stop_the_parser) {
  start();
  events.stop_after_body_calls = 0;
  EXPECT_EQ(feed("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"), HTTP_RESPONSE_ABORTED);
  EXPECT_FALSE(http_response_is_complete(parser.get()));
  EXPECT_STREQ(http_response_error_message(HTTP_RESPONSE_ABORTED), "a callback stopped the parser");
}

}  // namespace
