/*
 * posix_fetch HOST PORT — plain BSD-sockets code, nothing sockbridge-specific:
 * resolves HOST with getaddrinfo, connects, sends a request, half-closes with
 * shutdown(SHUT_WR), reads the answer with poll() + read(), and reports the
 * peer with getpeername/getnameinfo. Used by tests to prove the libc layer.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: posix_fetch HOST PORT\n");
    return 2;
  }
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *found = NULL;
  int status = getaddrinfo(argv[1], argv[2], &hints, &found);
  if (status != 0) {
    fprintf(stderr, "posix_fetch: %s: %s\n", argv[1], gai_strerror(status));
    return 1;
  }
  int fd = -1;
  for (struct addrinfo* a = found; a; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
    fprintf(stderr, "posix_fetch: connect: %s\n", strerror(errno));
    close(fd);
    fd = -1;
  }
  freeaddrinfo(found);
  if (fd < 0) return 1;

  int one = 1;
  struct timeval timeout = {.tv_sec = 5};
  if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0 ||
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) != 0) {
    perror("posix_fetch: setsockopt");
    return 1;
  }
  struct sockaddr_storage peer;
  socklen_t peer_length = sizeof peer;
  char host[NI_MAXHOST], service[NI_MAXSERV];
  if (getpeername(fd, (struct sockaddr*)&peer, &peer_length) != 0 ||
      getnameinfo((struct sockaddr*)&peer, peer_length, host, sizeof host, service, sizeof service,
                  NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    perror("posix_fetch: getpeername");
    return 1;
  }
  fprintf(stderr, "posix_fetch: connected to %s port %s\n", host, service);

  const char request[] = "question from posix_fetch\n";
  if (write(fd, request, sizeof request - 1) != (ssize_t)(sizeof request - 1) || shutdown(fd, SHUT_WR) != 0) {
    perror("posix_fetch: write");
    return 1;
  }
  char buffer[4096];
  for (;;) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 5000) != 1) {
      fprintf(stderr, "posix_fetch: timed out waiting for the answer\n");
      return 1;
    }
    ssize_t got = read(fd, buffer, sizeof buffer);
    if (got < 0) {
      perror("posix_fetch: read");
      return 1;
    }
    if (got == 0) break;
    fwrite(buffer, 1, (size_t)got, stdout);
  }
  close(fd);
  return 0;
}
