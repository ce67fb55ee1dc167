/* One request/response exchange (see exchange.h). */
#include "exchange.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "deadline.h"
#include "request.h"

int exchange_is_redirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

static void explain(struct Curl_easy* handle, const char* format, ...) {
  va_list arguments;
  va_start(arguments, format);
  vsnprintf(handle->error, sizeof handle->error, format, arguments);
  va_end(arguments);
}

/* Each line of text with prefix ("> " or "< "), as libcurl's verbose output shows the wire. */
static void show_lines(FILE* verbose, const char* prefix, const char* text, size_t length) {
  while (length > 0) {
    const char* newline = memchr(text, '\n', length);
    const size_t line = newline ? (size_t)(newline - text) + 1 : length;
    fprintf(verbose, "%s%.*s", prefix, (int)line, text);
    text += line;
    length -= line;
  }
}

/* Writes through a libcurl write/header callback, or fwrite to a FILE * as libcurl's default does. */
static int deliver(curl_write_callback function, void* data, FILE* fallback, const char* bytes, size_t length) {
  if (function) return function((char*)bytes, 1, length, data) == length;
  FILE* file = data ? data : fallback;
  return !file || fwrite(bytes, 1, length, file) == length;
}

static int on_status(void* user, int http_minor_version, int status) {
  struct exchange* exchange = user;
  exchange->handle->info.response_code = status;
  exchange->handle->info.http_version = http_minor_version == 0 ? CURL_HTTP_VERSION_1_0 : CURL_HTTP_VERSION_1_1;
  return 0;
}

static int on_header_line(void* user, const char* line, size_t length) {
  struct exchange* exchange = user;
  struct Curl_easy* handle = exchange->handle;
  const struct easy_options* options = &handle->options;
  handle->info.header_size += (long)length;
  FILE* verbose = easy_verbose_stream(handle);
  if (verbose) show_lines(verbose, "< ", line, length);
  int written = deliver(options->header_function, options->header_data, NULL, line, length);
  if (written && options->include_headers)
    written = deliver(options->write_function, options->write_data, stdout, line, length);
  if (written) return 0;
  explain(handle, "Failed writing header");
  exchange->callback_error = CURLE_WRITE_ERROR;
  return 1;
}

static int replace(char** field, const char* value, size_t length) {
  char* copy = malloc(length + 1);
  if (!copy) return 1;
  memcpy(copy, value, length);
  copy[length] = '\0';
  free(*field);
  *field = copy;
  return 0;
}

static int on_header_field(void* user, const char* name, size_t name_length, const char* value, size_t value_length) {
  struct exchange* exchange = user;
  struct easy_info* info = &exchange->handle->info;
  int failed = 0;
  if (name_length == 12 && strncasecmp(name, "content-type", 12) == 0)
    failed = replace(&info->content_type, value, value_length);
  else if (name_length == 8 && strncasecmp(name, "location", 8) == 0)
    failed = replace(&exchange->location, value, value_length);
  if (!failed) return 0;
  exchange->callback_error = CURLE_OUT_OF_MEMORY;
  return 1;
}

static int on_headers_complete(void* user) {
  struct exchange* exchange = user;
  struct Curl_easy* handle = exchange->handle;
  const long status = handle->info.response_code;
  handle->info.content_length = http_response_content_length(handle->parser);
  const int redirect = exchange->location && exchange_is_redirect(status);
  if (redirect && handle->options.follow_location) {
    exchange->ignore_body = 1;
  } else if (redirect) {
    free(handle->info.redirect_url);
    handle->info.redirect_url = url_resolve(exchange->url, exchange->location);
  }
  if (!handle->options.fail_on_error || status < 400) return 0;
  explain(handle, "The requested URL returned error: %ld", status);
  exchange->callback_error = CURLE_HTTP_RETURNED_ERROR;
  return 1;
}

