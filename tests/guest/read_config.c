// read_config CONFIG DIR HOST SERVICE: an ordinary POSIX program that reads
// its configuration file and a data directory from the embedder's read-only
// file tree, then connects to HOST:SERVICE (names the embedder's /etc/hosts
// and /etc/services define), sends "ping" and prints the reply.
// tests/node/files.test.js and tests/browser/embed.spec.js run it.
#include <dirent.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static int print_file(const char* path) {
  FILE* file = fopen(path, "r");
  if (!file) {
    fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
    return -1;
  }
  int pending = 0;
  ioctl(fileno(file), FIONREAD, &pending);
  printf("%s (%d bytes):\n", path, pending);
  char line[256];
  while (fgets(line, sizeof line, file)) printf("  %s", line);
  fclose(file);
  return 0;
}

static int list_directory(const char* path) {
  DIR* dir = opendir(path);
  if (!dir) {
    fprintf(stderr, "cannot list %s: %s\n", path, strerror(errno));
    return -1;
  }
  for (struct dirent* entry; (entry = readdir(dir));) {
    if (entry->d_name[0] == '.') continue;
    char child[512];
    snprintf(child, sizeof child, "%s/%s", path, entry->d_name);
    struct stat info;
    if (stat(child, &info) != 0) return -1;
    if (S_ISDIR(info.st_mode))
      list_directory(child);
    else
      print_file(child);
  }
  closedir(dir);
  return 0;
}

static int ping(const char* host, const char* service) {
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
  struct addrinfo* found;
  const int status = getaddrinfo(host, service, &hints, &found);
  if (status != 0) {
    fprintf(stderr, "getaddrinfo %s %s: %s\n", host, service, gai_strerror(status));
    return -1;
  }
  const int fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
  if (fd < 0 || connect(fd, found->ai_addr, found->ai_addrlen) != 0) {
    fprintf(stderr, "connect to %s %s: %s\n", host, service, strerror(errno));
    return -1;
  }
  freeaddrinfo(found);
  send(fd, "ping\n", 5, 0);
  struct pollfd readable = {.fd = fd, .events = POLLIN};
  poll(&readable, 1, 5000);
  int pending = 0;
  ioctl(fd, FIONREAD, &pending);
  char reply[256];
  const ssize_t got = recv(fd, reply, sizeof reply - 1, 0);
  if (got <= 0) return -1;
  reply[got] = '\0';
  printf("FIONREAD before recv: %d, received: %zd\nreply: %s", pending, got, reply);
  close(fd);
  return 0;
}

int main(int argc, char** argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: read_config CONFIG DIR HOST SERVICE\n");
    return 2;
  }
  if (print_file(argv[1]) != 0 || list_directory(argv[2]) != 0) return 3;
  FILE* writable = fopen(argv[1], "w");
  printf("open for writing: %s\n", writable ? "allowed" : strerror(errno));
  const struct servent* service = getservbyname(argv[4], "tcp");
  printf("service %s: port %d\n", argv[4], service ? ntohs(service->s_port) : -1);
  return ping(argv[3], argv[4]) == 0 ? 0 : 4;
}
