/* udp_echo_server [-6] PORT: binds a UDP socket to PORT on the relay host
 * (0.0.0.0, or :: with -6; PORT 0 lets the relay choose), prints the port it
 * got, then answers every datagram with "echo:" + datagram, to its sender,
 * and prints who sent what. A datagram "quit" ends it (exit 0). Plain POSIX:
 * socket, bind, getsockname, recvfrom, sendto — the shape of a DNS or NTP
 * server. Run by tests/node/udp_server.test.js. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { max_datagram = 65507 };

static void print_address(const struct sockaddr_storage* address) {
  char text[INET6_ADDRSTRLEN] = "?";
  if (address->ss_family == AF_INET) {
    const struct sockaddr_in* v4 = (const struct sockaddr_in*)address;
    inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
    printf("%s:%u", text, ntohs(v4->sin_port));
  } else {
    const struct sockaddr_in6* v6 = (const struct sockaddr_in6*)address;
    inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
    printf("[%s]:%u", text, ntohs(v6->sin6_port));
  }
}

int main(int argc, char** argv) {
  const int ipv6 = argc > 1 && strcmp(argv[1], "-6") == 0;
  if (argc != 2 + ipv6) {
    fprintf(stderr, "usage: udp_echo_server [-6] PORT\n");
    return 2;
  }
  const int port = atoi(argv[1 + ipv6]);
  int fd = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) {
    perror("udp_echo_server: socket");
    return 1;
  }
  struct sockaddr_storage local = {0};
  socklen_t local_length;
  if (ipv6) {
    struct sockaddr_in6* any = (struct sockaddr_in6*)&local;
    any->sin6_family = AF_INET6;
    any->sin6_port = htons((unsigned short)port);
    any->sin6_addr = in6addr_any;
    local_length = sizeof *any;
  } else {
    struct sockaddr_in* any = (struct sockaddr_in*)&local;
    any->sin_family = AF_INET;
    any->sin_port = htons((unsigned short)port);
    any->sin_addr.s_addr = htonl(INADDR_ANY);
    local_length = sizeof *any;
  }
  if (bind(fd, (struct sockaddr*)&local, local_length) < 0) {
    perror("udp_echo_server: bind");
    return 1;
  }
  local_length = sizeof local;
  if (getsockname(fd, (struct sockaddr*)&local, &local_length) < 0) {
    perror("udp_echo_server: getsockname");
    return 1;
  }
  printf("bound to ");
  print_address(&local);
  printf("\n");
  fflush(stdout);

  static char datagram[max_datagram + 6] = "echo:";
  for (;;) {
    struct sockaddr_storage from;
    socklen_t from_length = sizeof from;
    ssize_t got = recvfrom(fd, datagram + 5, max_datagram, 0, (struct sockaddr*)&from, &from_length);
    if (got < 0) {
      perror("udp_echo_server: recvfrom");
      return 1;
    }
    datagram[5 + got] = '\0';
    printf("from ");
    print_address(&from);
    printf(": %s\n", datagram + 5);
    fflush(stdout);
    if (strcmp(datagram + 5, "quit") == 0) break;
    if (sendto(fd, datagram, (size_t)got + 5, 0, (struct sockaddr*)&from, from_length) < 0) {
      perror("udp_echo_server: sendto");
      return 1;
    }
  }
  close(fd);
  return 0;
}
