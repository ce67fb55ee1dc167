/*
 * One TCP connection of an easy handle, over the POSIX socket API:
 * resolution (getaddrinfo), a non-blocking connect to each address in turn,
 * and send/receive that wait with poll() so every step honours a deadline.
 * Errors come back as CURLcode with a libcurl-style message in the error text.
 */
#ifndef SOCKBRIDGE_LIBCURL_CONNECTION_H
#define SOCKBRIDGE_LIBCURL_CONNECTION_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "curl/curl.h"
#include "url.h"

struct connection {
  int fd;  /* -1: none */
  long id; /* libcurl's "#N" in verbose output */
  char host[URL_MAX_HOST];
  int port;
  char ip[64]; /* the address connected to, numeric */
  int64_t connected_at_ms;
};

#define CONNECTION_NONE \
  { .fd = -1 }

/* Resolves host and connects to port before connect_deadline (0: none).
 * verbose (may be NULL) gets libcurl's "*   Trying" lines. error gets
 * CURL_ERROR_SIZE bytes of explanation on failure. */
CURLcode connection_open(struct connection* connection, const char* host, int port, int64_t connect_deadline,
                         FILE* verbose, char error[CURL_ERROR_SIZE]);
/* The connection is open to host:port and no bytes or end of file are waiting on it. */
int connection_reusable(const struct connection* connection, const char* host, int port);
/* Sends all of data before deadline (0: none). */
CURLcode connection_send(struct connection* connection, const char* data, size_t length, int64_t deadline,
                         char error[CURL_ERROR_SIZE]);
/* Receives up to capacity bytes before deadline; *received is 0 at end of file. */
CURLcode connection_receive(struct connection* connection, char* buffer, size_t capacity, size_t* received,
                            int64_t deadline, char error[CURL_ERROR_SIZE]);
void connection_close(struct connection* connection);

#endif
