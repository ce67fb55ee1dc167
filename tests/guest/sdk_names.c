// The names every porter hits, each doing what POSIX says in a guest
// (tests/node/guest_sdk.test.js runs it): sockaddr_un compiles and AF_UNIX is
// refused, SOL_IP options are refused with ENOPROTOOPT, POLLPRI can be asked
// for, gethostname, syslog to stderr, if_nametoindex, and ioctl(FIONREAD)
// counts the bytes waiting on a connected socket. Argument: a TCP port on
// 127.0.0.1 whose server sends "0123456789" and waits.
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  struct sockaddr_un local;
  memset(&local, 0, sizeof local);
  local.sun_family = AF_UNIX;
  strncpy(local.sun_path, "/run/app.sock", sizeof local.sun_path - 1);
  const int unix_fd = socket(AF_UNIX, SOCK_STREAM, 0);
  printf("socket(AF_UNIX): %d %s\n", unix_fd, unix_fd < 0 ? strerror(errno) : "");

  char host[64];
  printf("gethostname: %d %s\n", gethostname(host, sizeof host), host);
  printf("if_nametoindex: %u %s\n", if_nametoindex("eth0"), strerror(errno));

  openlog("sdk_names", LOG_PID, LOG_DAEMON);
  syslog(LOG_NOTICE, "logged %d", 42);
  setlogmask(LOG_UPTO(LOG_WARNING));
  syslog(LOG_DEBUG, "masked out");

  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in peer = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1]))};
  inet_pton(AF_INET, "127.0.0.1", &peer.sin_addr);
  if (connect(fd, (struct sockaddr*)&peer, sizeof peer) != 0) return perror("connect"), 1;
  const int tos = 0x10;
  const int set = setsockopt(fd, SOL_IP, IP_TOS, &tos, sizeof tos);
  printf("setsockopt(SOL_IP, IP_TOS): %d %s\n", set, set < 0 ? strerror(errno) : "");

  struct pollfd wait = {.fd = fd, .events = POLLIN | POLLPRI};
  const int ready = poll(&wait, 1, 5000);
  printf("poll: %d in=%d pri=%d\n", ready, !!(wait.revents & POLLIN), !!(wait.revents & POLLPRI));
  /* The server's 10 bytes may arrive in more than one piece: wait for all of them. */
  int waiting = 0;
  for (int tries = 0; tries < 100 && waiting < 10; ++tries) {
    if (ioctl(fd, FIONREAD, &waiting) != 0) return perror("ioctl"), 1;
    if (waiting < 10) usleep(20000);
  }
  printf("FIONREAD: %d\n", waiting);
  char buffer[16];
  printf("recv: %zd\n", recv(fd, buffer, sizeof buffer, 0));
  close(fd);
  return 0;
}
