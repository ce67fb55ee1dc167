/*
 * transfer — moves bulk data and round trips over one TCP connection with
 * plain BSD sockets; the guest of the integrity tests and the benchmarks.
 *
 *   transfer get HOST PORT             read to end of stream; print bytes and SHA-256
 *   transfer drain HOST PORT           read to end of stream; print bytes (no hashing)
 *   transfer put HOST PORT BYTES       send BYTES of a fixed pseudo-random stream, then
 *                                      half-close; print bytes and SHA-256 sent, then
 *                                      copy what the peer answers to stdout
 *   transfer pingpong HOST PORT COUNT [SIZE]
 *                                      COUNT round trips of SIZE bytes (32) to an echo
 *                                      server; print the median and 90th percentile
 *
 * Results go to stdout as one line of `key value` pairs; errors to stderr with
 * the failing call and errno text, exit status 1.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sha256.h"

enum { chunk_size = 64 * 1024 };
static unsigned char buffer[chunk_size];

static double seconds_now(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static int fail(const char* what) {
  fprintf(stderr, "transfer: %s: %s\n", what, strerror(errno));
  return 1;
}

/* Resolves and connects; returns the socket or -1 (message printed). */
static int open_connection(const char* host, const char* port) {
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *found = NULL;
  int status = getaddrinfo(host, port, &hints, &found);
  if (status != 0) {
    fprintf(stderr, "transfer: %s: %s\n", host, gai_strerror(status));
    return -1;
  }
  int fd = -1;
  for (struct addrinfo* a = found; a && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      fail("connect");
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd >= 0) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  return fd;
}

static int receive_all(int fd, int hashing) {
  struct sha256 hash;
  sha256_init(&hash);
  uint64_t total = 0;
  double started = seconds_now();
  for (;;) {
    ssize_t got = recv(fd, buffer, sizeof buffer, 0);
    if (got < 0) {
      fprintf(stderr, "transfer: recv after %llu bytes: %s\n", (unsigned long long)total, strerror(errno));
      return 1;
    }
    if (got == 0) break;
    total += (uint64_t)got;
    if (hashing) sha256_update(&hash, buffer, (size_t)got);
  }
  double elapsed = seconds_now() - started;
  char digest[65] = "-";
  if (hashing) sha256_hex(&hash, digest);
  printf("received %llu sha256 %s seconds %.3f\n", (unsigned long long)total, digest, elapsed);
  return 0;
}

/* xorshift64: the same stream for the same length, on any host. */
static void fill(unsigned char* out, size_t size, uint64_t* state) {
  for (size_t i = 0; i < size; ++i) {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    out[i] = (unsigned char)(*state >> 24);
  }
}

static int send_all(int fd, const void* data, size_t size) {
  const unsigned char* bytes = data;
  while (size > 0) {
    ssize_t sent = send(fd, bytes, size, 0);
    if (sent < 0) return -1;
    bytes += sent;
    size -= (size_t)sent;
  }
  return 0;
}

static int put(int fd, uint64_t size) {
  struct sha256 hash;
  sha256_init(&hash);
  uint64_t state = 0x9e3779b97f4a7c15ull, sent = 0;
  double started = seconds_now();
  while (sent < size) {
    size_t piece = size - sent < chunk_size ? (size_t)(size - sent) : chunk_size;
    fill(buffer, piece, &state);
    sha256_update(&hash, buffer, piece);
    if (send_all(fd, buffer, piece) != 0) {
      fprintf(stderr, "transfer: send after %llu bytes: %s\n", (unsigned long long)sent, strerror(errno));
      return 1;
    }
    sent += piece;
  }
  if (shutdown(fd, SHUT_WR) != 0) return fail("shutdown");
  char digest[65];
  sha256_hex(&hash, digest);
  printf("sent %llu sha256 %s seconds %.3f\n", (unsigned long long)sent, digest, seconds_now() - started);
  fflush(stdout);
  for (;;) {
    ssize_t got = recv(fd, buffer, sizeof buffer, 0);
    if (got < 0) return fail("recv");
    if (got == 0) return 0;
    fwrite(buffer, 1, (size_t)got, stdout);
  }
}

static int compare_doubles(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

static int pingpong(int fd, long count, size_t size) {
  if (count < 1 || size < 1 || size > chunk_size) {
    fprintf(stderr, "transfer: COUNT must be at least 1 and SIZE 1..%d\n", chunk_size);
    return 2;
  }
  double* samples = calloc((size_t)count, sizeof *samples);
  if (!samples) return fail("calloc");
  memset(buffer, 'p', size);
  const double first_started = seconds_now();
  for (long i = 0; i < count; ++i) {
    double started = seconds_now();
    if (send_all(fd, buffer, size) != 0) return fail("send");
    for (size_t have = 0; have < size;) {
      ssize_t got = recv(fd, buffer + have, size - have, 0);
      if (got < 0) return fail("recv");
      if (got == 0) {
        fprintf(stderr, "transfer: the echo server closed after %ld round trips\n", i);
        return 1;
      }
      have += (size_t)got;
    }
    samples[i] = (seconds_now() - started) * 1e6;
  }
  /* The mean from the total: exact even where the clock is coarse (Firefox's is 1 ms). */
  const double mean_us = (seconds_now() - first_started) * 1e6 / (double)count;
  qsort(samples, (size_t)count, sizeof *samples, compare_doubles);
  printf("round_trips %ld bytes %zu median_us %.1f p90_us %.1f mean_us %.1f\n", count, size, samples[count / 2],
         samples[count * 9 / 10], mean_us);
  free(samples);
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr,
            "usage: transfer get|drain HOST PORT\n"
            "       transfer put HOST PORT BYTES\n"
            "       transfer pingpong HOST PORT COUNT [SIZE]\n");
    return 2;
  }
  const char* mode = argv[1];
  int fd = open_connection(argv[2], argv[3]);
  if (fd < 0) return 1;
  int status;
  if (strcmp(mode, "get") == 0 || strcmp(mode, "drain") == 0)
    status = receive_all(fd, mode[0] == 'g');
  else if (strcmp(mode, "put") == 0 && argc == 5)
    status = put(fd, strtoull(argv[4], NULL, 10));
  else if (strcmp(mode, "pingpong") == 0 && argc >= 5)
    status = pingpong(fd, strtol(argv[4], NULL, 10), argc > 5 ? (size_t)strtoul(argv[5], NULL, 10) : 32);
  else {
    fprintf(stderr, "transfer: unknown mode or missing argument: %s\n", mode);
    status = 2;
  }
  close(fd);
  return status;
}
