/* udp_client [-c] HOST PORT MESSAGE...: sends each MESSAGE as one UDP datagram
 * to HOST:PORT (a name, IPv4 or IPv6) and prints the reply to each with its
 * sender, or says that none came within two seconds. Plain POSIX:
 * getaddrinfo, socket(SOCK_DGRAM), sendto, poll, recvfrom. With -c the socket
 * connect()s to HOST:PORT first, so it hears only that peer and learns of an
 * ICMP "port unreachable" (ECONNREFUSED), as connected UDP sockets do. */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { reply_wait_ms = 2000, max_datagram = 65507 };

static void print_sender(const struct sockaddr_storage* from) {
  char text[INET6_ADDRSTRLEN] = "?";
  unsigned port = 0;
  if (from->ss_family == AF_INET) {
    const struct sockaddr_in* v4 = (const struct sockaddr_in*)from;
    inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
    port = ntohs(v4->sin_port);
    printf("reply from %s:%u: ", text, port);
  } else {
    const struct sockaddr_in6* v6 = (const struct sockaddr_in6*)from;
    inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
    port = ntohs(v6->sin6_port);
    printf("reply from [%s]:%u: ", text, port);
  }
}

int main(int argc, char** argv) {
  const int connected = argc > 1 && strcmp(argv[1], "-c") == 0;
  if (connected) {
    --argc;
    ++argv;
  }
  if (argc < 4) {
    fprintf(stderr, "usage: udp_client [-c] HOST PORT MESSAGE...\n");
    return 2;
  }
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM};
  struct addrinfo* target = NULL;
  int status = getaddrinfo(argv[1], argv[2], &hints, &target);
  if (status != 0) {
    fprintf(stderr, "udp_client: %s: %s\n", argv[1], gai_strerror(status));
    return 1;
  }
  int fd = socket(target->ai_family, SOCK_DGRAM, 0);
  if (fd < 0) {
    perror("udp_client: socket");
    return 1;
  }
  if (connected && connect(fd, target->ai_addr, target->ai_addrlen) < 0) {
    perror("udp_client: connect");
    return 1;
  }
  static char reply[max_datagram + 1];
  int missing = 0;
  for (int i = 3; i < argc; ++i) {
    const ssize_t sent = connected ? send(fd, argv[i], strlen(argv[i]), 0)
                                   : sendto(fd, argv[i], strlen(argv[i]), 0, target->ai_addr, target->ai_addrlen);
    if (sent < 0) {
      perror("udp_client: sendto");
      return 1;
    }
    printf("sent %zu bytes: %s\n", strlen(argv[i]), argv[i]);
    struct pollfd readable = {.fd = fd, .events = POLLIN};
    if (poll(&readable, 1, reply_wait_ms) == 0) {
      printf("no reply within %d ms\n", reply_wait_ms);
      ++missing;
      continue;
    }
    struct sockaddr_storage from;
    socklen_t from_length = sizeof from;
    ssize_t got = recvfrom(fd, reply, max_datagram, 0, (struct sockaddr*)&from, &from_length);
    if (got < 0) {
      perror("udp_client: recvfrom");
      return 1;
    }
    reply[got] = '\0';
    print_sender(&from);
    printf("%s\n", reply);
  }
  fflush(stdout);
  freeaddrinfo(target);
  close(fd);
  return missing ? 1 : 0;
}
