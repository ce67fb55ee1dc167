/*
 * http_client IP PORT PATH — fetches PATH from an HTTP server over a real TCP
 * connection and prints the whole response (status line, headers, body).
 *
 * Written against the raw import ABI (posix_sockets.h, wasm_sock_*), as the
 * seed demo was. IPv4 and IPv6 literals are accepted.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "posix_sockets.h"

static int fail(const char *what, int32_t result) {
  fprintf(stderr, "http_client: %s: %s\n", what, strerror((int)-result));
  return 1;
}

/* Fills addr from an IP literal; returns its length or 0 if text is not one. */
static uint32_t parse_address(const char *text, uint16_t port, struct sockaddr_in6 *storage) {
  memset(storage, 0, sizeof *storage);
  struct sockaddr_in *v4 = (struct sockaddr_in *)storage;
  if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    return sizeof *v4;
  }
  if (inet_pton(AF_INET6, text, &storage->sin6_addr) == 1) {
    storage->sin6_family = AF_INET6;
    storage->sin6_port = htons(port);
    return sizeof *storage;
  }
  return 0;
}

static int send_all(int32_t fd, const char *data, size_t length) {
  while (length > 0) {
    int32_t sent = wasm_sock_send(fd, data, (uint32_t)length, 0);
    if (sent < 0) return sent;
    data += sent;
    length -= (size_t)sent;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: http_client IP PORT PATH\n");
    return 2;
  }
  const char *host = argv[1];
  long port = strtol(argv[2], NULL, 10);
  if (port <= 0 || port > 65535) {
    fprintf(stderr, "http_client: bad port '%s'\n", argv[2]);
    return 2;
  }
  struct sockaddr_in6 address;
  uint32_t address_length = parse_address(host, (uint16_t)port, &address);
  if (address_length == 0) {
    fprintf(stderr, "http_client: '%s' is not an IPv4 or IPv6 address\n", host);
    return 2;
  }

  int32_t fd = wasm_sock_socket(((struct sockaddr *)&address)->sa_family, SOCK_STREAM, 0);
  if (fd < 0) return fail("socket", fd);
  int32_t result = wasm_sock_connect(fd, &address, address_length);
  if (result < 0) {
    fprintf(stderr, "http_client: connect to %s port %ld: %s\n", host, port, strerror(-result));
    wasm_sock_close(fd);
    return 1;
  }

  char request[1024];
  const char *bracket_open = address.sin6_family == AF_INET6 ? "[" : "";
  const char *bracket_close = address.sin6_family == AF_INET6 ? "]" : "";
  int request_length = snprintf(request, sizeof request,
                                "GET %s HTTP/1.1\r\nHost: %s%s%s:%ld\r\n"
                                "User-Agent: sockbridge-http_client\r\nConnection: close\r\n\r\n",
                                argv[3], bracket_open, host, bracket_close, port);
  if (request_length < 0 || (size_t)request_length >= sizeof request) {
    fprintf(stderr, "http_client: path too long\n");
    return 2;
  }
  result = send_all(fd, request, (size_t)request_length);
  if (result < 0) return fail("send", result);

  char buffer[16384];
  for (;;) {
    int32_t received = wasm_sock_recv(fd, buffer, sizeof buffer, 0);
    if (received < 0) return fail("recv", received);
    if (received == 0) break;
    fwrite(buffer, 1, (size_t)received, stdout);
  }
  fflush(stdout);
  wasm_sock_close(fd);
  return 0;
}
