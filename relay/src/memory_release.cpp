#include "memory_release.hpp"

#include <chrono>

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(__SANITIZE_ADDRESS__)
// From the sanitizer runtime (sanitizer/allocator_interface.h, which gcc does not install).
extern "C" void __sanitizer_purge_allocator();
#endif

#include "session_registry.hpp"

namespace sb::relay {

void release_free_memory() {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_purge_allocator();
#elif defined(__GLIBC__)
  malloc_trim(0);
#endif
}

void idle_memory_releaser::start() {
  timer_.expires_after(std::chrono::seconds(1));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) tick();
  });
}

void idle_memory_releaser::tick() {
  const auto ended = sessions().ended();
  if (ended != sessions_ended_seen_ && sessions().size() == 0) {
    sessions_ended_seen_ = ended;
    release_free_memory();
  }
  start();
}

}  // namespace sb::relay
