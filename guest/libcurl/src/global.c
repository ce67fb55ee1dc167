/* Global state: there is none (no TLS library, no signals), so these only keep libcurl's contract. */
#include "curl/curl.h"

CURLcode curl_global_init(long flags) {
  (void)flags;
  return CURLE_OK;
}

void curl_global_cleanup(void) {}

char* curl_version(void) {
  static char version[] = "libcurl/" LIBCURL_VERSION;
  return version;
}
