/* mbedtls_hardware_poll: mbedTLS's entropy source in a guest (the port sets
 * MBEDTLS_NO_PLATFORM_ENTROPY, as /dev/urandom does not exist there, and
 * MBEDTLS_ENTROPY_HARDWARE_ALT, which asks for this function). getentropy()
 * is WASI random_get, which the host serves from crypto.getRandomValues in a
 * page and node:crypto in the CLI. The port compiles this file into
 * libmbedcrypto.a, so every guest that links mbedTLS has it. */
#include <mbedtls/entropy.h>
#include <mbedtls/entropy_poll.h>
#include <stddef.h>
#include <unistd.h>

/* getentropy() gives at most 256 bytes per call. */
enum { getentropy_max_bytes = 256 };

int mbedtls_hardware_poll(void* data, unsigned char* output, size_t length, size_t* olength) {
  (void)data;
  for (size_t done = 0; done < length;) {
    const size_t piece = length - done < getentropy_max_bytes ? length - done : getentropy_max_bytes;
    if (getentropy(output + done, piece) != 0) {
      *olength = done;
      return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
    }
    done += piece;
  }
  *olength = length;
  return 0;
}
