#include "lookup_pool.hpp"

#include <netdb.h>
#include <sys/socket.h>

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

// The blocking lookup, with the hints Asio's resolver used: one entry per
// address (SOCK_STREAM), and only families the host has an address of.
error_code lookup(const std::string& host, std::uint8_t family, std::vector<net::ip::address>& found) {
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

}  // namespace

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

void pending_lookup::run() {
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

lookup_pool::lookup_pool(unsigned threads) : workers_(threads ? threads : 1) {}

lookup_pool::~lookup_pool() {
  workers_.stop();
  workers_.join();
}

std::shared_ptr<pending_lookup> lookup_pool::async_lookup(std::string host, std::uint8_t family,
                                                          net::any_io_executor executor, pending_lookup::handler done) {
  auto pending = std::make_shared<pending_lookup>(std::move(host), family, std::move(executor), std::move(done));
  net::post(workers_, [pending] { pending->run(); });
  return pending;
}

}  // namespace sb::relay
