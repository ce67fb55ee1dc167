/* curl_easy_getinfo: the last transfer's information, typed by the CURLINFO number's type bits. */
#include <stdarg.h>

#include "easy_handle.h"

static CURLcode get_string(const struct Curl_easy* handle, CURLINFO info, const char** out) {
  switch (info) {
    case CURLINFO_EFFECTIVE_URL:
      *out = handle->info.effective_url;
      return CURLE_OK;
    case CURLINFO_CONTENT_TYPE:
      *out = handle->info.content_type;
      return CURLE_OK;
    case CURLINFO_REDIRECT_URL:
      *out = handle->info.redirect_url;
      return CURLE_OK;
    case CURLINFO_EFFECTIVE_METHOD:
      *out = handle->info.effective_method;
      return CURLE_OK;
    case CURLINFO_PRIMARY_IP:
      *out = handle->info.primary_ip;
      return CURLE_OK;
    case CURLINFO_PRIVATE:
      *out = handle->options.private_data;
      return CURLE_OK;
    default:
      return CURLE_UNKNOWN_OPTION;
  }
}

static CURLcode get_long(const struct Curl_easy* handle, CURLINFO info, long* out) {
  switch (info) {
    case CURLINFO_RESPONSE_CODE:
      *out = handle->info.response_code;
      return CURLE_OK;
    case CURLINFO_HTTP_VERSION:
      *out = handle->info.http_version;
      return CURLE_OK;
    case CURLINFO_HEADER_SIZE:
      *out = handle->info.header_size;
      return CURLE_OK;
    case CURLINFO_REDIRECT_COUNT:
      *out = handle->info.redirect_count;
      return CURLE_OK;
    case CURLINFO_NUM_CONNECTS:
      *out = handle->info.num_connects;
      return CURLE_OK;
    case CURLINFO_PRIMARY_PORT:
      *out = handle->info.primary_port;
      return CURLE_OK;
    default:
      return CURLE_UNKNOWN_OPTION;
  }
}

static CURLcode get_double(const struct Curl_easy* handle, CURLINFO info, double* out) {
  switch (info) {
    case CURLINFO_TOTAL_TIME:
      *out = (double)handle->info.total_time_us / 1e6;
      return CURLE_OK;
    case CURLINFO_SIZE_DOWNLOAD:
      *out = (double)handle->info.size_download;
      return CURLE_OK;
    default:
      return CURLE_UNKNOWN_OPTION;
  }
}

static CURLcode get_off_t(const struct Curl_easy* handle, CURLINFO info, curl_off_t* out) {
  switch (info) {
    case CURLINFO_SIZE_DOWNLOAD_T:
      *out = handle->info.size_download;
      return CURLE_OK;
    case CURLINFO_TOTAL_TIME_T:
      *out = handle->info.total_time_us;
      return CURLE_OK;
    case CURLINFO_CONTENT_LENGTH_DOWNLOAD_T:
      *out = handle->info.content_length;
      return CURLE_OK;
    default:
      return CURLE_UNKNOWN_OPTION;
  }
}

CURLcode curl_easy_getinfo(CURL* handle, CURLINFO info, ...) {
  if (!handle) return CURLE_BAD_FUNCTION_ARGUMENT;
  va_list argument;
  va_start(argument, info);
  void* out = va_arg(argument, void*);
  va_end(argument);
  if (!out) return CURLE_BAD_FUNCTION_ARGUMENT;
  switch (info & CURLINFO_TYPEMASK) {
    case CURLINFO_STRING:
      return get_string(handle, info, out);
    case CURLINFO_LONG:
      return get_long(handle, info, out);
    case CURLINFO_DOUBLE:
      return get_double(handle, info, out);
    case CURLINFO_OFF_T:
      return get_off_t(handle, info, out);
    default:
      return CURLE_UNKNOWN_OPTION;
  }
}
