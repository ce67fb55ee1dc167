/* Line and word splitting for /etc/hosts and /etc/services. */
#include "config_file.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Splits line in place; returns the number of words. */
static int split_words(char* line, char** words) {
  char* comment = strchr(line, '#');
  if (comment) *comment = '\0';
  int count = 0;
  for (char* cursor = line; count < sb_config_max_tokens;) {
    cursor += strspn(cursor, " \t\r\n\v\f");
    if (!*cursor) break;
    words[count++] = cursor;
    cursor += strcspn(cursor, " \t\r\n\v\f");
    if (*cursor) *cursor++ = '\0';
  }
  return count;
}

int sb_each_config_line(const char* path, sb_config_visit visit, void* context) {
  const int saved_errno = errno;
  FILE* file = fopen(path, "r");
  if (!file) {
    errno = saved_errno;
    return -1;
  }
  char line[sb_config_line_bytes];
  char* words[sb_config_max_tokens];
  int result = 0;
  int continuation = 0; /* the rest of a line longer than the buffer */
  while (!result && fgets(line, sizeof line, file)) {
    const int whole = strchr(line, '\n') != NULL || feof(file);
    if (!continuation) {
      const int count = split_words(line, words);
      if (count > 0) result = visit(words, count, context);
    }
    continuation = !whole;
  }
  fclose(file);
  errno = saved_errno;
  return result;
}
