// Stdio sinks for a wasi_preview1 under test (unit tests and the host_kernel
// fuzzer): one that keeps what the guest wrote, one that drops it.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "sockbridge/host/wasi.hpp"

namespace sb::host::testing {

// Keeps fd 1's bytes in `out` and fd 2's in `err`.
struct captured_stdio : stdio_sink {
  std::string out, err;
  void write(std::int32_t fd, std::span<const std::uint8_t> bytes) override {
    (fd == 1 ? out : err).append(bytes.begin(), bytes.end());
  }
};

// Drops the bytes; remembers whether any write went to an fd other than 1 or
// 2, which no WASI call may do.
struct discard_stdio : stdio_sink {
  bool wrote_elsewhere = false;
  void write(std::int32_t fd, std::span<const std::uint8_t>) override { wrote_elsewhere |= fd != 1 && fd != 2; }
};

}  // namespace sb::host::testing
