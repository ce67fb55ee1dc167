/* curl_easy_setopt: each option's argument read with its libcurl type. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "easy_handle.h"

/* Replaces *field with a copy of value (NULL clears it). */
static CURLcode set_string(char** field, const char* value) {
  char* copy = NULL;
  if (value && !(copy = strdup(value))) return CURLE_OUT_OF_MEMORY;
  free(*field);
  *field = copy;
  return CURLE_OK;
}

/* A timeout in value * scale milliseconds; 0 means when_zero (libcurl: "none" or "the default"). */
static CURLcode set_timeout(long* field, long value, long scale, long when_zero) {
  if (value < 0) return CURLE_BAD_FUNCTION_ARGUMENT;
  *field = value ? value * scale : when_zero;
  return CURLE_OK;
}

static CURLcode copy_post_fields(struct easy_options* options, const char* data) {
  free(options->copied_post_fields);
  options->copied_post_fields = NULL;
  options->post_fields = NULL;
  if (!data) return CURLE_OK;
  /* libcurl copies POSTFIELDSIZE bytes when it was set before, else up to the NUL. */
  const size_t size = options->post_field_size >= 0 ? (size_t)options->post_field_size : strlen(data);
  options->copied_post_fields = malloc(size + 1);
  if (!options->copied_post_fields) return CURLE_OUT_OF_MEMORY;
  memcpy(options->copied_post_fields, data, size);
  options->copied_post_fields[size] = '\0';
  options->post_fields = options->copied_post_fields;
  options->post = 1;
  return CURLE_OK;
}

static CURLcode set_long(struct easy_options* options, CURLoption option, long value) {
  switch (option) {
    case CURLOPT_TIMEOUT:
      return set_timeout(&options->timeout_ms, value, 1000, 0);
    case CURLOPT_TIMEOUT_MS:
      return set_timeout(&options->timeout_ms, value, 1, 0);
    case CURLOPT_CONNECTTIMEOUT:
      return set_timeout(&options->connect_timeout_ms, value, 1000, EASY_DEFAULT_CONNECT_TIMEOUT_MS);
    case CURLOPT_CONNECTTIMEOUT_MS:
      return set_timeout(&options->connect_timeout_ms, value, 1, EASY_DEFAULT_CONNECT_TIMEOUT_MS);
    case CURLOPT_VERBOSE:
      options->verbose = value != 0;
      return CURLE_OK;
    case CURLOPT_HEADER:
      options->include_headers = value != 0;
      return CURLE_OK;
    case CURLOPT_NOBODY:
      options->no_body = value != 0;
      if (options->no_body) options->post = 0;
      return CURLE_OK;
    case CURLOPT_FAILONERROR:
      options->fail_on_error = value != 0;
      return CURLE_OK;
    case CURLOPT_POST:
      options->post = value != 0;
      if (options->post) options->no_body = 0;
      return CURLE_OK;
    case CURLOPT_HTTPGET:
      if (value) options->post = options->no_body = 0;
      return CURLE_OK;
    case CURLOPT_FOLLOWLOCATION:
      options->follow_location = value != 0;
      return CURLE_OK;
    case CURLOPT_MAXREDIRS:
      if (value < -1) return CURLE_BAD_FUNCTION_ARGUMENT;
      options->max_redirects = value;
      return CURLE_OK;
    case CURLOPT_POSTFIELDSIZE:
      if (value < -1) return CURLE_BAD_FUNCTION_ARGUMENT;
      options->post_field_size = value;
      return CURLE_OK;
    /* No signals and no progress meter here; Nagle is always off. */
    case CURLOPT_NOSIGNAL:
    case CURLOPT_NOPROGRESS:
    case CURLOPT_TCP_NODELAY:
      return CURLE_OK;
    default:
      return CURLE_UNKNOWN_OPTION;
  }
}

static CURLcode set_pointer(struct easy_options* options, CURLoption option, void* value) {
  switch (option) {
    case CURLOPT_URL:
      return set_string(&options->url, value);
    case CURLOPT_USERAGENT:
      return set_string(&options->user_agent, value);
    case CURLOPT_CUSTOMREQUEST:
      return set_string(&options->custom_request, value);
    case CURLOPT_WRITEDATA:
      options->write_data = value;
      return CURLE_OK;
    case CURLOPT_HEADERDATA:
      options->header_data = value;
      return CURLE_OK;
    case CURLOPT_HTTPHEADER:
      options->headers = value;
      return CURLE_OK;
    case CURLOPT_ERRORBUFFER:
      options->error_buffer = value;
      return CURLE_OK;
    case CURLOPT_STDERR:
      options->stderr_stream = value;
      return CURLE_OK;
    case CURLOPT_PRIVATE:
      options->private_data = value;
      return CURLE_OK;
    case CURLOPT_POSTFIELDS:
      free(options->copied_post_fields);
      options->copied_post_fields = NULL;
      options->post_fields = value;
      options->post = 1;
      options->no_body = 0;
      return CURLE_OK;
    case CURLOPT_COPYPOSTFIELDS:
      return copy_post_fields(options, value);
    default:
      return CURLE_UNKNOWN_OPTION;
  }
}

static CURLcode set_function(struct easy_options* options, CURLoption option, curl_write_callback value) {
  switch (option) {
    case CURLOPT_WRITEFUNCTION:
      options->write_function = value;
      return CURLE_OK;
    case CURLOPT_HEADERFUNCTION:
      options->header_function = value;
      return CURLE_OK;
    default:
      return CURLE_UNKNOWN_OPTION;
  }
}

CURLcode curl_easy_setopt(CURL* handle, CURLoption option, ...) {
  if (!handle) return CURLE_BAD_FUNCTION_ARGUMENT;
  struct easy_options* options = &handle->options;
  va_list argument;
  va_start(argument, option);
  CURLcode result;
  if (option < CURLOPTTYPE_OBJECTPOINT) {
    result = set_long(options, option, va_arg(argument, long));
  } else if (option < CURLOPTTYPE_FUNCTIONPOINT) {
    result = set_pointer(options, option, va_arg(argument, void*));
  } else if (option < CURLOPTTYPE_OFF_T) {
    result = set_function(options, option, va_arg(argument, curl_write_callback));
  } else if (option == CURLOPT_POSTFIELDSIZE_LARGE) {
    const curl_off_t size = va_arg(argument, curl_off_t);
    result = size < -1 ? CURLE_BAD_FUNCTION_ARGUMENT : CURLE_OK;
    if (result == CURLE_OK) options->post_field_size = size;
  } else {
    result = CURLE_UNKNOWN_OPTION;
  }
  va_end(argument);
  return result;
}
