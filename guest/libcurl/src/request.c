/* Formatting the request head (see request.h). */
#include "request.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A growing text buffer; on allocation failure it stays failed and appends do nothing. */
struct text {
  char* data;
  size_t length, capacity;
  int failed;
};

static void append(struct text* text, const char* format, ...) {
  if (text->failed) return;
  for (;;) {
    va_list arguments;
    va_start(arguments, format);
    const int needed = vsnprintf(text->data + text->length, text->capacity - text->length, format, arguments);
    va_end(arguments);
    if (needed < 0) {
      text->failed = 1;
      return;
    }
    if ((size_t)needed < text->capacity - text->length) {
      text->length += (size_t)needed;
      return;
    }
    const size_t capacity = text->capacity * 2 + (size_t)needed;
    char* grown = realloc(text->data, capacity);
    if (!grown) {
      text->failed = 1;
      return;
    }
    text->data = grown;
    text->capacity = capacity;
  }
}

/* The caller's header line named name (any case), or NULL. */
static const char* custom_header(const struct curl_slist* headers, const char* name) {
  const size_t length = strlen(name);
  for (; headers; headers = headers->next)
    if (strncasecmp(headers->data, name, length) == 0 && (headers->data[length] == ':' || headers->data[length] == ';'))
      return headers->data;
  return NULL;
}

/* "Name:" followed only by blanks: the caller removes that header. */
static int removes_header(const char* line) {
  const char* colon = strchr(line, ':');
  if (!colon) return 0;
  for (const char* p = colon + 1; *p; ++p)
    if (*p != ' ' && *p != '\t') return 0;
  return 1;
}

/* Writes the caller's Host header, if any (libcurl keeps Host in its place); returns whether there was one. */
static int append_custom_host(struct text* text, const struct curl_slist* headers) {
  const char* line = custom_header(headers, "Host");
  if (!line) return 0;
  if (line[4] == ';')
    append(text, "Host:\r\n");
  else if (!removes_header(line))
    append(text, "%s\r\n", line);
  return 1;
}

/* The caller's headers but Host, in their order: "Name: value" as given, "Name;" as "Name:". */
static void append_custom(struct text* text, const struct curl_slist* headers) {
  for (; headers; headers = headers->next) {
    const char* line = headers->data;
    const size_t name = strcspn(line, ":;");
    if (name == 0 || line[name] == '\0' || (name == 4 && strncasecmp(line, "Host", 4) == 0)) continue;
    if (line[name] == ':' && !removes_header(line))
      append(text, "%s\r\n", line);
    else if (line[name] == ';' && line[name + 1] == '\0')
      append(text, "%.*s:\r\n", (int)name, line);
  }
}

char* request_format(const struct request* request, size_t* length) {
  struct text text = {.data = malloc(512), .capacity = 512};
  if (!text.data) return NULL;
  const struct curl_slist* headers = request->headers;
  append(&text, "%s %s HTTP/1.1\r\n", request->method, request->target);
  if (!append_custom_host(&text, headers)) append(&text, "Host: %s\r\n", request->host);
  if (!custom_header(headers, "User-Agent") && request->user_agent)
    append(&text, "User-Agent: %s\r\n", request->user_agent);
  if (!custom_header(headers, "Accept")) append(&text, "Accept: */*\r\n");
  append_custom(&text, headers);
  if (request->has_body && !custom_header(headers, "Content-Length"))
    append(&text, "Content-Length: %" PRId64 "\r\n", (int64_t)request->body_length);
  if (request->has_body && !custom_header(headers, "Content-Type"))
    append(&text, "Content-Type: application/x-www-form-urlencoded\r\n");
  append(&text, "\r\n");
  if (text.failed) {
    free(text.data);
    return NULL;
  }
  *length = text.length;
  return text.data;
}
