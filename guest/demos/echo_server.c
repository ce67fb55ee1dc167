/*
 * echo_server PORT [MAX_CLIENTS] — accepts TCP connections on PORT (opened
 * by the relay on its host) and echoes what each client sends, serving many
 * clients at once with poll(). Logs every connect and disconnect; stops after
 * MAX_CLIENTS clients have come and gone (default: never).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "posix_sockets.h"

enum { max_clients = 64 };

static void describe(const struct sockaddr_in6* address, char* text, size_t size) {
  char ip[INET6_ADDRSTRLEN] = "?";
  if (address->sin6_family == AF_INET)
    inet_ntop(AF_INET, &((const struct sockaddr_in*)address)->sin_addr, ip, sizeof ip);
  else
    inet_ntop(AF_INET6, &address->sin6_addr, ip, sizeof ip);
  snprintf(text, size, "%s port %u", ip, ntohs(address->sin6_port));
}

/* Sends all of data, or returns a negative errno. */
static int32_t send_all(int32_t fd, const char* data, int32_t length) {
  while (length > 0) {
    int32_t sent = wasm_sock_send(fd, data, (uint32_t)length, 0);
    if (sent < 0) return sent;
    data += sent;
    length -= sent;
  }
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: echo_server PORT [MAX_CLIENTS]\n");
    return 2;
  }
  long port = strtol(argv[1], NULL, 10);
  long stop_after = argc == 3 ? strtol(argv[2], NULL, 10) : 0;
  if (port < 0 || port > 65535) {
    fprintf(stderr, "echo_server: bad port '%s'\n", argv[1]);
    return 2;
  }

  int32_t listener = wasm_sock_socket(SB_AF_INET, SB_SOCK_STREAM, 0);
  struct sockaddr_in any = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  int32_t result = listener < 0 ? listener : wasm_sock_bind(listener, &any, sizeof any);
  if (result >= 0) result = wasm_sock_listen(listener, 16);
  if (result < 0) {
    fprintf(stderr, "echo_server: cannot listen on port %ld: %s\n", port, strerror(-result));
    return 1;
  }
  struct sockaddr_in6 local;
  uint32_t local_length = sizeof local;
  wasm_sock_getsockname(listener, &local, &local_length);
  char where[96];
  describe(&local, where, sizeof where);
  printf("echo_server: listening on %s\n", where);
  fflush(stdout);

  struct pollfd fds[max_clients + 1] = {{.fd = listener, .events = POLLIN}};
  int clients = 0;
  long served = 0;
  while (stop_after == 0 || served < stop_after || clients > 0) {
    int32_t ready = wasm_sock_poll(fds, (uint32_t)clients + 1, -1);
    if (ready < 0) {
      fprintf(stderr, "echo_server: poll: %s\n", strerror(-ready));
      return 1;
    }
    if (fds[0].revents & POLLIN) {
      struct sockaddr_in6 peer;
      uint32_t peer_length = sizeof peer;
      int32_t fd = wasm_sock_accept(listener, &peer, &peer_length);
      if (fd >= 0 && clients < max_clients) {
        describe(&peer, where, sizeof where);
        printf("echo_server: client %d connected from %s\n", (int)fd, where);
        fds[++clients] = (struct pollfd){.fd = fd, .events = POLLIN};
      } else if (fd >= 0) {
        wasm_sock_close(fd);
      }
    }
    for (int i = 1; i <= clients; ++i) {
      if (!fds[i].revents) continue;
      char buffer[4096];
      int32_t got = wasm_sock_recv(fds[i].fd, buffer, sizeof buffer, 0);
      if (got > 0 && send_all(fds[i].fd, buffer, got) == 0) continue;
      printf("echo_server: client %d disconnected\n", (int)fds[i].fd);
      wasm_sock_close(fds[i].fd);
      fds[i] = fds[clients--];
      --i;
      ++served;
    }
    fflush(stdout);
  }
  wasm_sock_close(listener);
  return 0;
}
