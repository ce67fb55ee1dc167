/* A TCP connection with deadlines over POSIX sockets (see connection.h). */
#include "connection.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "deadline.h"

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

/* Waits until fd is ready for events or the deadline passes; 0 when ready, else ETIMEDOUT or errno. */
static int wait_for(int fd, short events, int64_t deadline) {
  for (;;) {
    struct pollfd p = {.fd = fd, .events = events};
    const int ready = poll(&p, 1, deadline_poll_timeout(deadline));
    if (ready > 0) return 0;
    if (ready == 0) return ETIMEDOUT;
    if (errno != EINTR) return errno;
  }
}

/* Connects fd to address before deadline; 0 or the errno of the failure. */
static int connect_before(int fd, const struct addrinfo* address, int64_t deadline) {
  if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) return errno;
  if (connect(fd, address->ai_addr, address->ai_addrlen) == 0) return 0;
  if (errno != EINPROGRESS) return errno;
  const int waited = wait_for(fd, POLLOUT, deadline);
  if (waited != 0) return waited;
  int failure = 0;
  socklen_t length = sizeof failure;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length) != 0) return errno;
  return failure;
}

static void numeric_address(const struct addrinfo* address, char* out, size_t size) {
  if (getnameinfo(address->ai_addr, address->ai_addrlen, out, (socklen_t)size, NULL, 0, NI_NUMERICHOST) != 0)
    snprintf(out, size, "?");
}

CURLcode connection_open(struct connection* connection, const char* host, int port, int64_t connect_deadline,
                         FILE* verbose, char error[CURL_ERROR_SIZE]) {
  const int64_t started = deadline_now_ms();
  char service[8];
  snprintf(service, sizeof service, "%d", port);
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *found = NULL;
  if (getaddrinfo(host, service, &hints, &found) != 0) {
    snprintf(error, CURL_ERROR_SIZE, "Could not resolve host: %s", host);
    return CURLE_COULDNT_RESOLVE_HOST;
  }
  int failure = ECONNREFUSED;
  for (const struct addrinfo* address = found; address; address = address->ai_next) {
    numeric_address(address, connection->ip, sizeof connection->ip);
    if (verbose)
      fprintf(verbose, "*   Trying %s%s%s:%d...\n", address->ai_family == AF_INET6 ? "[" : "", connection->ip,
              address->ai_family == AF_INET6 ? "]" : "", port);
    const int fd = socket(address->ai_family, SOCK_STREAM, 0);
    if (fd < 0) {
      failure = errno;
      continue;
    }
    failure = connect_before(fd, address, connect_deadline);
    if (failure == 0) {
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      connection->fd = fd;
      snprintf(connection->host, sizeof connection->host, "%s", host);
      connection->port = port;
      connection->connected_at_ms = deadline_now_ms();
      freeaddrinfo(found);
      return CURLE_OK;
    }
    close(fd);
    if (failure == ETIMEDOUT) break;
  }
  freeaddrinfo(found);
  const long elapsed = (long)(deadline_now_ms() - started);
  if (failure == ETIMEDOUT) {
    snprintf(error, CURL_ERROR_SIZE, "Connection timed out after %ld milliseconds", elapsed);
    return CURLE_OPERATION_TIMEDOUT;
  }
  snprintf(error, CURL_ERROR_SIZE, "Failed to connect to %s port %d after %ld ms: %s", host, port, elapsed,
           strerror(failure));
  return CURLE_COULDNT_CONNECT;
}

int connection_reusable(const struct connection* connection, const char* host, int port) {
  if (connection->fd < 0 || connection->port != port || strcmp(connection->host, host) != 0) return 0;
  /* An idle connection should have nothing to read: readable means closed by the peer (or garbage). */
  struct pollfd p = {.fd = connection->fd, .events = POLLIN};
  return poll(&p, 1, 0) == 0;
}

CURLcode connection_send(struct connection* connection, const char* data, size_t length, int64_t deadline,
                         char error[CURL_ERROR_SIZE]) {
  while (length > 0) {
    const ssize_t sent = send(connection->fd, data, length, MSG_NOSIGNAL);
    if (sent >= 0) {
      data += sent;
      length -= (size_t)sent;
      continue;
    }
    int failure = errno;
    if (failure == EAGAIN || failure == EWOULDBLOCK || failure == EINTR)
      failure = wait_for(connection->fd, POLLOUT, deadline);
    if (failure == 0) continue;
    if (failure == ETIMEDOUT) return CURLE_OPERATION_TIMEDOUT;
    snprintf(error, CURL_ERROR_SIZE, "Send failure: %s", strerror(failure));
    return CURLE_SEND_ERROR;
  }
  return CURLE_OK;
}

CURLcode connection_receive(struct connection* connection, char* buffer, size_t capacity, size_t* received,
                            int64_t deadline, char error[CURL_ERROR_SIZE]) {
  for (;;) {
    const ssize_t got = recv(connection->fd, buffer, capacity, 0);
    if (got >= 0) {
      *received = (size_t)got;
      return CURLE_OK;
    }
    int failure = errno;
    if (failure == EAGAIN || failure == EWOULDBLOCK || failure == EINTR)
      failure = wait_for(connection->fd, POLLIN, deadline);
    if (failure == 0) continue;
    if (failure == ETIMEDOUT) return CURLE_OPERATION_TIMEDOUT;
    snprintf(error, CURL_ERROR_SIZE, "Recv failure: %s", strerror(failure));
    return CURLE_RECV_ERROR;
  }
}

void connection_close(struct connection* connection) {
  if (connection->fd >= 0) close(connection->fd);
  connection->fd = -1;
  connection->host[0] = '\0';
}
