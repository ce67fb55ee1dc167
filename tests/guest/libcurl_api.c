/*
 * libcurl_api BASE_URL CLOSED_PORT — exercises the easy API where the curl
 * command line does not: duphandle, reset, write callbacks that refuse data,
 * POSTFIELDSIZE with binary data, COPYPOSTFIELDS, HEADERDATA, getinfo types,
 * unknown options. tests/ports/libcurl_api.test.js builds it with the SDK
 * against the curl port's libcurl and checks every line it prints.
 * BASE_URL is the test server of tests/browser/curl_server.js; nothing
 * listens on 127.0.0.1:CLOSED_PORT.
 */
/* CURLINFO_SIZE_DOWNLOAD (a double) is deprecated in libcurl but still part of the API tested here. */
#define CURL_DISABLE_DEPRECATION
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct buffer {
  char data[4096];
  size_t length;
};

static size_t collect(char* bytes, size_t size, size_t count, void* user) {
  struct buffer* buffer = user;
  const size_t length = size * count;
  if (buffer->length + length >= sizeof buffer->data) return 0;
  memcpy(buffer->data + buffer->length, bytes, length);
  buffer->length += length;
  buffer->data[buffer->length] = '\0';
  return length;
}

static size_t refuse(char* bytes, size_t size, size_t count, void* user) {
  (void)bytes, (void)size, (void)count, (void)user;
  return 0;
}

static size_t count_lines(char* bytes, size_t size, size_t count, void* user) {
  (void)bytes;
  ++*(long*)user;
  return size * count;
}

static char url[512];

static const char* at(const char* base, const char* path) {
  snprintf(url, sizeof url, "%s%s", base, path);
  return url;
}

/* Performs and prints the result code, status and body collected so far. */
static void perform(const char* what, CURL* curl, struct buffer* body) {
  body->length = 0;
  body->data[0] = '\0';
  const CURLcode result = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  printf("%s: result %d (%s), status %ld, body [%s]\n", what, (int)result, curl_easy_strerror(result), status,
         body->data);
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: libcurl_api BASE_URL CLOSED_PORT\n");
    return 2;
  }
  const char* base = argv[1];
  if (curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK) return 1;
  struct buffer body;
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, at(base, "/hello"));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  perform("get", curl, &body);

  char* type = NULL;
  double size = 0;
  curl_off_t size_t_value = 0;
  long connects = -1;
  curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type);
  curl_easy_getinfo(curl, CURLINFO_SIZE_DOWNLOAD, &size);
  curl_easy_getinfo(curl, CURLINFO_SIZE_DOWNLOAD_T, &size_t_value);
  curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects);
  printf("info: type %s, size %.0f / %lld, connects %ld\n", type ? type : "(none)", size, (long long)size_t_value,
         connects);
  printf("unknown option: %d\n", (int)curl_easy_setopt(curl, (CURLoption)9999, 1L));

  CURL* copy = curl_easy_duphandle(curl);
  curl_easy_setopt(copy, CURLOPT_CONNECTTIMEOUT, 0L); /* 0 is libcurl's default, not "no time at all" */
  perform("duphandle", copy, &body);
  curl_easy_getinfo(copy, CURLINFO_NUM_CONNECTS, &connects);
  printf("duphandle connects: %ld\n", connects);
  perform("same handle again", curl, &body);
  curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects);
  printf("reused connects: %ld\n", connects);

  curl_easy_reset(curl);
  perform("after reset, no URL", curl, &body);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_URL, at(base, "/echo"));
  static const char binary[] = {'a', '\0', 'b'};
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)sizeof binary);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, binary);
  perform("binary post", curl, &body);

  char* fields = strdup("copied=yes");
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, -1L);
  curl_easy_setopt(curl, CURLOPT_COPYPOSTFIELDS, fields);
  memset(fields, 'X', strlen(fields)); /* libcurl took a copy */
  free(fields);
  perform("copied post", curl, &body);

  curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(curl, CURLOPT_URL, at(base, "/redirect/2"));
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  long header_lines = 0;
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, count_lines);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &header_lines);
  perform("redirected get", curl, &body);
  char* effective = NULL;
  char* method = NULL;
  long redirects = -1;
  double total = -1;
  curl_easy_getinfo(curl, CURLINFO_EFFECTIVE_URL, &effective);
  curl_easy_getinfo(curl, CURLINFO_EFFECTIVE_METHOD, &method);
  curl_easy_getinfo(curl, CURLINFO_REDIRECT_COUNT, &redirects);
  curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME, &total);
  printf("redirect info: %s %s after %ld redirects, %ld header lines, time measured: %s\n", method,
         strncmp(effective, base, strlen(base)) == 0 ? effective + strlen(base) : effective, redirects, header_lines,
         total > 0 ? "yes" : "no");

  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  perform("unfollowed redirect", curl, &body);
  char* location = NULL;
  curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &location);
  printf("redirect url: %s\n",
         location && strncmp(location, base, strlen(base)) == 0 ? location + strlen(base) : "(none)");

  curl_easy_setopt(curl, CURLOPT_URL, at(base, "/hello"));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, refuse);
  perform("refusing write callback", curl, &body);

  curl_easy_setopt(curl, CURLOPT_URL, "http://[::1/");
  perform("malformed URL", curl, &body);

  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  snprintf(url, sizeof url, "http://127.0.0.1:%s/", argv[2]);
  curl_easy_setopt(curl, CURLOPT_URL, url);
  perform("refused", curl, &body);
  printf("error buffer names the port: %s\n", strstr(error, argv[2]) ? "yes" : "no");

  curl_easy_cleanup(copy);
  curl_easy_cleanup(curl);
  curl_global_cleanup();
  return 0;
}
