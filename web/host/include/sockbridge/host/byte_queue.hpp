// byte_queue: received bytes waiting for the guest, kept as the chunks they
// arrived in, consumed from the front. A chunk is either a copy of the bytes
// pushed (push(span)) or a buffer the queue takes over with the offset where
// its bytes start (push(byte_buffer&&, begin)): the relay's DATA frame as
// shim-js wrote it into the kernel's frame buffer, header and all, so the
// payload is never copied on arrival.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

namespace sb::host {

// An allocator whose value-less construct() leaves bytes uninitialized, so
// resizing a frame buffer that is about to be overwritten costs no memset.
template <typename T>
struct default_init_allocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = default_init_allocator<U>;
  };
  default_init_allocator() = default;
  template <typename U>
  default_init_allocator(const default_init_allocator<U>&) noexcept {}
  template <typename U>
  void construct(U* at) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(at)) U;
  }
  template <typename U, typename... Args>
  void construct(U* at, Args&&... args) {
    ::new (static_cast<void*>(at)) U(std::forward<Args>(args)...);
  }
};

using byte_buffer = std::vector<std::uint8_t, default_init_allocator<std::uint8_t>>;

class byte_queue {
 public:
  // Copies bytes in as a chunk of their own.
  void push(std::span<const std::uint8_t> bytes);
  // Takes buffer over; its bytes from begin to its end are queued (nothing if
  // begin >= buffer.size()).
  void push(byte_buffer&& buffer, std::size_t begin);
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Hands up to max bytes, front first, to sink in contiguous pieces; removes
  // them unless peek. Stops early if sink returns false. Returns bytes handed over.
  std::size_t consume(std::size_t max, bool peek, const std::function<bool(std::span<const std::uint8_t>)>& sink);

 private:
  struct chunk {
    byte_buffer bytes;
    std::size_t begin = 0;  // bytes before it are consumed (or a frame's header)
  };
  std::deque<chunk> chunks_;
  std::size_t size_ = 0;
};

}  // namespace sb::host
