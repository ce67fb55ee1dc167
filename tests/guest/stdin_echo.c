/*
 * stdin_echo — reads lines from stdin and echoes each back, until end of
 * file. An interactive program for the browser tests: it proves that what a
 * person types into the page's terminal reaches the guest's fd 0.
 */
#include <stdio.h>
#include <string.h>

int main(void) {
  char line[256];
  int lines = 0;
  printf("stdin_echo: type a line (Ctrl-D ends)\n");
  fflush(stdout);
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = '\0';
    printf("echo: %s\n", line);
    fflush(stdout);
    ++lines;
  }
  printf("stdin closed after %d lines\n", lines);
  return 0;
}
