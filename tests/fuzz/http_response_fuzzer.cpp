// libFuzzer target for the guest libcurl layer's HTTP response parser
// (guest/libcurl/src/http_response.c), registered in tests/fuzz/CMakeLists.txt
// (ctest fuzz.http_response). By hand, from the repository root:
//
//   clang++ -g -O1 -fsanitize=fuzzer,address,undefined -Iguest/libcurl/src \
//       tests/fuzz/http_response_fuzzer.cpp -x c guest/libcurl/src/http_response.c -o http_response_fuzzer
//   ./http_response_fuzzer -max_total_time=60 tests/fuzz/corpus/http_response
//
// The first input byte picks the split points and whether the request was HEAD;
// the rest is fed in pieces, then the connection "closes". Invariants checked:
// the parser never reads outside what it was given (ASan), never consumes more
// than it was fed, reports body bytes only after a complete final header
// section, never more than Content-Length says, and errors are sticky.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "http_response.h"

namespace {

struct observed {
  int headers_complete = 0;
  int completes = 0;
  uint64_t body_bytes = 0;
};

const http_response_callbacks callbacks = {
    nullptr,
    nullptr,
    nullptr,
    [](void* user) {
      ++static_cast<observed*>(user)->headers_complete;
      return 0;
    },
    [](void* user, const char*, size_t length) {
      auto* seen = static_cast<observed*>(user);
      if (seen->headers_complete != 1) std::abort();
      seen->body_bytes += length;
      return 0;
    },
    [](void* user) {
      ++static_cast<observed*>(user)->completes;
      return 0;
    },
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const unsigned control = data[0];
  const char* bytes = reinterpret_cast<const char*>(data + 1);
  size_t left = size - 1;

  static http_response_parser parser;  // large (two 100 KiB line buffers): not on the stack
  observed seen;
  http_response_init(&parser, &callbacks, &seen, control & 1);
  const size_t piece = (control >> 1) + 1;
  http_response_error error = HTTP_RESPONSE_OK;
  while (left > 0 && error == HTTP_RESPONSE_OK && !http_response_is_complete(&parser)) {
    const size_t length = left < piece ? left : piece;
    size_t consumed = 0;
    error = http_response_feed(&parser, bytes, length, &consumed);
    if (consumed > length) std::abort();
    if (error == HTTP_RESPONSE_OK && consumed < length && !http_response_is_complete(&parser)) std::abort();
    bytes += length;
    left -= length;
  }
  if (error == HTTP_RESPONSE_OK) error = http_response_finish(&parser);
  if (error != HTTP_RESPONSE_OK && http_response_feed(&parser, "x", 1, nullptr) != error) std::abort();
  if (seen.completes > 1 || seen.headers_complete > 1) std::abort();
  const int64_t length = http_response_content_length(&parser);
  if (!parser.chunked && length >= 0 && seen.body_bytes > static_cast<uint64_t>(length)) std::abort();
  if (http_response_error_name(error) == nullptr || http_response_error_message(error) == nullptr) std::abort();
  return 0;
}
