/* curl_easy_strerror: libcurl's messages, from the table in curl/curl.h. */
#include "curl/curl.h"

static const char* const messages[] = {
#define SB_CURLCODE_MESSAGE(name, message) message,
    SB_CURLCODE_TABLE(SB_CURLCODE_MESSAGE)
#undef SB_CURLCODE_MESSAGE
};

const char* curl_easy_strerror(CURLcode code) {
  return (unsigned)code < sizeof messages / sizeof messages[0] ? messages[code] : "Unknown error";
}
