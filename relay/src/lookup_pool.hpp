// lookup_pool: name lookups on a small fixed set of worker threads, shared by
// every session. getaddrinfo blocks and cannot be interrupted, so each lookup
// takes one worker until the system resolver returns; with several workers a
// lookup that hangs (a DNS server that never answers) holds up only itself,
// where Asio's resolver runs every lookup of an io_context on one thread, one
// after another. Lookups beyond the workers wait in a queue; a lookup
// cancelled (its deadline passed) before a worker takes it is never run.
//
// Waiting lookups are served fairly by owner (a session): owners take turns,
// and one owner has at most a quarter of the workers (at least one) running
// its lookups, so a session whose names never resolve holds up its own
// lookups, not every other session's.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sb::relay {

// The blocking lookup a worker runs: fills the addresses or returns an error.
using lookup_function = std::function<boost::system::error_code(const std::string& host, std::uint8_t family,
                                                                std::vector<boost::asio::ip::address>& found)>;

// getaddrinfo: one entry per address, only families the host has an address of.
boost::system::error_code system_lookup(const std::string& host, std::uint8_t family,
                                        std::vector<boost::asio::ip::address>& found);

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
  void run(const lookup_function& lookup);
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
  // threads ≥ 1 workers (relay_config::dns_threads); lookup is what they run
  // (tests give a stand-in for the system resolver).
  explicit lookup_pool(unsigned threads, lookup_function lookup = system_lookup);
  // Drops the lookups still queued and waits for those a worker is running
  // (each ends within the system resolver's own timeout). Destroy it before
  // the io_contexts its answers are posted to.
  ~lookup_pool();
  lookup_pool(const lookup_pool&) = delete;
  lookup_pool& operator=(const lookup_pool&) = delete;

  // Looks host up (family 0 = any, 4, 6) with getaddrinfo on a worker, then
  // calls done on executor, never inside this call: the addresses in the
  // resolver's order, or an error in getaddrinfo_category() (or the system
  // category for EAI_SYSTEM). The answer is dropped once the lookup is
  // cancelled. owner names whose turn it is (a session's lookup_owner(): an
  // id never reused, so a new session never inherits an old one's turns).
  std::shared_ptr<pending_lookup> async_lookup(std::uint64_t owner, std::string host, std::uint8_t family,
                                               boost::asio::any_io_executor executor, pending_lookup::handler done);

  // Most lookups of one owner running at once.
  unsigned per_owner_limit() const { return per_owner_limit_; }

 private:
  struct owner_lookups {
    std::deque<std::shared_ptr<pending_lookup>> waiting;
    unsigned running = 0;
  };

  // On a worker: runs waiting lookups, each owner in turn, while one may run.
  void work();
  // The next lookup to run (owners in turn, none past its limit), or nullptr.
  std::pair<std::uint64_t, std::shared_ptr<pending_lookup>> take();

  lookup_function lookup_;
  const unsigned threads_;
  const unsigned per_owner_limit_;
  std::mutex mutex_;                               // guards what follows
  std::map<std::uint64_t, owner_lookups> owners_;  // owners with lookups waiting or running
  std::uint64_t last_served_ = 0;
  unsigned working_ = 0;  // workers inside work()
  bool stopping_ = false;
  boost::asio::thread_pool workers_;
};

// A new owner for async_lookup (any thread): a number never handed out before.
std::uint64_t next_lookup_owner();

// getaddrinfo's EAI_* codes, with gai_strerror's messages.
const boost::system::error_category& getaddrinfo_category();

}  // namespace sb::relay
