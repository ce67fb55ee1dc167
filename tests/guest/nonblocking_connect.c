/*
 * nonblocking_connect IP PORT MESSAGE — the POSIX way to connect without
 * blocking, as event loops do it: O_NONBLOCK with fcntl, connect() →
 * EINPROGRESS, poll() for POLLOUT, getsockopt(SO_ERROR) for the outcome;
 * then, if connected, MESSAGE to the peer and its echo back, still
 * non-blocking (EAGAIN until the echo is there). Each step is one line on
 * stdout, so a test can check them in order. Exit 0 if the echo came back,
 * 1 if the connect failed, 2 for anything unexpected.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { poll_timeout_ms = 10000 };

static const char* errno_name(int value) {
  switch (value) {
    case 0:
      return "0";
    case EAGAIN:
      return "EAGAIN";
    case EINPROGRESS:
      return "EINPROGRESS";
    case ECONNREFUSED:
      return "ECONNREFUSED";
    case ETIMEDOUT:
      return "ETIMEDOUT";
    case EPERM:
      return "EPERM";
    default:
      return strerror(value);
  }
}

/* Waits until fd reports one of events (or an error); returns revents, 0 on timeout. */
static int wait_for(int fd, short events) {
  struct pollfd entry = {.fd = fd, .events = events};
  const int ready = poll(&entry, 1, poll_timeout_ms);
  if (ready < 0) {
    perror("nonblocking_connect: poll");
    return 0;
  }
  return ready == 0 ? 0 : entry.revents;
}

static int send_all(int fd, const char* message, size_t length) {
  size_t sent = 0;
  while (sent < length) {
    const ssize_t n = send(fd, message + sent, length - sent, 0);
    if (n > 0) {
      sent += (size_t)n;
    } else if (n < 0 && errno == EAGAIN) {
      if (!(wait_for(fd, POLLOUT) & POLLOUT)) return -1;
    } else {
      perror("nonblocking_connect: send");
      return -1;
    }
  }
  return 0;
}

static int receive_echo(int fd, char* echo, size_t length) {
  size_t received = 0;
  while (received < length) {
    const ssize_t n = recv(fd, echo + received, length - received, 0);
    if (n > 0) {
      received += (size_t)n;
    } else if (n < 0 && errno == EAGAIN) {
      if (!(wait_for(fd, POLLIN) & POLLIN)) return -1;
    } else {
      fprintf(stderr, "nonblocking_connect: recv after %zu bytes: %s\n", received,
              n == 0 ? "end of stream" : strerror(errno));
      return -1;
    }
  }
  return 0;
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: nonblocking_connect IP PORT MESSAGE\n");
    return 2;
  }
  struct sockaddr_in target = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[2]))};
  if (inet_pton(AF_INET, argv[1], &target.sin_addr) != 1) {
    fprintf(stderr, "nonblocking_connect: %s is not an IPv4 address\n", argv[1]);
    return 2;
  }
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  const int flags = fd < 0 ? -1 : fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
    perror("nonblocking_connect: socket/fcntl");
    return 2;
  }
  printf("nonblocking: %s\n", (fcntl(fd, F_GETFL) & O_NONBLOCK) ? "yes" : "no");

  const int connected = connect(fd, (struct sockaddr*)&target, sizeof target);
  printf("connect: %s\n", connected == 0 ? "0" : errno_name(errno));
  if (connected != 0 && errno != EINPROGRESS) return 2;

  const int revents = wait_for(fd, POLLOUT);
  printf("poll: %s%s%s\n", (revents & POLLOUT) ? "POLLOUT" : "-", (revents & POLLERR) ? " POLLERR" : "",
         (revents & POLLHUP) ? " POLLHUP" : "");
  int failure = -1;
  socklen_t length = sizeof failure;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length) != 0) {
    perror("nonblocking_connect: getsockopt");
    return 2;
  }
  printf("SO_ERROR: %s\n", errno_name(failure));
  if (failure != 0) {
    close(fd);
    return 1;
  }

  char echo[256];
  const ssize_t early = recv(fd, echo, sizeof echo, 0);
  printf("recv before sending: %s\n", early < 0 ? errno_name(errno) : "data");
  const size_t message_length = strlen(argv[3]);
  if (message_length > sizeof echo || send_all(fd, argv[3], message_length) != 0 ||
      receive_echo(fd, echo, message_length) != 0)
    return 2;
  printf("echo: %.*s\n", (int)message_length, echo);
  close(fd);
  return 0;
}
