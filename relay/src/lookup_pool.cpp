#include "lookup_pool.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <utility>

namespace sb::relay {

namespace net = boost::asio;
using boost::system::error_code;

namespace {

class getaddrinfo_error_category : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "getaddrinfo"; }
  std::string message(int code) const override { return ::gai_strerror(code); }
};

net::ip::address to_address(const sockaddr* address) {
  if (address->sa_family == AF_INET) {
    net::ip::address_v4::bytes_type bytes;
    std::memcpy(bytes.data(), &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, bytes.size());
    return net::ip::address_v4(bytes);
  }
  const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
  net::ip::address_v6::bytes_type bytes;
  std::memcpy(bytes.data(), &v6->sin6_addr, bytes.size());
  return net::ip::address_v6(bytes, v6->sin6_scope_id);
}

}  // namespace

// With the hints Asio's resolver used: one entry per address (SOCK_STREAM).
error_code system_lookup(const std::string& host, std::uint8_t family, std::vector<net::ip::address>& found) {
  addrinfo hints{};
  hints.ai_family = family == 4 ? AF_INET : family == 6 ? AF_INET6 : AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo* results = nullptr;
  const int status = ::getaddrinfo(host.c_str(), nullptr, &hints, &results);
  if (status == EAI_SYSTEM) return {errno, boost::system::system_category()};
  if (status != 0) return {status, getaddrinfo_category()};
  for (const auto* entry = results; entry; entry = entry->ai_next)
    if (entry->ai_family == AF_INET || entry->ai_family == AF_INET6) found.push_back(to_address(entry->ai_addr));
  ::freeaddrinfo(results);
  if (found.empty()) return {EAI_NONAME, getaddrinfo_category()};
  return {};
}

std::uint64_t next_lookup_owner() {
  static std::atomic<std::uint64_t> last{0};
  return ++last;
}

const boost::system::error_category& getaddrinfo_category() {
  static const getaddrinfo_error_category instance;
  return instance;
}

pending_lookup::pending_lookup(std::string host, std::uint8_t family, net::any_io_executor executor, handler done)
    : host_(std::move(host)), family_(family), executor_(std::move(executor)), done_(std::move(done)) {}

void pending_lookup::cancel() {
  if (cancelled_.exchange(true)) return;
  // Released on the executor, not here: the handler may hold the caller alive.
  net::post(executor_, [done = std::move(done_)] {});
}

void pending_lookup::run(const lookup_function& lookup) {
  if (cancelled_) return;
  std::vector<net::ip::address> found;
  const auto ec = lookup(host_, family_, found);
  if (cancelled_) return;
  net::post(executor_, [self = shared_from_this(), ec, found = std::move(found)]() mutable {
    self->deliver(ec, std::move(found));
  });
}

void pending_lookup::deliver(error_code ec, std::vector<net::ip::address> addresses) {
  if (cancelled_) return;
  auto done = std::exchange(done_, {});
  done(ec, std::move(addresses));
}

lookup_pool::lookup_pool(unsigned threads, lookup_function lookup)
    : lookup_(std::move(lookup)),
      threads_(threads ? threads : 1),
      per_owner_limit_(std::max(1u, threads_ / 4)),
      workers_(threads_) {}

lookup_pool::~lookup_pool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  workers_.stop();
  workers_.join();
}

std::shared_ptr<pending_lookup> lookup_pool::async_lookup(std::uint64_t owner, std::string host, std::uint8_t family,
                                                          net::any_io_executor executor, pending_lookup::handler done) {
  auto pending = std::make_shared<pending_lookup>(std::move(host), family, std::move(executor), std::move(done));
  std::lock_guard lock(mutex_);
  owners_[owner].waiting.push_back(pending);
  // A worker already in work() takes it after its current lookup, if it may;
  // otherwise a free worker starts on it.
  if (working_ < threads_) {
    ++working_;
    net::post(workers_, [this] { work(); });
  }
  return pending;
}

void lookup_pool::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    auto [owner, next] = take();
    if (!next) break;
    lock.unlock();
    next->run(lookup_);
    next.reset();
    lock.lock();
    auto it = owners_.find(owner);
    if (--it->second.running == 0 && it->second.waiting.empty()) owners_.erase(it);
  }
  // What is still waiting belongs to owners at their limit: the workers
  // running those owners' lookups take it when they are done.
  --working_;
}

std::pair<std::uint64_t, std::shared_ptr<pending_lookup>> lookup_pool::take() {
  if (stopping_ || owners_.empty()) return {};
  // Owners after the one served last, then from the start: each in turn.
  auto start = owners_.upper_bound(last_served_);
  for (std::size_t seen = 0; seen < owners_.size(); ++seen, ++start) {
    if (start == owners_.end()) start = owners_.begin();
    auto& lookups = start->second;
    if (lookups.waiting.empty() || lookups.running >= per_owner_limit_) continue;
    auto next = std::move(lookups.waiting.front());
    lookups.waiting.pop_front();
    ++lookups.running;
    last_served_ = start->first;
    return {start->first, std::move(next)};
  }
  return {};
}

}  // namespace sb::relay
