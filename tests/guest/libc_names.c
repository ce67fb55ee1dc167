/*
 * libc_names — unit-level checks of the libc layer's names that need no peer:
 * service and protocol tables, IPv4/IPv6 text helpers, shutdown() numbering,
 * fcntl/ioctl non-blocking flags, close() on sockets, argument errors.
 * Prints each failed check and exits with the number of failures.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int checks, failures;

#define CHECK(condition)                                                                         \
  do {                                                                                           \
    ++checks;                                                                                    \
    if (!(condition)) {                                                                          \
      ++failures;                                                                                \
      printf("FAIL line %d: %s (errno %d: %s)\n", __LINE__, #condition, errno, strerror(errno)); \
    }                                                                                            \
  } while (0)

static void services_and_protocols(void) {
  struct servent* finger = getservbyname("finger", "tcp");
  CHECK(finger && finger->s_port == htons(79) && strcmp(finger->s_proto, "tcp") == 0);
  struct servent* http = getservbyname("http", NULL);
  CHECK(http && ntohs((uint16_t)http->s_port) == 80);
  struct servent* smtp = getservbyport(htons(25), "tcp");
  CHECK(smtp && strcmp(smtp->s_name, "smtp") == 0);
  CHECK(getservbyname("no-such-service", "tcp") == NULL);
  CHECK(getservbyname("http", "sctp") == NULL);

  struct protoent* tcp = getprotobyname("tcp");
  CHECK(tcp && tcp->p_proto == IPPROTO_TCP);
  struct protoent* udp = getprotobynumber(IPPROTO_UDP);
  CHECK(udp && strcmp(udp->p_name, "udp") == 0);
  CHECK(getprotobyname("no-such-protocol") == NULL);

  struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *found = NULL;
  CHECK(getaddrinfo("127.0.0.1", "finger", &hints, &found) == 0 && found &&
        ((struct sockaddr_in*)found->ai_addr)->sin_port == htons(79));
  if (found) freeaddrinfo(found);
}

static void address_text(void) {
  CHECK(inet_addr("127.0.0.1") == htonl(INADDR_LOOPBACK));
  CHECK(inet_addr("not an address") == INADDR_NONE);
  struct in_addr address = {.s_addr = htonl(0xc0000201)};
  CHECK(strcmp(inet_ntoa(address), "192.0.2.1") == 0);
  struct in6_addr v6;
  char text[INET6_ADDRSTRLEN];
  CHECK(inet_pton(AF_INET6, "2001:db8::1", &v6) == 1 && inet_ntop(AF_INET6, &v6, text, sizeof text) &&
        strcmp(text, "2001:db8::1") == 0);

  struct sockaddr_in6 peer = {.sin6_family = AF_INET6, .sin6_port = htons(8080), .sin6_addr = in6addr_loopback};
  char host[NI_MAXHOST], service[NI_MAXSERV];
  CHECK(getnameinfo((struct sockaddr*)&peer, sizeof peer, host, sizeof host, service, sizeof service,
                    NI_NUMERICHOST | NI_NUMERICSERV) == 0 &&
        strcmp(host, "::1") == 0 && strcmp(service, "8080") == 0);
}

static void socket_calls(void) {
  CHECK(SHUT_RD == 0 && SHUT_WR == 1 && SHUT_RDWR == 2 && PF_INET == AF_INET && PF_INET6 == AF_INET6);

  int fd = socket(PF_INET, SOCK_STREAM, 0);
  CHECK(fd >= 3);
  CHECK((fcntl(fd, F_GETFL) & O_NONBLOCK) == 0);
  CHECK(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0 && (fcntl(fd, F_GETFL) & O_NONBLOCK));
  int off = 0;
  CHECK(ioctl(fd, FIONBIO, &off) == 0 && (fcntl(fd, F_GETFL) & O_NONBLOCK) == 0);
  int on = 1;
  CHECK(ioctl(fd, FIONBIO, &on) == 0 && (fcntl(fd, F_GETFL) & O_NONBLOCK));

  errno = 0;
  CHECK(shutdown(fd, 7) == -1 && errno == EINVAL);
  errno = 0;
  CHECK(shutdown(fd, SHUT_WR) == -1 && errno == ENOTCONN);
  errno = 0;
  CHECK(accept4(fd, NULL, NULL, 0x40000000) == -1 && errno == EINVAL);
  char byte = 'x';
  errno = 0;
  CHECK(write(fd, &byte, 1) == -1 && errno == ENOTCONN);

  CHECK(close(fd) == 0);
  errno = 0;
  CHECK(close(fd) == -1 && errno == EBADF);
}

int main(void) {
  services_and_protocols();
  address_text();
  socket_calls();
  printf("libc_names: %d of %d checks passed\n", checks - failures, checks);
  return failures;
}
