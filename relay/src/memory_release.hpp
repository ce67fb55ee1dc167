// memory_release: gives memory the relay freed back to the operating system
// once it is idle, so a relay that served a burst returns to its idle size
// instead of keeping the allocator's high-water mark.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <cstdint>

#include "io_pool.hpp"

namespace sb::relay {

// Returns free heap memory to the OS: glibc's malloc_trim (all arenas), or
// under AddressSanitizer its allocator's purge (which also empties the global
// quarantine and the calling thread's own quarantine cache).
void release_free_memory();

// Gives back what the calling I/O thread keeps for itself: its read_scratch
// buffer, its kept frames (frame_pool) and, under AddressSanitizer, the freed
// chunks in its thread-local quarantine cache, which only a purge on that
// thread reaches.
void release_thread_memory();

// Once a second: if no session is open and one has ended since the last look,
// release_thread_memory() on every I/O thread, then release_free_memory() on
// the one that finishes last. Its timer lives on the pool's main() context.
class idle_memory_releaser {
 public:
  explicit idle_memory_releaser(io_pool& pool) : pool_(pool), timer_(pool.main()) {}
  void start();

 private:
  void tick();
  void release();

  io_pool& pool_;
  boost::asio::steady_timer timer_;
  std::uint64_t sessions_ended_seen_ = 0;
};

}  // namespace sb::relay
