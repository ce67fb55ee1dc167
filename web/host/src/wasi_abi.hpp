// wasi_snapshot_preview1 values the host's WASI calls share (wasi-libc's
// wasi/api.h numbering); errno values live in posix_sockets.h (its X-macro table).
#pragma once

#include <cstdint>

namespace sb::host::wasi_abi {

constexpr std::uint8_t filetype_character_device = 2;
constexpr std::uint8_t filetype_directory = 3;
constexpr std::uint8_t filetype_regular_file = 4;
constexpr std::uint16_t fdflags_append = 1 << 0;
constexpr std::uint16_t fdflags_nonblock = 1 << 2;
constexpr std::uint64_t rights_all = ~std::uint64_t{0};

inline bool is_stdio(std::int32_t fd) { return fd >= 0 && fd <= 2; }

// Little-endian stores into a record the host assembles before copying it to
// guest memory (an event, a dirent, a filestat).
inline void store_u32(std::uint8_t* out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<std::uint8_t>(value >> (8 * i));
}
inline void store_u64(std::uint8_t* out, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(value >> (8 * i));
}

}  // namespace sb::host::wasi_abi
