/*
 * URLs as libcurl's easy interface takes them, for plain HTTP: parsing into
 * parts (IPv6 literals in brackets, explicit or default port, a missing
 * scheme taken as http), the normalized text (empty path is "/", dot
 * segments removed, fragment dropped) and RFC 3986 resolution of a redirect's
 * Location against the current URL.
 */
#ifndef SOCKBRIDGE_LIBCURL_URL_H
#define SOCKBRIDGE_LIBCURL_URL_H

#ifdef __cplusplus
extern "C" {
#endif

#define URL_MAX_HOST 256

#define URL_ERRORS(X)                                                         \
  X(URL_OK, "no error")                                                       \
  X(URL_MALFORMED, "URL using bad/illegal format or missing URL")             \
  X(URL_BAD_PORT, "Port number was not a decimal number between 0 and 65535") \
  X(URL_CREDENTIALS, "user names and passwords in URLs are not supported")    \
  X(URL_UNSUPPORTED_SCHEME, "unsupported scheme")                             \
  X(URL_NO_MEMORY, "out of memory")

enum url_error {
#define URL_ERROR_ENUM(name, message) name,
  URL_ERRORS(URL_ERROR_ENUM)
#undef URL_ERROR_ENUM
};

const char* url_error_message(enum url_error error);

struct url {
  char scheme[16];         /* lower case, "http" once url_parse succeeded */
  char host[URL_MAX_HOST]; /* without brackets */
  int host_is_ipv6;
  int port; /* the explicit port, else 80 */
  int port_given;
  char* target; /* allocated: "/path?query", dot segments removed */
};

/* Parses text; on success url->target is allocated (release with url_free).
 * URL_UNSUPPORTED_SCHEME leaves the scheme it found in url->scheme. */
enum url_error url_parse(const char* text, struct url* url);
void url_free(struct url* url);
/* The normalized URL "http://host[:port]/target", allocated; NULL when out of memory. */
char* url_format(const struct url* url);
/* "host:port" or "[v6]:port", the Host header value (port omitted when it was not given). */
void url_host_header(const struct url* url, char* out, unsigned out_size);
/* reference (absolute, scheme-relative, absolute path, relative path or
 * query only) resolved against base: an allocated absolute URL, or NULL when out of memory. */
char* url_resolve(const struct url* base, const char* reference);

#ifdef __cplusplus
}
#endif

#endif
