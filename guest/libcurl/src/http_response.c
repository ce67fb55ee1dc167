/* The HTTP/1.x response parser (see http_response.h). */
#include "http_response.h"

#include <string.h>

static const struct {
  const char* name;
  const char* message;
} errors[] = {
#define HTTP_RESPONSE_ERROR_ROW(name, message) {#name, message},
    HTTP_RESPONSE_ERRORS(HTTP_RESPONSE_ERROR_ROW)
#undef HTTP_RESPONSE_ERROR_ROW
};

const char* http_response_error_name(enum http_response_error error) {
  return (size_t)error < sizeof errors / sizeof errors[0] ? errors[error].name : "HTTP_RESPONSE_UNKNOWN";
}

const char* http_response_error_message(enum http_response_error error) {
  return (size_t)error < sizeof errors / sizeof errors[0] ? errors[error].message : "unknown error";
}

void http_response_init(struct http_response_parser* parser, const struct http_response_callbacks* callbacks,
                        void* user, int head_request) {
  if (callbacks)
    parser->callbacks = *callbacks;
  else
    memset(&parser->callbacks, 0, sizeof parser->callbacks);
  parser->user = user;
  parser->state = HTTP_RESPONSE_STATUS_LINE;
  parser->error = HTTP_RESPONSE_OK;
  parser->no_body = head_request;
  parser->http_minor_version = 1;
  parser->status = 0;
  parser->chunked = 0;
  parser->has_content_length = 0;
  parser->connection_close = 0;
  parser->keep_alive_header = 0;
  parser->content_length = 0;
  parser->remaining = 0;
  parser->received = 0;
  parser->header_bytes = 0;
  parser->line_length = 0;
  parser->field_length = 0;
  parser->field_name_length = 0;
}

static enum http_response_error fail(struct http_response_parser* parser, enum http_response_error error) {
  parser->state = HTTP_RESPONSE_FAILED;
  parser->error = error;
  return error;
}

/* Runs a callback's verdict through the parser: nonzero stops it. */
static enum http_response_error checked(struct http_response_parser* parser, int callback_result) {
  return callback_result ? fail(parser, HTTP_RESPONSE_ABORTED) : HTTP_RESPONSE_OK;
}

static int is_space(char c) { return c == ' ' || c == '\t'; }

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

static int equals_ignoring_case(const char* a, size_t a_length, const char* b) {
  if (a_length != strlen(b)) return 0;
  for (size_t i = 0; i < a_length; ++i)
    if (lower(a[i]) != lower(b[i])) return 0;
  return 1;
}

/* Does the comma-separated list contain token (any case)? */
static int list_contains(const char* list, size_t length, const char* token) {
  size_t start = 0;
  while (start < length) {
    size_t end = start;
    while (end < length && list[end] != ',') ++end;
    size_t a = start, b = end;
    while (a < b && is_space(list[a])) ++a;
    while (b > a && is_space(list[b - 1])) --b;
    if (equals_ignoring_case(list + a, b - a, token)) return 1;
    start = end + 1;
  }
  return 0;
}

static enum http_response_error parse_status_line(struct http_response_parser* parser, const char* line,
                                                  size_t length) {
  /* HTTP/1.x SP 3DIGIT [SP reason] */
  if (length < 12 || memcmp(line, "HTTP/1.", 7) != 0 || line[7] < '0' || line[7] > '9' || line[8] != ' ')
    return fail(parser, HTTP_RESPONSE_BAD_STATUS_LINE);
  for (int i = 9; i < 12; ++i)
    if (line[i] < '0' || line[i] > '9') return fail(parser, HTTP_RESPONSE_BAD_STATUS_LINE);
  if (length > 12 && line[12] != ' ') return fail(parser, HTTP_RESPONSE_BAD_STATUS_LINE);
  parser->http_minor_version = line[7] - '0';
  parser->status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (parser->status < 100) return fail(parser, HTTP_RESPONSE_BAD_STATUS_LINE);
  parser->state = HTTP_RESPONSE_HEADERS;
  if (!parser->callbacks.on_status) return HTTP_RESPONSE_OK;
  return checked(parser, parser->callbacks.on_status(parser->user, parser->http_minor_version, parser->status));
}

