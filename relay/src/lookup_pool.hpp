// lookup_pool: name lookups on a small fixed set of worker threads, shared by
// every session. getaddrinfo blocks and cannot be interrupted, so each lookup
// takes one worker until the system resolver returns; with several workers a
// lookup that hangs (a DNS server that never answers) holds up only itself,
// where Asio's resolver runs every lookup of an io_context on one thread, one
// after another. Lookups beyond the workers wait in a queue; a lookup
// cancelled (its deadline passed) before a worker takes it is never run.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace sb::relay {

// One lookup that may still be answered, shared by its caller (to cancel it)
// and the pool (which keeps it until a worker is done with it).
class pending_lookup : public std::enable_shared_from_this<pending_lookup> {
 public:
  using handler = std::function<void(boost::system::error_code, std::vector<boost::asio::ip::address>)>;

  pending_lookup(std::string host, std::uint8_t family, boost::asio::any_io_executor executor, handler done);
  // The handler will not run. Call it on the executor given to async_lookup;
  // the handler (and what it holds) is destroyed there, after this returns.
  void cancel();

 private:
  friend class lookup_pool;
  // On a worker: looks the name up unless cancelled, and posts the answer.
  void run();
  // On the executor: calls the handler unless cancelled.
  void deliver(boost::system::error_code ec, std::vector<boost::asio::ip::address> addresses);

  std::string host_;
  std::uint8_t family_;
  boost::asio::any_io_executor executor_;
  handler done_;  // touched only on executor_
  std::atomic<bool> cancelled_{false};
};

class lookup_pool {
 public:
  // threads ≥ 1 workers (relay_config::dns_threads).
  explicit lookup_pool(unsigned threads);
  // Drops the lookups still queued and waits for those a worker is running
  // (each ends within the system resolver's own timeout). Destroy it before
  // the io_contexts its answers are posted to.
  ~lookup_pool();
  lookup_pool(const lookup_pool&) = delete;
  lookup_pool& operator=(const lookup_pool&) = delete;

  // Looks host up (family 0 = any, 4, 6) with getaddrinfo on a worker, then
  // calls done on executor, never inside this call: the addresses in the
  // resolver's order, or an error in getaddrinfo_category() (or the system
  // category for EAI_SYSTEM). The answer is dropped once the lookup is cancelled.
  std::shared_ptr<pending_lookup> async_lookup(std::string host, std::uint8_t family,
                                               boost::asio::any_io_executor executor, pending_lookup::handler done);

 private:
  boost::asio::thread_pool workers_;
};

// getaddrinfo's EAI_* codes, with gai_strerror's messages.
const boost::system::error_category& getaddrinfo_category();

}  // namespace sb::relay
