#include "read_scratch.hpp"

#include <vector>

namespace sb::relay {

namespace {

std::vector<std::uint8_t>& scratch() {
  thread_local std::vector<std::uint8_t> buffer;
  return buffer;
}

}  // namespace

std::uint8_t* read_scratch(std::size_t bytes) {
  auto& buffer = scratch();
  if (buffer.size() < bytes) buffer.resize(bytes);
  return buffer.data();
}

void release_read_scratch() { std::vector<std::uint8_t>().swap(scratch()); }

std::size_t read_scratch_capacity() { return scratch().capacity(); }

}  // namespace sb::relay
