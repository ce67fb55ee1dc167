// rate_pause: reading (a stream's target, or the session's WebSocket) paused
// for a while because the session went over session_bytes_per_second
// (rate_limiter). The timer is made on first use: most streams and sessions
// never need one.
#pragma once

#include <chrono>
#include <memory>
#include <utility>

#include "io_pool.hpp"

namespace sb::relay {

class rate_pause {
 public:
  // Whether reading waits for the pause to end.
  bool active() const { return active_; }

  // Pauses for wait, then calls resume() on executor. resume should hold its
  // owner (stream or session) alive, which keeps this object alive too.
  template <class Resume>
  void start(const io_executor& executor, std::chrono::steady_clock::duration wait, Resume resume) {
    active_ = true;
    if (!timer_) timer_ = std::make_unique<steady_timer>(executor);
    timer_->expires_after(wait);
    timer_->async_wait([this, resume = std::move(resume)](const boost::system::error_code& ec) {
      if (ec) return;
      active_ = false;
      resume();
    });
  }

  // At the stream's end: resume is not called.
  void cancel() {
    if (timer_) timer_->cancel();
  }

 private:
  std::unique_ptr<steady_timer> timer_;
  bool active_ = false;
};

}  // namespace sb::relay