static enum http_response_error note_content_length(struct http_response_parser* parser, const char* value,
                                                    size_t length) {
  if (length == 0) return fail(parser, HTTP_RESPONSE_BAD_CONTENT_LENGTH);
  uint64_t number = 0;
  for (size_t i = 0; i < length; ++i) {
    if (value[i] < '0' || value[i] > '9') return fail(parser, HTTP_RESPONSE_BAD_CONTENT_LENGTH);
    if (number > (UINT64_MAX - 9) / 10) return fail(parser, HTTP_RESPONSE_BAD_CONTENT_LENGTH);
    number = number * 10 + (uint64_t)(value[i] - '0');
  }
  if (parser->has_content_length && parser->content_length != number)
    return fail(parser, HTTP_RESPONSE_BAD_CONTENT_LENGTH);
  parser->has_content_length = 1;
  parser->content_length = number;
  return HTTP_RESPONSE_OK;
}

/* Only "chunked" (last) and "identity" are understood: other codings (gzip…) are not decoded here. */
static enum http_response_error note_transfer_encoding(struct http_response_parser* parser, const char* value,
                                                       size_t length) {
  size_t start = 0;
  while (start < length) {
    size_t end = start;
    while (end < length && value[end] != ',') ++end;
    size_t a = start, b = end;
    while (a < b && is_space(value[a])) ++a;
    while (b > a && is_space(value[b - 1])) --b;
    const int chunked = equals_ignoring_case(value + a, b - a, "chunked");
    if (chunked && end == length)
      parser->chunked = 1;
    else if (!equals_ignoring_case(value + a, b - a, "identity"))
      return fail(parser, HTTP_RESPONSE_BAD_TRANSFER_ENCODING);
    start = end + 1;
  }
  return HTTP_RESPONSE_OK;
}

/* Hands the waiting header field to the caller and to the framing rules. */
static enum http_response_error flush_field(struct http_response_parser* parser) {
  if (parser->field_length == 0) return HTTP_RESPONSE_OK;
  const char* name = parser->field;
  const size_t name_length = parser->field_name_length;
  const char* value = parser->field + name_length;
  size_t value_length = parser->field_length - name_length;
  while (value_length > 0 && is_space(value[value_length - 1])) --value_length;
  parser->field_length = 0;

  enum http_response_error error = HTTP_RESPONSE_OK;
  if (equals_ignoring_case(name, name_length, "content-length"))
    error = note_content_length(parser, value, value_length);
  else if (equals_ignoring_case(name, name_length, "transfer-encoding"))
    error = note_transfer_encoding(parser, value, value_length);
  else if (equals_ignoring_case(name, name_length, "connection")) {
    parser->connection_close |= list_contains(value, value_length, "close");
    parser->keep_alive_header |= list_contains(value, value_length, "keep-alive");
  }
  if (error != HTTP_RESPONSE_OK || !parser->callbacks.on_header_field) return error;
  return checked(parser, parser->callbacks.on_header_field(parser->user, name, name_length, value, value_length));
}

/* A folded line continues the waiting field: joined with one space. */
static enum http_response_error continue_field(struct http_response_parser* parser, const char* text, size_t length) {
  if (parser->field_length == 0) return fail(parser, HTTP_RESPONSE_BAD_HEADER);
  while (length > 0 && is_space(*text)) ++text, --length;
  if (parser->field_length + 1 + length > sizeof parser->field) return fail(parser, HTTP_RESPONSE_HEADER_TOO_LONG);
  parser->field[parser->field_length++] = ' ';
  memcpy(parser->field + parser->field_length, text, length);
  parser->field_length += length;
  return HTTP_RESPONSE_OK;
}

static int is_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Starts a new field "name: value"; it waits until the next line shows it is not folded. */
static enum http_response_error start_field(struct http_response_parser* parser, const char* text, size_t length) {
  size_t colon = 0;
  while (colon < length && is_token_char(text[colon])) ++colon;
  if (colon == 0 || colon == length || text[colon] != ':') return fail(parser, HTTP_RESPONSE_BAD_HEADER);
  size_t value = colon + 1;
  while (value < length && is_space(text[value])) ++value;
  memcpy(parser->field, text, colon);
  memcpy(parser->field + colon, text + value, length - value);
  parser->field_name_length = colon;
  parser->field_length = colon + (length - value);
  return HTTP_RESPONSE_OK;
}

static int has_body(const struct http_response_parser* parser) {
  return !parser->no_body && parser->status != 204 && parser->status != 304;
}

