/*
 * curl_demo [options] URL... — a small curl written only against libcurl's
 * easy API. The same source builds for the browser against guest/libcurl
 * and natively against the real libcurl, and both print the same output
 * (tests/node/curl_compare.test.js checks it).
 *
 *   -i          include the response headers in the output
 *   -I          HEAD request, print the headers
 *   -L          follow redirects (at most 50, or --max-redirs N)
 *   -X METHOD   request method
 *   -d DATA     POST DATA (several -d are joined with '&')
 *   -H HEADER   extra request header ("Name: value"; "Name:" removes one)
 *   -A AGENT    User-Agent
 *   -f          fail on HTTP status >= 400, print no body
 *   -m SECONDS  whole-transfer time limit; --connect-timeout SECONDS for the connect
 *   -v          verbose: connection, request and response on stderr
 *   -o -        write the body to standard output (the only output there is)
 *   -w FORMAT   print after each transfer: %{http_code} %{content_type}
 *               %{url_effective} %{size_download} %{num_redirects}
 *               %{num_connects} %{method} %{time_total}, and \n
 *
 * Several URLs are fetched in turn with one easy handle, so a server that
 * keeps the connection alive serves them all on one TCP connection.
 * Exit status: 0, 2 for bad usage, else the CURLcode of the failed transfer.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct settings {
  int include_headers, head, follow, fail, verbose;
  long max_redirects;
  long timeout_ms, connect_timeout_ms;
  const char *method, *agent, *write_out;
  char* data; /* allocated, NULL: no -d */
  struct curl_slist* headers;
};

static size_t write_output(char* bytes, size_t size, size_t count, void* stream) {
  return fwrite(bytes, size, count, stream);
}

static int usage(const char* problem) {
  fprintf(stderr,
          "curl_demo: %s\nusage: curl_demo [-i] [-I] [-L] [-f] [-v] [-X METHOD] [-d DATA] [-H HEADER] "
          "[-A AGENT] [-m SECONDS] [--connect-timeout SECONDS] [--max-redirs N] [-o -] [-w FORMAT] URL...\n",
          problem);
  return 2;
}

static int add_data(struct settings* settings, const char* data) {
  const size_t old = settings->data ? strlen(settings->data) + 1 : 0;
  char* joined = realloc(settings->data, old + strlen(data) + 1);
  if (!joined) return 0;
  if (old) joined[old - 1] = '&';
  strcpy(joined + old, data);
  settings->data = joined;
  return 1;
}

static long seconds_to_ms(const char* text) {
  char* end;
  const double seconds = strtod(text, &end);
  return *end || seconds < 0 ? -1 : (long)(seconds * 1000);
}

/* Prints -w FORMAT for the transfer just done. */
static void write_out(CURL* curl, const char* format) {
  for (const char* p = format; *p; ++p) {
    if (p[0] == '\\' && p[1] == 'n') {
      putchar('\n');
      ++p;
      continue;
    }
    const char* close = p[0] == '%' && p[1] == '{' ? strchr(p, '}') : NULL;
    if (!close) {
      putchar(*p);
      continue;
    }
    const size_t length = (size_t)(close - p - 2);
    const char* name = p + 2;
    long number = 0;
    char* text = NULL;
    curl_off_t size = 0;
    if (length == 9 && strncmp(name, "http_code", length) == 0) {
      curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &number);
      printf("%03ld", number);
    } else if (length == 12 && strncmp(name, "content_type", length) == 0) {
      curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &text);
      printf("%s", text ? text : "");
    } else if (length == 13 && strncmp(name, "url_effective", length) == 0) {
      curl_easy_getinfo(curl, CURLINFO_EFFECTIVE_URL, &text);
      printf("%s", text ? text : "");
    } else if (length == 13 && strncmp(name, "size_download", length) == 0) {
      curl_easy_getinfo(curl, CURLINFO_SIZE_DOWNLOAD_T, &size);
      printf("%lld", (long long)size);
    } else if (length == 13 && strncmp(name, "num_redirects", length) == 0) {
      curl_easy_getinfo(curl, CURLINFO_REDIRECT_COUNT, &number);
      printf("%ld", number);
    } else if (length == 12 && strncmp(name, "num_connects", length) == 0) {
      curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &number);
      printf("%ld", number);
    } else if (length == 10 && strncmp(name, "time_total", length) == 0) {
      double seconds = 0;
      curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME, &seconds);
      printf("%.6f", seconds);
    } else if (length == 6 && strncmp(name, "method", length) == 0) {
      curl_easy_getinfo(curl, CURLINFO_EFFECTIVE_METHOD, &text);
      printf("%s", text ? text : "");
    } else {
      printf("%.*s", (int)(close - p + 1), p);
    }
    p = close;
  }
}

