/*
 * http_client HOST PORT PATH — fetches PATH from an HTTP/1.1 server over a
 * real TCP connection and prints the whole response (status line, headers,
 * body). HOST is a name (resolved by the relay) or an IPv4/IPv6 literal.
 *
 * Written against the raw import ABI (posix_sockets.h, wasm_sock_*), as the
 * seed demo was.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "posix_sockets.h"

enum { max_addresses = 8 };

static int fail(const char* what, int32_t result) {
  fprintf(stderr, "http_client: %s: %s\n", what, strerror((int)-result));
  return 1;
}

static int send_all(int32_t fd, const char* data, size_t length) {
  while (length > 0) {
    int32_t sent = wasm_sock_send(fd, data, (uint32_t)length, 0);
    if (sent < 0) return sent;
    data += sent;
    length -= (size_t)sent;
  }
  return 0;
}

/* Connects to the first address that accepts; returns the fd or -errno of the last failure. */
static int32_t connect_any(unsigned char (*addresses)[SB_SOCKADDR_IN6_SIZE], int32_t count, uint16_t port) {
  int32_t result = -SB_EHOSTUNREACH;
  for (int32_t i = 0; i < count; ++i) {
    struct sockaddr_in6* address = (struct sockaddr_in6*)addresses[i];
    address->sin6_port = htons(port); /* sin_port and sin6_port share an offset */
    const int v6 = address->sin6_family == AF_INET6;
    int32_t fd = wasm_sock_socket(address->sin6_family, SOCK_STREAM, 0);
    if (fd < 0) return fd;
    result = wasm_sock_connect(fd, address, v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
    if (result == 0) return fd;
    wasm_sock_close(fd);
  }
  return result;
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: http_client HOST PORT PATH\n");
    return 2;
  }
  const char* host = argv[1];
  long port = strtol(argv[2], NULL, 10);
  if (port <= 0 || port > 65535) {
    fprintf(stderr, "http_client: bad port '%s'\n", argv[2]);
    return 2;
  }

  unsigned char addresses[max_addresses][SB_SOCKADDR_IN6_SIZE];
  int32_t count = wasm_sock_getaddrinfo(host, (uint32_t)strlen(host), SB_AF_UNSPEC, addresses, max_addresses);
  if (count < 0) {
    const char* why = count == -SB_ENOENT ? "no such host" : strerror(-count);
    fprintf(stderr, "http_client: cannot resolve %s: %s\n", host, why);
    return 1;
  }
  int32_t fd = connect_any(addresses, count, (uint16_t)port);
  if (fd < 0) {
    fprintf(stderr, "http_client: connect to %s port %ld: %s\n", host, port, strerror(-fd));
    return 1;
  }

  char request[1024];
  const int literal_v6 = strchr(host, ':') != NULL;
  int request_length = snprintf(request, sizeof request,
                                "GET %s HTTP/1.1\r\nHost: %s%s%s:%ld\r\n"
                                "User-Agent: sockbridge-http_client\r\nConnection: close\r\n\r\n",
                                argv[3], literal_v6 ? "[" : "", host, literal_v6 ? "]" : "", port);
  if (request_length < 0 || (size_t)request_length >= sizeof request) {
    fprintf(stderr, "http_client: path too long\n");
    return 2;
  }
  int32_t result = send_all(fd, request, (size_t)request_length);
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
