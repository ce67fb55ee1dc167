/*
 * The request head libcurl would send, in libcurl's order: request line,
 * Host, User-Agent, Accept, the caller's CURLOPT_HTTPHEADER lines in their
 * order, then Content-Length and Content-Type for a body. A caller's header
 * replaces the built-in one of the same name (a caller's Host keeps Host's
 * place); "Name:" with no value removes it and "Name;" sends the header with
 * an empty value (libcurl's rules).
 */
#ifndef SOCKBRIDGE_LIBCURL_REQUEST_H
#define SOCKBRIDGE_LIBCURL_REQUEST_H

#include <stddef.h>

#include "curl/curl.h"

#ifdef __cplusplus
extern "C" {
#endif

struct request {
  const char* method;
  const char* target;     /* "/path?query" */
  const char* host;       /* the Host header value */
  const char* user_agent; /* NULL: no User-Agent header */
  const struct curl_slist* headers;
  int has_body;
  curl_off_t body_length;
};

/* The request head, allocated and NUL-terminated; *length is its size. NULL when out of memory. */
char* request_format(const struct request* request, size_t* length);

#ifdef __cplusplus
}
#endif

#endif
