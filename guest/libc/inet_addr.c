/* The IPv4 text helpers wasi-libc leaves out: inet_aton, inet_addr, inet_ntoa. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

/* Classic inet_aton: a, a.b, a.b.c, a.b.c.d, each part decimal, octal (0…) or hex (0x…). */
int inet_aton(const char* text, struct in_addr* out) {
  unsigned long parts[4];
  int count = 0;
  const char* cursor = text;
  for (;;) {
    char* end;
    if (count == 4 || *cursor < '0' || *cursor > '9') return 0;
    parts[count++] = strtoul(cursor, &end, 0);
    if (*end == '\0') break;
    if (*end != '.') return 0;
    cursor = end + 1;
  }
  unsigned long value;
  switch (count) {
    case 1:
      value = parts[0];
      break;
    case 2:
      if (parts[0] > 0xff || parts[1] > 0xffffff) return 0;
      value = parts[0] << 24 | parts[1];
      break;
    case 3:
      if (parts[0] > 0xff || parts[1] > 0xff || parts[2] > 0xffff) return 0;
      value = parts[0] << 24 | parts[1] << 16 | parts[2];
      break;
    default:
      for (int i = 0; i < 4; ++i)
        if (parts[i] > 0xff) return 0;
      value = parts[0] << 24 | parts[1] << 16 | parts[2] << 8 | parts[3];
  }
  if (value > 0xffffffffUL) return 0;
  if (out) out->s_addr = htonl((uint32_t)value);
  return 1;
}

in_addr_t inet_addr(const char* text) {
  struct in_addr address;
  return inet_aton(text, &address) ? address.s_addr : (in_addr_t)-1;
}

char* inet_ntoa(struct in_addr address) {
  static char text[INET_ADDRSTRLEN];
  return (char*)inet_ntop(AF_INET, &address, text, sizeof text);
}
