// memory_release: gives memory the relay freed back to the operating system
// once it is idle, so a relay that served a burst returns to its idle size
// instead of keeping the allocator's high-water mark.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>

namespace sb::relay {

// Returns free heap memory to the OS: glibc's malloc_trim, or under
// AddressSanitizer its allocator's purge (which also empties the quarantine).
void release_free_memory();

// Once a second: if no session is open and one has ended since the last look,
// release_free_memory(). Lives on one io_context (the listener's).
class idle_memory_releaser {
 public:
  explicit idle_memory_releaser(boost::asio::io_context& context) : timer_(context) {}
  void start();

 private:
  void tick();

  boost::asio::steady_timer timer_;
  std::uint64_t sessions_ended_seen_ = 0;
};

}  // namespace sb::relay
