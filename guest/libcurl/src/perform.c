/* curl_easy_perform: the request, and the redirects it leads to when CURLOPT_FOLLOWLOCATION is on. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "easy_handle.h"
#include "exchange.h"
#include "url.h"

static CURLcode fail(struct Curl_easy* handle, CURLcode code, const char* format, ...) {
  va_list arguments;
  va_start(arguments, format);
  vsnprintf(handle->error, sizeof handle->error, format, arguments);
  va_end(arguments);
  return code;
}

static CURLcode parse(struct Curl_easy* handle, const char* text, struct url* url) {
  const enum url_error error = url_parse(text, url);
  switch (error) {
    case URL_OK:
      return CURLE_OK;
    case URL_UNSUPPORTED_SCHEME:
      return fail(handle, CURLE_UNSUPPORTED_PROTOCOL, "Protocol \"%s\" not supported or disabled in libcurl",
                  url->scheme);
    case URL_NO_MEMORY:
      return fail(handle, CURLE_OUT_OF_MEMORY, "%s", url_error_message(error));
    default:
      return fail(handle, CURLE_URL_MALFORMAT, "%s", url_error_message(error));
  }
}

static int replace(char** field, const char* value) {
  free(*field);
  *field = value ? strdup(value) : NULL;
  return !value || *field;
}

/* The method of the first request: CURLOPT_CUSTOMREQUEST, else HEAD, POST or GET. */
static const char* initial_method(const struct easy_options* options) {
  if (options->custom_request) return options->custom_request;
  if (options->no_body) return "HEAD";
  return options->post ? "POST" : "GET";
}

/* How libcurl changes the request for the next hop: POST becomes GET after 301, 302 and 303. */
static void adapt_to_redirect(struct exchange* exchange, long status, const struct easy_options* options) {
  if (options->custom_request) return;
  const int post = strcmp(exchange->method, "POST") == 0;
  if ((post && (status == 301 || status == 302)) || (status == 303 && strcmp(exchange->method, "HEAD") != 0)) {
    exchange->method = "GET";
    exchange->body = NULL;
    exchange->body_length = 0;
  }
}

static CURLcode transfer(struct Curl_easy* handle, int64_t started) {
  const struct easy_options* options = &handle->options;
  if (!options->url) return fail(handle, CURLE_URL_MALFORMAT, "No URL set");
  struct exchange exchange = {
      .handle = handle,
      .method = initial_method(options),
      .started_ms = started,
      .deadline = options->timeout_ms ? started + options->timeout_ms : 0,
  };
  if (options->post) {
    exchange.body = options->post_fields ? options->post_fields : "";
    exchange.body_length = options->post_field_size >= 0 ? options->post_field_size : (curl_off_t)strlen(exchange.body);
  }
  char* next = strdup(options->url);
  if (!next) return CURLE_OUT_OF_MEMORY;
  FILE* verbose = easy_verbose_stream(handle);
  for (;;) {
    struct url url;
    CURLcode result = parse(handle, next, &url);
    free(next);
    if (result != CURLE_OK) return result;
    char* formatted = url_format(&url);
    const int recorded = formatted && replace(&handle->info.effective_url, formatted) &&
                         replace(&handle->info.effective_method, exchange.method);
    free(formatted);
    if (!recorded) {
      url_free(&url);
      return CURLE_OUT_OF_MEMORY;
    }
    exchange.url = &url;
    free(exchange.location);
    exchange.location = NULL;
    exchange.ignore_body = 0;
    exchange.body_received = 0;
    result = exchange_run(&exchange);
    const long status = handle->info.response_code;
    if (result != CURLE_OK || !exchange.ignore_body) {
      free(exchange.location);
      url_free(&url);
      return result;
    }
    if (options->max_redirects != -1 && handle->info.redirect_count >= options->max_redirects) {
      free(exchange.location);
      url_free(&url);
      return fail(handle, CURLE_TOO_MANY_REDIRECTS, "Maximum (%ld) redirects followed", options->max_redirects);
    }
    next = url_resolve(&url, exchange.location);
    url_free(&url);
    if (!next) {
      free(exchange.location);
      return CURLE_OUT_OF_MEMORY;
    }
    handle->info.redirect_count++;
    if (verbose) fprintf(verbose, "* Issue another request to this URL: '%s'\n", next);
    adapt_to_redirect(&exchange, status, options);
  }
}

CURLcode curl_easy_perform(CURL* handle) {
  if (!handle) return CURLE_BAD_FUNCTION_ARGUMENT;
  easy_info_reset(&handle->info);
  handle->error[0] = '\0';
  const int64_t started = deadline_now_ms();
  const CURLcode result = transfer(handle, started);
  handle->info.total_time_us = (deadline_now_ms() - started) * 1000;
  if (result == CURLE_OK) return result;
  if (!handle->error[0]) snprintf(handle->error, sizeof handle->error, "%s", curl_easy_strerror(result));
  if (handle->options.error_buffer) memcpy(handle->options.error_buffer, handle->error, CURL_ERROR_SIZE);
  FILE* verbose = easy_verbose_stream(handle);
  if (verbose) fprintf(verbose, "* %s\n", handle->error);
  return result;
}