static void configure(CURL* curl, const struct settings* settings, char* error) {
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_output);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, stdout);
  if (settings->include_headers || settings->head) {
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, write_output);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, stdout);
  }
  if (settings->head) curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (settings->data) curl_easy_setopt(curl, CURLOPT_POSTFIELDS, settings->data);
  if (settings->method) curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, settings->method);
  if (settings->headers) curl_easy_setopt(curl, CURLOPT_HTTPHEADER, settings->headers);
  if (settings->agent) curl_easy_setopt(curl, CURLOPT_USERAGENT, settings->agent);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, (long)settings->follow);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, settings->max_redirects);
  curl_easy_setopt(curl, CURLOPT_FAILONERROR, (long)settings->fail);
  curl_easy_setopt(curl, CURLOPT_VERBOSE, (long)settings->verbose);
  if (settings->timeout_ms) curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, settings->timeout_ms);
  if (settings->connect_timeout_ms) curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, settings->connect_timeout_ms);
}

/* Fetches each URL in turn with one handle; returns the first failure's CURLcode. */
static int fetch_all(const struct settings* settings, char** urls, int count) {
  CURL* curl = curl_easy_init();
  if (!curl) return CURLE_FAILED_INIT;
  char error[CURL_ERROR_SIZE] = "";
  configure(curl, settings, error);
  CURLcode result = CURLE_OK;
  for (int i = 0; i < count && result == CURLE_OK; ++i) {
    curl_easy_setopt(curl, CURLOPT_URL, urls[i]);
    error[0] = '\0';
    result = curl_easy_perform(curl);
    if (settings->write_out) write_out(curl, settings->write_out);
    fflush(stdout);
    if (result != CURLE_OK) {
      fprintf(stderr, "curl_demo: (%d) %s\n", (int)result, curl_easy_strerror(result));
      if (error[0]) fprintf(stderr, "curl_demo: %s\n", error);
    }
  }
  curl_easy_cleanup(curl);
  return (int)result;
}

/* The value of option argv[*i], advancing *i; NULL if it is missing. */
static const char* value_of(int argc, char** argv, int* i) { return *i + 1 < argc ? argv[++*i] : NULL; }

int main(int argc, char** argv) {
  struct settings settings = {.max_redirects = 50};
  char** urls = calloc((size_t)argc, sizeof *urls);
  int url_count = 0, status = 0;
  if (!urls) return 2;
  for (int i = 1; i < argc && status == 0; ++i) {
    const char *arg = argv[i], *value = NULL;
    if (arg[0] != '-' || arg[1] == '\0') {
      urls[url_count++] = argv[i];
    } else if (strcmp(arg, "-i") == 0) {
      settings.include_headers = 1;
    } else if (strcmp(arg, "-I") == 0) {
      settings.head = 1;
    } else if (strcmp(arg, "-L") == 0) {
      settings.follow = 1;
    } else if (strcmp(arg, "-f") == 0) {
      settings.fail = 1;
    } else if (strcmp(arg, "-v") == 0) {
      settings.verbose = 1;
    } else if (strcmp(arg, "-s") == 0) {
      /* curl's "silent": this program never shows a progress meter anyway */
    } else if (!(value = value_of(argc, argv, &i))) {
      status = usage("option needs a value");
    } else if (strcmp(arg, "-X") == 0) {
      settings.method = value;
    } else if (strcmp(arg, "-d") == 0) {
      if (!add_data(&settings, value)) status = usage("out of memory");
    } else if (strcmp(arg, "-H") == 0) {
      struct curl_slist* headers = curl_slist_append(settings.headers, value);
      if (headers) settings.headers = headers;
    } else if (strcmp(arg, "-A") == 0) {
      settings.agent = value;
    } else if (strcmp(arg, "-w") == 0) {
      settings.write_out = value;
    } else if (strcmp(arg, "-o") == 0) {
      if (strcmp(value, "-") != 0) status = usage("-o supports only - (standard output)");
    } else if (strcmp(arg, "-m") == 0 || strcmp(arg, "--connect-timeout") == 0) {
      const long ms = seconds_to_ms(value);
      if (ms < 0) status = usage("bad number of seconds");
      *(arg[1] == 'm' ? &settings.timeout_ms : &settings.connect_timeout_ms) = ms;
    } else if (strcmp(arg, "--max-redirs") == 0) {
      settings.max_redirects = strtol(value, NULL, 10);
    } else {
      status = usage("unknown option");
    }
  }
  if (status == 0 && url_count == 0) status = usage("no URL given");
  if (status == 0) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    status = fetch_all(&settings, urls, url_count);
    curl_global_cleanup();
  }
  curl_slist_free_all(settings.headers);
  free(settings.data);
  free(urls);
  return status;
}