static int on_body(void* user, const char* data, size_t length) {
  struct exchange* exchange = user;
  if (exchange->ignore_body) return 0;
  struct Curl_easy* handle = exchange->handle;
  handle->info.size_download += (curl_off_t)length;
  while (length > 0) {
    const size_t piece = length < CURL_MAX_WRITE_SIZE ? length : CURL_MAX_WRITE_SIZE;
    if (!deliver(handle->options.write_function, handle->options.write_data, stdout, data, piece)) {
      explain(handle, "Failure writing output to destination");
      exchange->callback_error = CURLE_WRITE_ERROR;
      return 1;
    }
    data += piece;
    length -= piece;
  }
  return 0;
}

static const struct http_response_callbacks callbacks = {
    .on_status = on_status,
    .on_header_line = on_header_line,
    .on_header_field = on_header_field,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
};

/* The handle's connection to the URL's host: the kept one if it is still good, else a new one. */
static CURLcode get_connection(struct exchange* exchange, int* reused) {
  struct Curl_easy* handle = exchange->handle;
  const struct url* url = exchange->url;
  FILE* verbose = easy_verbose_stream(handle);
  struct connection* connection = &handle->connection;
  *reused = connection_reusable(connection, url->host, url->port);
  if (*reused) {
    if (verbose) fprintf(verbose, "* Re-using existing connection #%ld with host %s\n", connection->id, url->host);
    return CURLE_OK;
  }
  connection_close(connection);
  const int64_t connect_deadline =
      deadline_earlier(exchange->deadline, deadline_now_ms() + handle->options.connect_timeout_ms);
  const CURLcode result = connection_open(connection, url->host, url->port, connect_deadline, verbose, handle->error);
  if (result != CURLE_OK) return result;
  connection->id = handle->next_connection_id++;
  handle->info.num_connects++;
  if (verbose)
    fprintf(verbose, "* Connected to %s (%s) port %d (#%ld)\n", url->host, connection->ip, url->port, connection->id);
  return CURLE_OK;
}

static CURLcode send_request(struct exchange* exchange) {
  struct Curl_easy* handle = exchange->handle;
  char host[URL_MAX_HOST + 16];
  url_host_header(exchange->url, host, sizeof host);
  const struct request request = {
      .method = exchange->method,
      .target = exchange->url->target,
      .host = host,
      .user_agent = handle->options.user_agent,
      .headers = handle->options.headers,
      .has_body = exchange->body != NULL,
      .body_length = exchange->body_length,
  };
  size_t length;
  char* head = request_format(&request, &length);
  if (!head) return CURLE_OUT_OF_MEMORY;
  FILE* verbose = easy_verbose_stream(handle);
  if (verbose) fprintf(verbose, "> %s", head); /* one block, as libcurl's verbose output shows the request head */
  CURLcode result = connection_send(&handle->connection, head, length, exchange->deadline, handle->error);
  free(head);
  if (result == CURLE_OK && exchange->body && exchange->body_length > 0)
    result = connection_send(&handle->connection, exchange->body, (size_t)exchange->body_length, exchange->deadline,
                             handle->error);
  return result;
}

/* The CURLcode and message for a parser failure. */
static CURLcode parse_failure(struct exchange* exchange, enum http_response_error error) {
  struct Curl_easy* handle = exchange->handle;
  switch (error) {
    case HTTP_RESPONSE_ABORTED:
      return exchange->callback_error;
    case HTTP_RESPONSE_EMPTY:
      explain(handle, "Empty reply from server");
      return CURLE_GOT_NOTHING;
    case HTTP_RESPONSE_TRUNCATED:
      if (handle->parser->state == HTTP_RESPONSE_BODY_LENGTH)
        explain(handle, "transfer closed with %" PRIu64 " bytes remaining to read", handle->parser->remaining);
      else
        explain(handle, "transfer closed with outstanding read data remaining");
      return CURLE_PARTIAL_FILE;
    case HTTP_RESPONSE_BAD_CHUNK:
      explain(handle, "Problem in the Chunked-Encoded data");
      return CURLE_RECV_ERROR;
    case HTTP_RESPONSE_BAD_TRANSFER_ENCODING:
      explain(handle, "Unrecognized Transfer-Encoding in response");
      return CURLE_BAD_CONTENT_ENCODING;
    default:
      explain(handle, "%s", http_response_error_message(error));
      return CURLE_WEIRD_SERVER_REPLY;
  }
}

