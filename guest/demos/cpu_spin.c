/* cpu_spin [-t SECONDS] [HOST PORT]: busy work that never makes a system
 * call, to show that Stop stops any guest and that the page stays responsive
 * meanwhile. With HOST PORT it first connects there over TCP and says so to
 * the peer, so the socket's end at the relay can be seen after Stop. Then it
 * prints "spinning", and spins until stopped: a loop of arithmetic on a
 * volatile counter, with no call the host kernel could use to interrupt it.
 * With -t it instead stops by itself after SECONDS, reading the clock once
 * every 2^22 rounds (bench/browser measures the page meanwhile). */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int connect_to(const char* host, const char* port) {
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
  struct addrinfo* found = NULL;
  int status = getaddrinfo(host, port, &hints, &found);
  if (status != 0) {
    fprintf(stderr, "cpu_spin: %s: %s\n", host, gai_strerror(status));
    return -1;
  }
  int fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
  if (fd < 0 || connect(fd, found->ai_addr, found->ai_addrlen) != 0) {
    perror("cpu_spin: connect");
    freeaddrinfo(found);
    return -1;
  }
  freeaddrinfo(found);
  static const char hello[] = "cpu_spin connected\n";
  if (send(fd, hello, sizeof hello - 1, 0) < 0) {
    perror("cpu_spin: send");
    return -1;
  }
  return fd;
}

static double now_seconds(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

enum { rounds_between_clock_reads = 1 << 22 };

int main(int argc, char** argv) {
  double seconds = 0;
  if (argc >= 3 && strcmp(argv[1], "-t") == 0) {
    seconds = atof(argv[2]);
    argc -= 2;
    argv += 2;
  }
  if ((argc != 1 && argc != 3) || seconds < 0) {
    fprintf(stderr, "usage: cpu_spin [-t SECONDS] [HOST PORT]\n");
    return 2;
  }
  if (argc == 3 && connect_to(argv[1], argv[2]) < 0) return 1;
  printf("spinning\n");
  fflush(stdout);
  volatile unsigned long long counter = 0;
  if (seconds == 0)
    for (;;) counter = counter * 6364136223846793005ULL + 1442695040888963407ULL;
  const double end = now_seconds() + seconds;
  unsigned long long rounds = 0;
  do {
    for (int i = 0; i < rounds_between_clock_reads; ++i)
      counter = counter * 6364136223846793005ULL + 1442695040888963407ULL;
    rounds += rounds_between_clock_reads;
  } while (now_seconds() < end);
  printf("spun %llu rounds\n", rounds);
  return 0;
}
