// io_pool: one io_context per I/O thread. Each accepted connection is given
// one context, round robin, and all of its session's work (WebSocket, target
// sockets, timers, lookups) runs there: a session never changes threads, so
// it needs no strand and a packet never waits for another thread to wake up.
// Name lookups, which block, run on the pool's lookup workers instead and
// post their answers back to the session's context.
#pragma once

#include <atomic>
#include <boost/asio/basic_datagram_socket.hpp>
#include <boost/asio/basic_socket_acceptor.hpp>
#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "lookup_pool.hpp"

namespace sb::relay {

// The executor of one io_pool context, and the I/O objects a session and its
// streams hold, made with it rather than with Asio's type-erased
// any_io_executor: 16 bytes in every socket, timer and pending operation
// instead of 48 (a socket is 48 bytes instead of 80, a timer 80 instead of
// 112), for every idle session and stream (issue 21). A session runs on one
// context and needs no strand, so nothing is lost.
using io_executor = boost::asio::io_context::executor_type;
using tcp_socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, io_executor>;
using tcp_acceptor = boost::asio::basic_socket_acceptor<boost::asio::ip::tcp, io_executor>;
using udp_socket = boost::asio::basic_datagram_socket<boost::asio::ip::udp, io_executor>;
using steady_timer =
    boost::asio::basic_waitable_timer<std::chrono::steady_clock, boost::asio::wait_traits<std::chrono::steady_clock>,
                                      io_executor>;

class io_pool {
 public:
  // threads ≥ 1 contexts, each to be run by one thread, and lookup_threads ≥ 1 lookup workers.
  io_pool(unsigned threads, unsigned lookup_threads);
  // Waits for the lookup workers (their answers go to the contexts), then
  // stops the contexts' work and destroys them first to last: the listener's
  // pending accept on main() holds a socket of another context.
  ~io_pool();
  io_pool(const io_pool&) = delete;
  io_pool& operator=(const io_pool&) = delete;

  // The context the listener and the signal handling live on.
  boost::asio::io_context& main() { return *contexts_.front(); }
  // The executor for the next connection (round robin); safe from any thread.
  io_executor next_executor();
  // Runs every context, main() on the calling thread; returns once stop() was called.
  void run();
  // Stops every context; safe from any thread and from inside a handler.
  void stop();
  // The number of contexts (= I/O threads).
  std::size_t size() const { return contexts_.size(); }
  // Posts a copy of handler to every context, so it runs once on each I/O
  // thread (for per-thread state, as memory_release does); never inside this call.
  void post_to_each(const std::function<void()>& handler);
  // The workers every session's name lookups run on.
  lookup_pool& lookups() { return *lookups_; }

 private:
  using work_guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<work_guard> work_;  // keeps an idle context running until stop()
  std::atomic<std::size_t> next_{0};
  std::unique_ptr<lookup_pool> lookups_;
};

}  // namespace sb::relay