static CURLcode timed_out(struct exchange* exchange) {
  explain(exchange->handle, "Operation timed out after %" PRId64 " milliseconds with %" PRId64 " bytes received",
          deadline_now_ms() - exchange->started_ms, (int64_t)exchange->handle->info.size_download);
  return CURLE_OPERATION_TIMEDOUT;
}

/* Reads and parses until the response is complete. *leftover: bytes arrived after its end. */
static CURLcode receive_response(struct exchange* exchange, int* leftover) {
  struct Curl_easy* handle = exchange->handle;
  struct http_response_parser* parser = handle->parser;
  const int head = handle->options.no_body || strcmp(exchange->method, "HEAD") == 0;
  http_response_init(parser, &callbacks, exchange, head);
  *leftover = 0;
  while (!http_response_is_complete(parser)) {
    size_t received = 0;
    CURLcode result = connection_receive(&handle->connection, handle->receive_buffer, sizeof handle->receive_buffer,
                                         &received, exchange->deadline, handle->error);
    if (result == CURLE_OPERATION_TIMEDOUT) return timed_out(exchange);
    if (result != CURLE_OK) return result;
    size_t consumed = received;
    const enum http_response_error error =
        received == 0 ? http_response_finish(parser)
                      : http_response_feed(parser, handle->receive_buffer, received, &consumed);
    exchange->body_received += (curl_off_t)received;
    if (error != HTTP_RESPONSE_OK) return parse_failure(exchange, error);
    *leftover = consumed < received;
  }
  return CURLE_OK;
}

/* Sends and receives once; a reused connection that turns out closed before any answer is reported as such. */
static CURLcode attempt(struct exchange* exchange, int reused, int* connection_died) {
  *connection_died = 0;
  CURLcode result = send_request(exchange);
  int leftover = 0;
  if (result == CURLE_OK) result = receive_response(exchange, &leftover);
  struct Curl_easy* handle = exchange->handle;
  if (reused && exchange->body_received == 0 &&
      (result == CURLE_GOT_NOTHING || result == CURLE_SEND_ERROR || result == CURLE_RECV_ERROR)) {
    *connection_died = 1;
    return result;
  }
  FILE* verbose = easy_verbose_stream(handle);
  if (result == CURLE_OK && !leftover && http_response_keep_alive(handle->parser)) {
    if (verbose)
      fprintf(verbose, "* Connection #%ld to host %s left intact\n", handle->connection.id, exchange->url->host);
    return result;
  }
  if (verbose) fprintf(verbose, "* Closing connection %ld\n", handle->connection.id);
  connection_close(&handle->connection);
  return result;
}

CURLcode exchange_run(struct exchange* exchange) {
  struct Curl_easy* handle = exchange->handle;
  int reused = 0, connection_died = 0;
  CURLcode result = get_connection(exchange, &reused);
  if (result != CURLE_OK) return result;
  handle->info.primary_port = exchange->url->port;
  snprintf(handle->info.primary_ip, sizeof handle->info.primary_ip, "%s", handle->connection.ip);
  result = attempt(exchange, reused, &connection_died);
  if (!connection_died) return result;
  FILE* verbose = easy_verbose_stream(handle);
  if (verbose) fprintf(verbose, "* Connection died, retrying a fresh connect\n");
  connection_close(&handle->connection);
  handle->info.header_size = 0;
  if ((result = get_connection(exchange, &reused)) != CURLE_OK) return result;
  snprintf(handle->info.primary_ip, sizeof handle->info.primary_ip, "%s", handle->connection.ip);
  return attempt(exchange, 0, &connection_died);
}
