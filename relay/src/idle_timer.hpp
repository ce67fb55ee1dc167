// idle_timer: the one timer of a websocket_session, for the session's own
// idle timeout and every deadline of its streams (a DNS or connect deadline,
// a stream's idle timeout; stream.hpp). One pending wait per session instead
// of a timer and a wait in every stream (0.2 KiB per idle stream, issue 21).
//
// It is never re-armed per packet: a packet only records the time (touch(),
// and each stream its own last byte). The session checks itself once per
// session_idle_timeout (session_check()): it ends when it holds no stream and
// the client sent nothing for a whole timeout (quiet()). At each wake the
// session ends the streams that are due and waits again until the earliest
// deadline left (wake_at).
#pragma once

#include <boost/system/error_code.hpp>
#include <chrono>
#include <utility>

#include "io_pool.hpp"

namespace sb::relay {

class idle_timer {
 public:
  using clock = std::chrono::steady_clock;

  idle_timer(const io_executor& executor, clock::duration timeout) : timer_(executor), timeout_(timeout) {}

  // The client sent a packet now.
  void touch() { last_packet_ = clock::now(); }
  // Nothing came from the client for a whole timeout.
  bool quiet() const { return clock::now() - last_packet_ >= timeout_; }
  // When the session next checks whether it is idle.
  clock::time_point session_check() const { return session_check_; }
  // The session checked now: the next check is a timeout from now.
  void checked(clock::time_point now) { session_check_ = now + timeout_; }
  // Calls on_wake once at `at` (a wait already pending is replaced), unless
  // cancel() comes first. on_wake should hold the session alive (its
  // shared_ptr), which keeps this object alive too.
  template <class OnWake>
  void wake_at(clock::time_point at, OnWake on_wake) {
    timer_.expires_at(at);
    timer_.async_wait([on_wake = std::move(on_wake)](const boost::system::error_code& ec) {
      if (!ec) on_wake();
    });
  }
  // When the pending wait ends.
  clock::time_point expiry() const { return timer_.expiry(); }
  // At the session's end: on_wake is not called, and the session is let go.
  void cancel() { timer_.cancel(); }

 private:
  steady_timer timer_;
  clock::duration timeout_;
  clock::time_point last_packet_{};
  clock::time_point session_check_{};
};

}  // namespace sb::relay
