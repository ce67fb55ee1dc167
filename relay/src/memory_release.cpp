#include "memory_release.hpp"

#include <atomic>
#include <chrono>
#include <memory>

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(__SANITIZE_ADDRESS__)
// From the sanitizer runtime (sanitizer/allocator_interface.h, which gcc does not install).
extern "C" void __sanitizer_purge_allocator();
#endif

#include "frame_pool.hpp"
#include "read_scratch.hpp"
#include "session_registry.hpp"

namespace sb::relay {

void release_free_memory() {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_purge_allocator();
#elif defined(__GLIBC__)
  malloc_trim(0);
#endif
}

void release_thread_memory() {
  release_read_scratch();
  release_frame_buffers();
#if defined(__SANITIZE_ADDRESS__)
  // The purge drains the calling thread's quarantine cache (up to
  // thread_local_quarantine_size_kb, 1 MiB by default) besides the global one.
  __sanitizer_purge_allocator();
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
    release();
  }
  start();
}

void idle_memory_releaser::release() {
  // The handlers hold no reference to this object: they may still be queued
  // when the pool stops and destroys them unrun.
  auto left = std::make_shared<std::atomic<std::size_t>>(pool_.size());
  pool_.post_to_each([left] {
    release_thread_memory();
    if (left->fetch_sub(1) == 1) release_free_memory();
  });
}

}  // namespace sb::relay
