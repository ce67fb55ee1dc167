#include "sockbridge/host/guest_memory.hpp"

#include <algorithm>

namespace sb::host {

bool guest_memory::read(guest_ptr offset, std::span<std::uint8_t> out) const {
  if (!contains(offset, out.size())) return false;
  if (!out.empty()) copy_from_guest(offset, out);
  return true;
}

bool guest_memory::write(guest_ptr offset, std::span<const std::uint8_t> in) {
  if (!contains(offset, in.size())) return false;
  if (!in.empty()) copy_to_guest(offset, in);
  return true;
}

std::optional<std::uint32_t> guest_memory::read_u32(guest_ptr offset) const {
  std::uint8_t raw[4];
  if (!read(offset, raw)) return std::nullopt;
  return std::uint32_t{raw[0]} | std::uint32_t{raw[1]} << 8 | std::uint32_t{raw[2]} << 16 | std::uint32_t{raw[3]} << 24;
}

bool guest_memory::write_u32(guest_ptr offset, std::uint32_t value) {
  const std::uint8_t raw[4] = {static_cast<std::uint8_t>(value), static_cast<std::uint8_t>(value >> 8),
                               static_cast<std::uint8_t>(value >> 16), static_cast<std::uint8_t>(value >> 24)};
  return write(offset, raw);
}

bool guest_memory::write_u64(guest_ptr offset, std::uint64_t value) {
  std::uint8_t raw[8];
  for (int i = 0; i < 8; ++i) raw[i] = static_cast<std::uint8_t>(value >> (8 * i));
  return write(offset, raw);
}

void vector_guest_memory::copy_from_guest(guest_ptr offset, std::span<std::uint8_t> out) const {
  std::copy_n(bytes_.begin() + offset, out.size(), out.begin());
}

void vector_guest_memory::copy_to_guest(guest_ptr offset, std::span<const std::uint8_t> in) {
  std::copy(in.begin(), in.end(), bytes_.begin() + offset);
}

}  // namespace sb::host
