/*
 * What a CURL easy handle holds: the options set with curl_easy_setopt, the
 * information about the last transfer that curl_easy_getinfo reads, and the
 * connection kept open for the next perform.
 */
#ifndef SOCKBRIDGE_LIBCURL_EASY_HANDLE_H
#define SOCKBRIDGE_LIBCURL_EASY_HANDLE_H

#include <stdint.h>
#include <stdio.h>

#include "connection.h"
#include "curl/curl.h"
#include "http_response.h"

/* libcurl's connect timeout when none is set (or 0 is set). */
#define EASY_DEFAULT_CONNECT_TIMEOUT_MS 300000L

/* Strings are owned copies unless noted. */
struct easy_options {
  char* url;
  curl_write_callback write_function; /* NULL: fwrite to write_data (a FILE *) or stdout */
  void* write_data;
  curl_write_callback header_function; /* NULL: fwrite to header_data if set */
  void* header_data;
  const struct curl_slist* headers; /* the caller's list */
  const char* post_fields;          /* the caller's buffer, or copied_post_fields */
  char* copied_post_fields;
  curl_off_t post_field_size; /* -1: strlen(post_fields) */
  int post;
  int no_body;
  char* custom_request;
  int follow_location;
  long max_redirects; /* -1: no limit */
  long timeout_ms;    /* 0: none */
  long connect_timeout_ms;
  char* user_agent;
  int verbose;
  int fail_on_error;
  int include_headers; /* CURLOPT_HEADER: headers go to the write callback too */
  char* error_buffer;  /* the caller's, CURL_ERROR_SIZE bytes */
  FILE* stderr_stream; /* NULL: stderr */
  void* private_data;
};

/* What the last perform found out; strings owned by the handle. */
struct easy_info {
  long response_code;
  long http_version;
  char* content_type;
  char* effective_url;
  char* effective_method;
  char* redirect_url;
  int64_t total_time_us;
  curl_off_t size_download;
  curl_off_t content_length;
  long header_size;
  long redirect_count;
  long num_connects;
  char primary_ip[64];
  long primary_port;
};

struct Curl_easy {
  struct easy_options options;
  struct easy_info info;
  struct connection connection;
  long next_connection_id;
  char error[CURL_ERROR_SIZE];         /* the message of the last failure */
  struct http_response_parser* parser; /* allocated once, reused */
  char receive_buffer[CURL_MAX_WRITE_SIZE];
};

/* Frees the option strings and restores every default. */
void easy_options_reset(struct easy_options* options);
/* Frees the strings of the last transfer's information and zeroes it. */
void easy_info_reset(struct easy_info* info);
/* Where verbose output goes, or NULL when CURLOPT_VERBOSE is off. */
FILE* easy_verbose_stream(const struct Curl_easy* handle);

#endif
