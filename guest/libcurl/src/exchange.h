/*
 * One HTTP request and its response on the handle's connection: reuses the
 * kept-alive connection when it goes to the same host and port and is still
 * idle (and retries once on a fresh one if the server had closed it), sends
 * the request, feeds what arrives to the response parser and hands the
 * headers and body to the application's callbacks.
 */
#ifndef SOCKBRIDGE_LIBCURL_EXCHANGE_H
#define SOCKBRIDGE_LIBCURL_EXCHANGE_H

#include <stdint.h>

#include "easy_handle.h"
#include "url.h"

struct exchange {
  struct Curl_easy* handle;
  const struct url* url;
  const char* method;
  const char* body; /* NULL: no body */
  curl_off_t body_length;
  int64_t started_ms; /* when the perform began */
  int64_t deadline;   /* 0: none */
  /* Filled in by exchange_run. */
  char* location;  /* the response's Location header, allocated */
  int ignore_body; /* a redirect being followed: its body is read and dropped */
  CURLcode callback_error;
  curl_off_t body_received;
};

/* Runs the exchange; on failure handle->error says why. Frees nothing the caller owns;
 * the caller frees exchange->location. */
CURLcode exchange_run(struct exchange* exchange);

/* Status codes libcurl follows with CURLOPT_FOLLOWLOCATION. */
int exchange_is_redirect(long status);

#endif
