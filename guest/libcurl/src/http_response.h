/*
 * A sans-IO HTTP/1.x response parser: the caller feeds the bytes it received,
 * the parser calls back with what they mean (status, header lines, header
 * fields, body bytes, end of message). It never touches a socket and never
 * allocates, so it unit-tests natively and runs under a fuzzer as it is.
 *
 * Framing follows RFC 9112 section 6: no body for HEAD, 1xx, 204 and 304;
 * chunked when Transfer-Encoding ends in "chunked" (chunk extensions are
 * skipped, trailer lines reported like header lines); else Content-Length;
 * else the body runs until the connection closes (http_response_finish).
 * Bare LF line endings are accepted, obsolete line folding is unfolded.
 */
#ifndef SOCKBRIDGE_LIBCURL_HTTP_RESPONSE_H
#define SOCKBRIDGE_LIBCURL_HTTP_RESPONSE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The longest status, header, chunk-size or trailer line (libcurl's CURL_MAX_HTTP_HEADER). */
#define HTTP_RESPONSE_MAX_LINE (100 * 1024)
/* The most bytes of header lines one response may have (interim 1xx responses included). */
#define HTTP_RESPONSE_MAX_HEADER_BYTES (300 * 1024)

/* Every result of the parser: name and a message for a person. */
#define HTTP_RESPONSE_ERRORS(X)                                                  \
  X(HTTP_RESPONSE_OK, "no error")                                                \
  X(HTTP_RESPONSE_BAD_STATUS_LINE, "malformed status line")                      \
  X(HTTP_RESPONSE_BAD_HEADER, "malformed header line")                           \
  X(HTTP_RESPONSE_HEADER_TOO_LONG, "header line or header section too long")     \
  X(HTTP_RESPONSE_BAD_CONTENT_LENGTH, "invalid or conflicting Content-Length")   \
  X(HTTP_RESPONSE_BAD_TRANSFER_ENCODING, "unsupported Transfer-Encoding")        \
  X(HTTP_RESPONSE_BAD_CHUNK, "malformed chunk")                                  \
  X(HTTP_RESPONSE_EMPTY, "connection closed before any response byte")           \
  X(HTTP_RESPONSE_TRUNCATED, "connection closed before the end of the response") \
  X(HTTP_RESPONSE_ABORTED, "a callback stopped the parser")

enum http_response_error {
#define HTTP_RESPONSE_ERROR_ENUM(name, message) name,
  HTTP_RESPONSE_ERRORS(HTTP_RESPONSE_ERROR_ENUM)
#undef HTTP_RESPONSE_ERROR_ENUM
};

/* "HTTP_RESPONSE_BAD_CHUNK" etc.; a static string. */
const char* http_response_error_name(enum http_response_error error);
/* "malformed chunk" etc.; a static string. */
const char* http_response_error_message(enum http_response_error error);

/*
 * What the parser reports. Any callback may be NULL. A callback returning
 * nonzero stops parsing with HTTP_RESPONSE_ABORTED. Pointers passed to a
 * callback are valid only during the call.
 */
struct http_response_callbacks {
  /* A status line: once per response, and once per interim (1xx) response before it. */
  int (*on_status)(void* user, int http_minor_version, int status);
  /* One line exactly as received, line ending included: the status line,
   * each header line, the blank line that ends the header section, and chunked trailer lines
   * (but not the blank line after them). */
  int (*on_header_line)(void* user, const char* line, size_t length);
  /* One header field (not trailers), name and value trimmed, folded lines joined by a space.
   * Comes after the raw line that ends it (the next line tells whether it was folded). */
  int (*on_header_field)(void* user, const char* name, size_t name_length, const char* value, size_t value_length);
  /* The final (non-1xx) header section is complete and the body framing is known. */
  int (*on_headers_complete)(void* user);
  /* Body bytes, chunked coding removed. */
  int (*on_body)(void* user, const char* data, size_t length);
  /* The response is complete; the parser takes no more bytes. */
  int (*on_complete)(void* user);
};

enum http_response_state {
  HTTP_RESPONSE_STATUS_LINE,
  HTTP_RESPONSE_HEADERS,
  HTTP_RESPONSE_BODY_LENGTH,
  HTTP_RESPONSE_BODY_UNTIL_CLOSE,
  HTTP_RESPONSE_CHUNK_SIZE,
  HTTP_RESPONSE_CHUNK_DATA,
  HTTP_RESPONSE_CHUNK_END,
  HTTP_RESPONSE_TRAILERS,
  HTTP_RESPONSE_DONE,
  HTTP_RESPONSE_FAILED
};

/* One response being parsed. Fields are the parser's; read them through the functions below. */
struct http_response_parser {
  struct http_response_callbacks callbacks;
  void* user;
  enum http_response_state state;
  enum http_response_error error;
  int no_body; /* the request was HEAD */
  int http_minor_version;
  int status;
  int chunked;
  int has_content_length;
  int connection_close;
  int keep_alive_header;
  uint64_t content_length;
  uint64_t remaining; /* body or chunk bytes still to come */
  uint64_t received;  /* every byte fed so far */
  size_t header_bytes;
  size_t line_length;
  size_t field_length; /* 0: no field waiting for a possible folded continuation */
  size_t field_name_length;
  char line[HTTP_RESPONSE_MAX_LINE];
  char field[HTTP_RESPONSE_MAX_LINE];
};

/* Prepares parser for one response. head_request: the request was HEAD, so no body follows. */
void http_response_init(struct http_response_parser* parser, const struct http_response_callbacks* callbacks,
                        void* user, int head_request);

/*
 * Feeds received bytes. Returns HTTP_RESPONSE_OK or the (sticky) error.
 * *consumed (may be NULL) is how many bytes belonged to this response: less
 * than length once the response is complete and more bytes followed.
 */
enum http_response_error http_response_feed(struct http_response_parser* parser, const char* data, size_t length,
                                            size_t* consumed);

/* The peer closed the connection: ends a body delimited by close, otherwise
 * reports HTTP_RESPONSE_EMPTY or HTTP_RESPONSE_TRUNCATED if the response is unfinished. */
enum http_response_error http_response_finish(struct http_response_parser* parser);

/* The response is complete (on_complete was called). */
int http_response_is_complete(const struct http_response_parser* parser);
/* The final status code (the last one seen before the header section is complete). */
int http_response_status(const struct http_response_parser* parser);
/* The connection may carry another request after this complete response. */
int http_response_keep_alive(const struct http_response_parser* parser);
/* Content-Length of the response, or -1 if it had none. */
int64_t http_response_content_length(const struct http_response_parser* parser);

#ifdef __cplusplus
}
#endif

#endif
