/* Easy handle lifecycle: init, reset, duphandle, cleanup. */
#include <stdlib.h>
#include <string.h>

#include "easy_handle.h"

void easy_options_reset(struct easy_options* options) {
  free(options->url);
  free(options->copied_post_fields);
  free(options->custom_request);
  free(options->user_agent);
  memset(options, 0, sizeof *options);
  options->post_field_size = -1;
  options->max_redirects = -1;
  options->connect_timeout_ms = EASY_DEFAULT_CONNECT_TIMEOUT_MS;
}

void easy_info_reset(struct easy_info* info) {
  free(info->content_type);
  free(info->effective_url);
  free(info->effective_method);
  free(info->redirect_url);
  memset(info, 0, sizeof *info);
  info->content_length = -1;
}

FILE* easy_verbose_stream(const struct Curl_easy* handle) {
  if (!handle->options.verbose) return NULL;
  return handle->options.stderr_stream ? handle->options.stderr_stream : stderr;
}

CURL* curl_easy_init(void) {
  struct Curl_easy* handle = calloc(1, sizeof *handle);
  if (!handle) return NULL;
  handle->parser = malloc(sizeof *handle->parser);
  if (!handle->parser) {
    free(handle);
    return NULL;
  }
  handle->connection = (struct connection)CONNECTION_NONE;
  easy_options_reset(&handle->options);
  easy_info_reset(&handle->info);
  return handle;
}

void curl_easy_cleanup(CURL* handle) {
  if (!handle) return;
  connection_close(&handle->connection);
  easy_options_reset(&handle->options);
  easy_info_reset(&handle->info);
  free(handle->parser);
  free(handle);
}

void curl_easy_reset(CURL* handle) {
  easy_options_reset(&handle->options);
  easy_info_reset(&handle->info);
  handle->error[0] = '\0';
}

static int copy_string(char** to, const char* from) {
  if (!from) return 1;
  *to = strdup(from);
  return *to != NULL;
}

CURL* curl_easy_duphandle(CURL* original) {
  struct Curl_easy* copy = curl_easy_init();
  if (!copy) return NULL;
  const struct easy_options* from = &original->options;
  struct easy_options* to = &copy->options;
  *to = *from;
  to->url = to->copied_post_fields = to->custom_request = to->user_agent = NULL;
  int copied = copy_string(&to->url, from->url) && copy_string(&to->custom_request, from->custom_request) &&
               copy_string(&to->user_agent, from->user_agent);
  if (copied && from->copied_post_fields) {
    const size_t size = from->post_field_size >= 0 ? (size_t)from->post_field_size : strlen(from->copied_post_fields);
    to->copied_post_fields = malloc(size + 1);
    copied = to->copied_post_fields != NULL;
    if (copied) {
      memcpy(to->copied_post_fields, from->copied_post_fields, size + 1);
      to->post_fields = to->copied_post_fields;
    }
  }
  if (!copied) {
    curl_easy_cleanup(copy);
    return NULL;
  }
  return copy;
}
