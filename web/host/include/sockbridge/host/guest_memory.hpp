// guest_memory: the one door to the guest's linear memory.
//
// Guest pointers are untrusted i32 offsets. Every access goes through read()
// or write(), which check [offset, offset + length) against the current
// memory size first; a range that does not fit is refused (the caller returns
// -EFAULT) and nothing is copied. No other code does arithmetic on guest offsets.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace sb::host {

using guest_ptr = std::uint32_t;

class guest_memory {
 public:
  virtual ~guest_memory() = default;

  // Current size of guest memory in bytes (it may grow between calls).
  virtual std::uint64_t size() const = 0;

  // True if [offset, offset + length) lies inside guest memory.
  bool contains(guest_ptr offset, std::uint64_t length) const { return std::uint64_t{offset} + length <= size(); }

  // Copies guest bytes into out; false (nothing copied) if out of range.
  [[nodiscard]] bool read(guest_ptr offset, std::span<std::uint8_t> out) const;
  // Copies in into guest memory; false (nothing copied) if out of range.
  [[nodiscard]] bool write(guest_ptr offset, std::span<const std::uint8_t> in);

  std::optional<std::uint32_t> read_u32(guest_ptr offset) const;
  [[nodiscard]] bool write_u32(guest_ptr offset, std::uint32_t value);
  [[nodiscard]] bool write_u64(guest_ptr offset, std::uint64_t value);

 protected:
  // Unchecked copies, implemented per platform; only called after a range check.
  virtual void copy_from_guest(guest_ptr offset, std::span<std::uint8_t> out) const = 0;
  virtual void copy_to_guest(guest_ptr offset, std::span<const std::uint8_t> in) = 0;
};

// Guest memory backed by a host vector: used by native tests and tools.
class vector_guest_memory final : public guest_memory {
 public:
  explicit vector_guest_memory(std::size_t size) : bytes_(size) {}
  std::uint64_t size() const override { return bytes_.size(); }
  std::vector<std::uint8_t>& bytes() { return bytes_; }

 protected:
  void copy_from_guest(guest_ptr offset, std::span<std::uint8_t> out) const override;
  void copy_to_guest(guest_ptr offset, std::span<const std::uint8_t> in) override;

 private:
  std::vector<std::uint8_t> bytes_;
};

}  // namespace sb::host
