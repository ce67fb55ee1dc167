/* pipe(), pipe2() and socketpair() in a guest, as ordinary POSIX code uses
 * them: one line per check ("ok NAME" or "FAIL NAME: why"), exit status the
 * number of failures. Run by tests/node/pipes.test.js through the Node CLI. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char* name, const char* why) {
  if (ok) {
    printf("ok %s\n", name);
  } else {
    printf("FAIL %s: %s (errno %d, %s)\n", name, why, errno, strerror(errno));
    ++failures;
  }
}

static void pipe_carries_bytes_then_end_of_file(void) {
  int fds[2];
  char buf[64] = {0};
  check(pipe(fds) == 0, "pipe", "pipe() failed");
  check(write(fds[1], "through the pipe", 16) == 16, "pipe_write", "short write");
  check(read(fds[0], buf, sizeof buf) == 16 && memcmp(buf, "through the pipe", 16) == 0, "pipe_read", "wrong bytes");
  close(fds[1]);
  check(read(fds[0], buf, sizeof buf) == 0, "pipe_eof", "no end of file after the writer closed");
  close(fds[0]);
}

static void pipe_write_without_reader_is_epipe(void) {
  int fds[2];
  pipe(fds);
  close(fds[0]);
  errno = 0;
  check(write(fds[1], "x", 1) == -1 && errno == EPIPE, "pipe_epipe", "write to a closed pipe did not fail with EPIPE");
  close(fds[1]);
}

static void nonblocking_pipe_fills_up(void) {
  int fds[2];
  static char block[4096];
  check(pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0, "pipe2", "pipe2(O_NONBLOCK) failed");
  char c;
  errno = 0;
  check(read(fds[0], &c, 1) == -1 && errno == EAGAIN, "pipe2_eagain",
        "empty non-blocking read did not fail with EAGAIN");
  long total = 0;
  ssize_t n;
  while ((n = write(fds[1], block, sizeof block)) > 0) total += n;
  check(n == -1 && errno == EAGAIN && total == 65536, "pipe_full", "a full pipe did not hold 64 KiB then EAGAIN");
  struct pollfd writable = {fds[1], POLLOUT, 0};
  check(poll(&writable, 1, 0) == 0, "pipe_full_poll", "a full pipe polled writable");
  check(read(fds[0], block, sizeof block) == sizeof block, "pipe_drain", "could not read back");
  check(poll(&writable, 1, 0) == 1 && (writable.revents & POLLOUT), "pipe_writable_again", "no POLLOUT after a read");
  close(fds[0]);
  close(fds[1]);
}

static void fcntl_sets_nonblocking(void) {
  int fds[2];
  pipe(fds);
  check(!(fcntl(fds[0], F_GETFL) & O_NONBLOCK), "fcntl_getfl", "a new pipe is non-blocking");
  check(fcntl(fds[0], F_SETFL, O_NONBLOCK) == 0, "fcntl_setfl", "F_SETFL O_NONBLOCK failed");
  check(fcntl(fds[0], F_GETFL) & O_NONBLOCK, "fcntl_getfl_nonblock", "O_NONBLOCK not reported");
  char c;
  errno = 0;
  check(read(fds[0], &c, 1) == -1 && errno == EAGAIN, "fcntl_eagain", "read did not fail with EAGAIN");
  close(fds[0]);
  close(fds[1]);
}

static long elapsed_ms(const struct timespec* start) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

static void poll_and_select_see_pipes(void) {
  int fds[2];
  pipe(fds);
  struct pollfd readable = {fds[0], POLLIN, 0};
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  check(poll(&readable, 1, 150) == 0 && elapsed_ms(&start) >= 140, "poll_timeout",
        "poll on an empty pipe did not wait out its timeout");
  write(fds[1], "wake", 4);
  check(poll(&readable, 1, -1) == 1 && readable.revents == POLLIN, "poll_readable", "no POLLIN after a write");
  fd_set set;
  FD_ZERO(&set);
  FD_SET(fds[0], &set);
  struct timeval zero = {0, 0};
  check(select(fds[0] + 1, &set, NULL, NULL, &zero) == 1 && FD_ISSET(fds[0], &set), "select_readable",
        "select did not see the pipe readable");
  char buf[8];
  read(fds[0], buf, sizeof buf);
  close(fds[1]);
  check(poll(&readable, 1, 0) == 1 && (readable.revents & POLLHUP), "poll_hangup",
        "no POLLHUP after the writer closed");
  close(fds[0]);
}

static void socketpair_is_two_way(void) {
  int sv[2];
  char buf[16] = {0};
  check(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair", "socketpair(AF_UNIX, SOCK_STREAM) failed");
  check(send(sv[0], "ping", 4, 0) == 4 && recv(sv[1], buf, sizeof buf, 0) == 4 && memcmp(buf, "ping", 4) == 0,
        "socketpair_forward", "ping did not arrive");
  check(write(sv[1], "pong", 4) == 4 && read(sv[0], buf, sizeof buf) == 4 && memcmp(buf, "pong", 4) == 0,
        "socketpair_back", "pong did not arrive");
  shutdown(sv[0], SHUT_WR);
  check(recv(sv[1], buf, sizeof buf, 0) == 0, "socketpair_shutdown", "no end of file after shutdown(SHUT_WR)");
  close(sv[1]);
  errno = 0;
  check(send(sv[0], "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE, "socketpair_epipe", "send to a closed peer");
  close(sv[0]);
}

static void unsupported_pairs_keep_their_errno(void) {
  int sv[2];
  errno = 0;
  check(socketpair(AF_INET, SOCK_STREAM, 0, sv) == -1 && errno == EOPNOTSUPP, "socketpair_inet", "AF_INET pair");
  errno = 0;
  check(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == -1 && errno == EOPNOTSUPP, "socketpair_dgram", "datagram pair");
  errno = 0;
  check(pipe2(sv, O_APPEND) == -1 && errno == EINVAL, "pipe2_einval", "pipe2 with a bad flag");
  errno = 0;
  check(send(0, "x", 1, 0) == -1 && errno == ENOTSOCK, "stdin_not_socket", "send on stdin");
}

int main(void) {
  pipe_carries_bytes_then_end_of_file();
  pipe_write_without_reader_is_epipe();
  nonblocking_pipe_fills_up();
  fcntl_sets_nonblocking();
  poll_and_select_see_pipes();
  socketpair_is_two_way();
  unsupported_pairs_keep_their_errno();
  printf("%d failures\n", failures);
  return failures;
}
