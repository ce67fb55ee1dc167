/*
 * setjmp_alarm CASE [IP PORT] — setjmp/longjmp and alarm() in a guest, one
 * case per run, each printing what it saw, one line per step:
 *
 *   nested            longjmp from 40 calls deep returns its value from setjmp;
 *                     longjmp(env, 0) returns 1; an inner jmp_buf, then the
 *                     outer one; a jmp_buf reused in a loop
 *   across IP PORT    sends to an echo server, then 12 calls deep waits in
 *                     recv() for the echo (the guest is suspended) and
 *                     longjmps out with the byte count; then a second round
 *                     trip on the same socket
 *   timeout IP PORT   connects to a server that never answers; SIGALRM after
 *                     alarm(1) interrupts the blocking recv() and its handler
 *                     longjmps out, as netcat's timeouts do
 *   eintr IP PORT     the same, but the handler returns: recv() fails with EINTR
 *
 * Exit 0 when every step went as it should, 1 otherwise.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static jmp_buf outer;
static jmp_buf inner;
static volatile int deepest;

/* Each level keeps locals of its own, so the snapshot has real frames to hold. */
__attribute__((noinline)) static int descend(int levels, jmp_buf target, int value) {
  char label[32];
  snprintf(label, sizeof label, "level %d", levels);
  if (levels == 0) {
    deepest = (int)strlen(label);
    longjmp(target, value);
  }
  return descend(levels - 1, target, value) + (int)strlen(label);
}

static int nested(void) {
  int failures = 0;
  const int value = setjmp(outer);
  if (value == 0) descend(40, outer, 42);
  printf("longjmp from 40 calls deep: setjmp returned %d\n", value);
  failures += value != 42;

  volatile int rounds = 0;
  const int zero = setjmp(outer);
  if (rounds++ == 0) descend(3, outer, 0);
  printf("longjmp(env, 0): setjmp returned %d\n", zero);
  failures += zero != 1;

  volatile int order = 0;
  if (setjmp(outer) == 0) {
    if (setjmp(inner) == 0) descend(5, inner, 7);
    order = order * 10 + 1;
    descend(5, outer, 8);
  }
  order = order * 10 + 2;
  printf("inner then outer: %d\n", order);
  failures += order != 12;

  volatile int count = 0;
  jmp_buf loop;
  if (setjmp(loop) < 100) {
    count = count + 1;
    descend(count % 4, loop, count);
  }
  printf("a jmp_buf reused %d times\n", count);
  failures += count != 100;
  return failures;
}

static int connect_to(const char* ip, const char* port) {
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(port))};
  inet_pton(AF_INET, ip, &address.sin_addr);
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0 || connect(fd, (struct sockaddr*)&address, sizeof address) != 0) {
    perror("setjmp_alarm: connect");
    exit(1);
  }
  return fd;
}

__attribute__((noinline)) static void receive_then_jump(int levels, int fd) {
  char buffer[64];
  if (levels > 0) {
    receive_then_jump(levels - 1, fd);
    return;
  }
  const ssize_t got = recv(fd, buffer, sizeof buffer, 0);
  longjmp(outer, got > 0 ? (int)got : -1);
}

static int across(int fd) {
  int failures = 0;
  for (int round = 1; round <= 2; ++round) {
    const char message[] = "ping over the relay";
    send(fd, message, strlen(message), 0);
    const int got = setjmp(outer);
    if (got == 0) receive_then_jump(12, fd);
    printf("round %d: longjmp from recv 12 calls deep: %d bytes\n", round, got);
    failures += got != (int)strlen(message);
  }
  return failures;
}

static double seconds_since(const struct timespec* start) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static volatile int alarms;

static void leave_by_longjmp(int signal_number) {
  (void)signal_number;
  ++alarms;
  longjmp(outer, 1);
}

static void just_count(int signal_number) {
  (void)signal_number;
  ++alarms;
}

static int timeout(int fd) {
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  signal(SIGALRM, leave_by_longjmp);
  char buffer[64];
  if (setjmp(outer) == 0) {
    alarm(1);
    const ssize_t got = recv(fd, buffer, sizeof buffer, 0);
    printf("recv returned %d before the alarm\n", (int)got);
    return 1;
  }
  const double waited = seconds_since(&start);
  printf("SIGALRM left the blocking recv by longjmp, %d alarm, after %s second\n", alarms,
         waited >= 0.9 && waited < 3 ? "about 1" : "not 1");
  return alarms != 1 || waited < 0.9 || waited >= 3;
}

static int eintr(int fd) {
  signal(SIGALRM, just_count);
  alarm(1);
  char buffer[64];
  const ssize_t got = recv(fd, buffer, sizeof buffer, 0);
  const int error = errno;
  printf("recv returned %d, errno %s, %d alarm\n", (int)got, error == EINTR ? "EINTR" : strerror(error), alarms);
  printf("alarm(0) after it rang: %u seconds were left\n", alarm(0));
  return got != -1 || error != EINTR || alarms != 1;
}

int main(int argc, char** argv) {
  if (argc == 2 && strcmp(argv[1], "nested") == 0) return nested() ? 1 : 0;
  if (argc != 4) {
    fprintf(stderr, "usage: setjmp_alarm nested | across|timeout|eintr IP PORT\n");
    return 2;
  }
  const int fd = connect_to(argv[2], argv[3]);
  int failures = 1;
  if (strcmp(argv[1], "across") == 0) failures = across(fd);
  if (strcmp(argv[1], "timeout") == 0) failures = timeout(fd);
  if (strcmp(argv[1], "eintr") == 0) failures = eintr(fd);
  close(fd);
  return failures ? 1 : 0;
}