static enum http_response_error complete(struct http_response_parser* parser) {
  parser->state = HTTP_RESPONSE_DONE;
  if (!parser->callbacks.on_complete) return HTTP_RESPONSE_OK;
  return checked(parser, parser->callbacks.on_complete(parser->user));
}

/* The blank line: an interim response starts over, a final one picks its body framing. */
static enum http_response_error end_of_headers(struct http_response_parser* parser) {
  enum http_response_error error = flush_field(parser);
  if (error != HTTP_RESPONSE_OK) return error;
  if (parser->status < 200 && parser->status != 101) {
    parser->state = HTTP_RESPONSE_STATUS_LINE;
    parser->chunked = parser->has_content_length = parser->connection_close = parser->keep_alive_header = 0;
    parser->content_length = 0;
    return HTTP_RESPONSE_OK;
  }
  if (parser->callbacks.on_headers_complete) {
    error = checked(parser, parser->callbacks.on_headers_complete(parser->user));
    if (error != HTTP_RESPONSE_OK) return error;
  }
  if (!has_body(parser) || parser->status == 101) return complete(parser);
  if (parser->chunked) {
    parser->state = HTTP_RESPONSE_CHUNK_SIZE;
    return HTTP_RESPONSE_OK;
  }
  if (parser->has_content_length) {
    if (parser->content_length == 0) return complete(parser);
    parser->remaining = parser->content_length;
    parser->state = HTTP_RESPONSE_BODY_LENGTH;
    return HTTP_RESPONSE_OK;
  }
  parser->state = HTTP_RESPONSE_BODY_UNTIL_CLOSE;
  return HTTP_RESPONSE_OK;
}

