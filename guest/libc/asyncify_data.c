/* sockbridge_asyncify_data: where a guest's Asyncify build (NAME.asyncify.wasm)
 * saves its call stack while it waits for the network. It must be memory the
 * guest owns: wasi-libc's malloc adopts every page below memory.size at its
 * first call, so pages the embedder grows for this before _start end up in the
 * heap, and a program that allocates enough (curl: its 100 KiB transfer buffer
 * and mbedTLS's record buffers) overwrites the saved frames and traps.
 * sockbridge-cc exports both names; shim-js/src/blocking.js writes the
 * {position, end} header binaryen's Asyncify expects before the first wait.
 * Zero-initialised, so it costs memory but no bytes in the .wasm file. */
#include <stdint.h>

struct sockbridge_asyncify_data {
  uint32_t position;
  uint32_t end;
  unsigned char saved[64 * 1024];
};

struct sockbridge_asyncify_data sockbridge_asyncify_data;
const uint32_t sockbridge_asyncify_data_bytes = sizeof sockbridge_asyncify_data;
