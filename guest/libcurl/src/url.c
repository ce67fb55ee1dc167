/* URL parsing, formatting and redirect resolution (see url.h). */
#include "url.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char* const messages[] = {
#define URL_ERROR_MESSAGE(name, message) message,
    URL_ERRORS(URL_ERROR_MESSAGE)
#undef URL_ERROR_MESSAGE
};

const char* url_error_message(enum url_error error) {
  return (size_t)error < sizeof messages / sizeof messages[0] ? messages[error] : "unknown error";
}

static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

/* Length of a leading "scheme:" (without the colon), or 0 if text has none. */
static size_t scheme_length(const char* text) {
  if (!is_alpha(text[0])) return 0;
  size_t i = 1;
  while (is_alpha(text[i]) || is_digit(text[i]) || text[i] == '+' || text[i] == '-' || text[i] == '.') ++i;
  return text[i] == ':' ? i : 0;
}

static int is_host_char(char c) { return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_'; }

static enum url_error parse_port(const char* text, size_t length, struct url* url) {
  if (length == 0) return URL_OK; /* "host:" means the default port */
  long port = 0;
  for (size_t i = 0; i < length; ++i) {
    if (!is_digit(text[i])) return URL_BAD_PORT;
    port = port * 10 + (text[i] - '0');
    if (port > 65535) return URL_BAD_PORT;
  }
  url->port = (int)port;
  url->port_given = 1;
  return URL_OK;
}

static enum url_error parse_authority(const char* text, size_t length, struct url* url) {
  if (memchr(text, '@', length)) return URL_CREDENTIALS;
  const char *host = text, *port = NULL;
  size_t host_length = length;
  if (length > 0 && text[0] == '[') {
    const char* close = memchr(text, ']', length);
    if (!close) return URL_MALFORMED;
    host = text + 1;
    host_length = (size_t)(close - host);
    const size_t rest = length - (size_t)(close + 1 - text);
    if (rest > 0 && close[1] != ':') return URL_MALFORMED;
    if (rest > 0) port = close + 2;
    url->host_is_ipv6 = 1;
  } else {
    const char* colon = memchr(text, ':', length);
    if (colon) {
      host_length = (size_t)(colon - text);
      port = colon + 1;
    }
  }
  if (host_length == 0 || host_length >= sizeof url->host) return URL_MALFORMED;
  memcpy(url->host, host, host_length);
  url->host[host_length] = '\0';
  if (url->host_is_ipv6) {
    struct in6_addr probe;
    if (inet_pton(AF_INET6, url->host, &probe) != 1) return URL_MALFORMED;
  } else {
    for (size_t i = 0; i < host_length; ++i)
      if (!is_host_char(host[i])) return URL_MALFORMED;
  }
  return port ? parse_port(port, length - (size_t)(port - text), url) : URL_OK;
}

/* RFC 3986 section 5.2.4 on path (length bytes), written to out (room for length + 2). */
static void remove_dot_segments(const char* path, size_t length, char* out) {
  size_t written = 0, i = 0;
  while (i < length) {
    size_t end = i + 1;
    while (end < length && path[end] != '/') ++end;
    const char* segment = path + i + 1; /* path[i] is '/' */
    const size_t segment_length = end - i - 1;
    const int last = end == length;
    if (segment_length == 1 && segment[0] == '.') {
      if (last) out[written++] = '/';
    } else if (segment_length == 2 && segment[0] == '.' && segment[1] == '.') {
      while (written > 0 && out[written - 1] != '/') --written;
      if (written > 0) --written;
      if (last) out[written++] = '/';
    } else {
      memcpy(out + written, path + i, end - i);
      written += end - i;
    }
    i = end;
  }
  if (written == 0) out[written++] = '/';
  out[written] = '\0';
}

static enum url_error parse_target(const char* text, struct url* url) {
  const size_t length = strcspn(text, "#");
  const size_t path_length = strcspn(text, "?#");
  url->target = malloc(length + 3);
  if (!url->target) return URL_NO_MEMORY;
  if (path_length == 0) {
    strcpy(url->target, "/");
  } else if (text[0] != '/') {
    return URL_MALFORMED;
  } else {
    remove_dot_segments(text, path_length, url->target);
  }
  strncat(url->target, text + path_length, length - path_length);
  return URL_OK;
}

static int has_forbidden_char(const char* text) {
  for (; *text; ++text)
    if ((unsigned char)*text <= ' ' || *text == 0x7f) return 1;
  return 0;
}

enum url_error url_parse(const char* text, struct url* url) {
  memset(url, 0, sizeof *url);
  url->port = 80;
  if (!text || !*text || has_forbidden_char(text)) return URL_MALFORMED;
  const size_t scheme = scheme_length(text);
  const char* rest = text;
  if (scheme > 0 && strncmp(text + scheme, "://", 3) == 0) {
    if (scheme >= sizeof url->scheme) return URL_UNSUPPORTED_SCHEME;
    for (size_t i = 0; i < scheme; ++i) url->scheme[i] = lower(text[i]);
    rest = text + scheme + 3;
  } else {
    strcpy(url->scheme, "http"); /* libcurl guesses http for a URL without a scheme */
  }
  if (strcmp(url->scheme, "http") != 0) return URL_UNSUPPORTED_SCHEME;
  const size_t authority = strcspn(rest, "/?#");
  enum url_error error = parse_authority(rest, authority, url);
  if (error == URL_OK) error = parse_target(rest + authority, url);
  if (error != URL_OK) url_free(url);
  return error;
}

void url_free(struct url* url) {
  free(url->target);
  url->target = NULL;
}

void url_host_header(const struct url* url, char* out, unsigned out_size) {
  const char *open = url->host_is_ipv6 ? "[" : "", *close = url->host_is_ipv6 ? "]" : "";
  if (url->port_given)
    snprintf(out, out_size, "%s%s%s:%d", open, url->host, close, url->port);
  else
    snprintf(out, out_size, "%s%s%s", open, url->host, close);
}

/* "http://authority" followed by suffix_length bytes of suffix and then tail. */
static char* compose(const struct url* base, const char* suffix, size_t suffix_length, const char* tail) {
  char authority[URL_MAX_HOST + 16];
  url_host_header(base, authority, sizeof authority);
  const size_t size = strlen(base->scheme) + 3 + strlen(authority) + suffix_length + strlen(tail) + 1;
  char* out = malloc(size);
  if (out) snprintf(out, size, "%s://%s%.*s%s", base->scheme, authority, (int)suffix_length, suffix, tail);
  return out;
}

char* url_format(const struct url* url) { return compose(url, url->target, strlen(url->target), ""); }

char* url_resolve(const struct url* base, const char* reference) {
  if (scheme_length(reference) > 0) return strdup(reference);
  if (reference[0] == '/' && reference[1] == '/') {
    const size_t size = strlen(base->scheme) + 1 + strlen(reference) + 1;
    char* out = malloc(size);
    if (out) snprintf(out, size, "%s:%s", base->scheme, reference);
    return out;
  }
  const size_t path_length = strcspn(base->target, "?");
  if (reference[0] == '\0' || reference[0] == '#') return url_format(base);
  if (reference[0] == '/') return compose(base, "", 0, reference);
  if (reference[0] == '?') return compose(base, base->target, path_length, reference);
  size_t directory = path_length;
  while (directory > 0 && base->target[directory - 1] != '/') --directory;
  return compose(base, base->target, directory, reference);
}