static enum http_response_error header_line(struct http_response_parser* parser, const char* text, size_t length) {
  if (length == 0) return end_of_headers(parser);
  if (is_space(text[0])) return continue_field(parser, text, length);
  enum http_response_error error = flush_field(parser);
  if (error != HTTP_RESPONSE_OK) return error;
  return start_field(parser, text, length);
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* chunk-size [ws] [; extensions]: the extensions mean nothing to us and are skipped. */
static enum http_response_error chunk_size_line(struct http_response_parser* parser, const char* text, size_t length) {
  size_t i = 0;
  uint64_t size = 0;
  for (; i < length && hex_value(text[i]) >= 0; ++i) {
    if (size >> 60) return fail(parser, HTTP_RESPONSE_BAD_CHUNK);
    size = size * 16 + (uint64_t)hex_value(text[i]);
  }
  if (i == 0) return fail(parser, HTTP_RESPONSE_BAD_CHUNK);
  while (i < length && is_space(text[i])) ++i;
  if (i < length && text[i] != ';') return fail(parser, HTTP_RESPONSE_BAD_CHUNK);
  if (size == 0) {
    parser->state = HTTP_RESPONSE_TRAILERS;
    return HTTP_RESPONSE_OK;
  }
  parser->remaining = size;
  parser->state = HTTP_RESPONSE_CHUNK_DATA;
  return HTTP_RESPONSE_OK;
}

static enum http_response_error report_line(struct http_response_parser* parser, const char* raw, size_t length) {
  if (!parser->callbacks.on_header_line) return HTTP_RESPONSE_OK;
  return checked(parser, parser->callbacks.on_header_line(parser->user, raw, length));
}

/* One complete line (raw, with its LF) in a line-oriented state. */
static enum http_response_error handle_line(struct http_response_parser* parser, const char* raw, size_t raw_length) {
  size_t length = raw_length - 1;
  if (length > 0 && raw[length - 1] == '\r') --length;
  enum http_response_error error = HTTP_RESPONSE_OK;
  switch (parser->state) {
    case HTTP_RESPONSE_STATUS_LINE:
      if ((error = report_line(parser, raw, raw_length)) != HTTP_RESPONSE_OK) return error;
      return parse_status_line(parser, raw, length);
    case HTTP_RESPONSE_HEADERS:
      if ((error = report_line(parser, raw, raw_length)) != HTTP_RESPONSE_OK) return error;
      return header_line(parser, raw, length);
    case HTTP_RESPONSE_CHUNK_SIZE:
      return chunk_size_line(parser, raw, length);
    case HTTP_RESPONSE_CHUNK_END:
      if (length != 0) return fail(parser, HTTP_RESPONSE_BAD_CHUNK);
      parser->state = HTTP_RESPONSE_CHUNK_SIZE;
      return HTTP_RESPONSE_OK;
    case HTTP_RESPONSE_TRAILERS:
      /* The blank line after the trailers is not reported (libcurl does not pass it on either). */
      if (length == 0) return complete(parser);
      return report_line(parser, raw, raw_length);
    default:
      return fail(parser, HTTP_RESPONSE_ABORTED);
  }
}

static int in_header_section(const struct http_response_parser* parser) {
  return parser->state == HTTP_RESPONSE_STATUS_LINE || parser->state == HTTP_RESPONSE_HEADERS ||
         parser->state == HTTP_RESPONSE_TRAILERS;
}

/* Collects bytes up to and including LF; returns how many of data it used. */
static size_t take_line_bytes(struct http_response_parser* parser, const char* data, size_t length,
                              enum http_response_error* error) {
  const char* newline = (const char*)memchr(data, '\n', length);
  const size_t take = newline ? (size_t)(newline - data) + 1 : length;
  if (parser->line_length + take > sizeof parser->line) {
    *error = fail(parser, HTTP_RESPONSE_HEADER_TOO_LONG);
    return take;
  }
  if (in_header_section(parser)) {
    parser->header_bytes += take;
    if (parser->header_bytes > HTTP_RESPONSE_MAX_HEADER_BYTES) {
      *error = fail(parser, HTTP_RESPONSE_HEADER_TOO_LONG);
      return take;
    }
  }
  memcpy(parser->line + parser->line_length, data, take);
  parser->line_length += take;
  if (newline) {
    const size_t line_length = parser->line_length;
    parser->line_length = 0;
    *error = handle_line(parser, parser->line, line_length);
  }
  return take;
}

static size_t take_body_bytes(struct http_response_parser* parser, const char* data, size_t length,
                              enum http_response_error* error) {
  size_t take = length;
  if (parser->state != HTTP_RESPONSE_BODY_UNTIL_CLOSE && parser->remaining < take) take = (size_t)parser->remaining;
  if (parser->callbacks.on_body) *error = checked(parser, parser->callbacks.on_body(parser->user, data, take));
  if (*error != HTTP_RESPONSE_OK || parser->state == HTTP_RESPONSE_BODY_UNTIL_CLOSE) return take;
  parser->remaining -= take;
  if (parser->remaining > 0) return take;
  if (parser->state == HTTP_RESPONSE_CHUNK_DATA)
    parser->state = HTTP_RESPONSE_CHUNK_END;
  else
    *error = complete(parser);
  return take;
}

static int in_body_data(const struct http_response_parser* parser) {
  return parser->state == HTTP_RESPONSE_BODY_LENGTH || parser->state == HTTP_RESPONSE_BODY_UNTIL_CLOSE ||
         parser->state == HTTP_RESPONSE_CHUNK_DATA;
}

enum http_response_error http_response_feed(struct http_response_parser* parser, const char* data, size_t length,
                                            size_t* consumed) {
  size_t used = 0;
  enum http_response_error error = parser->error;
  while (error == HTTP_RESPONSE_OK && used < length && parser->state != HTTP_RESPONSE_DONE) {
    const size_t before = used;
    if (in_body_data(parser))
      used += take_body_bytes(parser, data + used, length - used, &error);
    else
      used += take_line_bytes(parser, data + used, length - used, &error);
    parser->received += used - before;
  }
  if (consumed) *consumed = used;
  return error;
}

enum http_response_error http_response_finish(struct http_response_parser* parser) {
  if (parser->error != HTTP_RESPONSE_OK || parser->state == HTTP_RESPONSE_DONE) return parser->error;
  if (parser->state == HTTP_RESPONSE_BODY_UNTIL_CLOSE) {
    parser->connection_close = 1;
    return complete(parser);
  }
  return fail(parser, parser->received == 0 ? HTTP_RESPONSE_EMPTY : HTTP_RESPONSE_TRUNCATED);
}

int http_response_is_complete(const struct http_response_parser* parser) { return parser->state == HTTP_RESPONSE_DONE; }

int http_response_status(const struct http_response_parser* parser) { return parser->status; }

int http_response_keep_alive(const struct http_response_parser* parser) {
  if (parser->state != HTTP_RESPONSE_DONE || parser->connection_close || parser->status == 101) return 0;
  return parser->http_minor_version >= 1 || parser->keep_alive_header;
}

int64_t http_response_content_length(const struct http_response_parser* parser) {
  return parser->has_content_length ? (int64_t)parser->content_length : -1;
}
