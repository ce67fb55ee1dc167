/*
 * sha256: FIPS 180-4 SHA-256, incremental. For test and benchmark guests that
 * must prove the bytes they received are the bytes that were sent.
 */
#ifndef SOCKBRIDGE_TESTS_SHA256_H
#define SOCKBRIDGE_TESTS_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
  uint32_t state[8];
  uint64_t length; /* bytes hashed so far */
  unsigned char block[64];
  size_t used; /* bytes waiting in block */
};

void sha256_init(struct sha256* hash);
void sha256_update(struct sha256* hash, const void* data, size_t size);
/* Writes the digest as 64 lowercase hex digits and a NUL. */
void sha256_hex(struct sha256* hash, char out[65]);

#endif
