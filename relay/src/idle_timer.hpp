// idle_timer: notices that a websocket_session's client has been quiet for a
// whole session_idle_timeout. It wakes once per timeout rather than being
// re-armed per packet (a packet only records the time, touch()); at each wake
// the session decides with quiet() whether to end (it holds no stream and the
// client sent nothing for the timeout) or to wait again.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <utility>

namespace sb::relay {

class idle_timer {
 public:
  using clock = std::chrono::steady_clock;

  idle_timer(const boost::asio::any_io_executor& executor, clock::duration timeout)
      : timer_(executor), timeout_(timeout) {}

  // The client sent a packet now.
  void touch() { last_packet_ = clock::now(); }
  // Nothing came from the client for a whole timeout.
  bool quiet() const { return clock::now() - last_packet_ >= timeout_; }
  // Calls on_wake once, a timeout from now, unless cancel() comes first.
  // on_wake should hold the session alive (its shared_ptr), which keeps this
  // object alive too.
  template <class OnWake>
  void wait(OnWake on_wake) {
    timer_.expires_after(timeout_);
    timer_.async_wait([on_wake = std::move(on_wake)](const boost::system::error_code& ec) {
      if (!ec) on_wake();
    });
  }
  // At the session's end: on_wake is not called, and the session is let go.
  void cancel() { timer_.cancel(); }

 private:
  boost::asio::steady_timer timer_;
  clock::duration timeout_;
  clock::time_point last_packet_{};
};

}  // namespace sb::relay
