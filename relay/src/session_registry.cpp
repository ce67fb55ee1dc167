#include "session_registry.hpp"

#include <vector>

#include "metrics.hpp"
#include "websocket_session.hpp"

namespace sb::relay {

session_registry& sessions() {
  static session_registry instance;
  return instance;
}

std::unique_ptr<session_registry::ticket> session_registry::admit(const std::string& address,
                                                                  const relay_config& config,
                                                                  std::string_view& refused) {
  std::lock_guard lock(mutex_);
  auto& from_address = per_address_[address];
  if (draining_)
    refused = "draining";
  else if (entries_.size() >= config.max_sessions)
    refused = "max_sessions";
  else if (from_address >= config.max_sessions_per_address)
    refused = "max_sessions_per_address";
  else
    refused = {};
  if (!refused.empty()) {
    if (from_address == 0) per_address_.erase(address);
    return nullptr;
  }
  ++from_address;
  metrics().sessions = static_cast<std::int64_t>(entries_.size() + 1);
  return std::make_unique<ticket>(*this, entries_.insert(entries_.end(), entry{address, {}}));
}

void session_registry::ticket::attach(std::weak_ptr<websocket_session> session) {
  std::lock_guard lock(registry_.mutex_);
  slot_->session = std::move(session);
}

void session_registry::release(std::list<entry>::iterator slot) {
  std::lock_guard lock(mutex_);
  if (auto it = per_address_.find(slot->address); it != per_address_.end() && --it->second == 0) per_address_.erase(it);
  entries_.erase(slot);
  metrics().sessions = static_cast<std::int64_t>(entries_.size());
  ++ended_;
}

std::uint64_t session_registry::ended() const {
  std::lock_guard lock(mutex_);
  return ended_;
}

std::vector<std::shared_ptr<websocket_session>> session_registry::open_sessions() {
  std::vector<std::shared_ptr<websocket_session>> open;
  std::lock_guard lock(mutex_);
  draining_ = true;
  for (auto& entry : entries_)
    if (auto session = entry.session.lock()) open.push_back(std::move(session));
  return open;
}

void session_registry::drain() {
  for (auto& session : open_sessions()) session->begin_drain();
}

void session_registry::close_all() {
  for (auto& session : open_sessions()) session->end_drain();
}

bool session_registry::draining() const {
  std::lock_guard lock(mutex_);
  return draining_;
}

bool session_registry::reserve_stream(std::size_t max_streams_total) {
  auto held = streams_.load(std::memory_order_relaxed);
  do {
    if (held >= max_streams_total) return false;
  } while (!streams_.compare_exchange_weak(held, held + 1, std::memory_order_relaxed));
  return true;
}

void session_registry::release_streams(std::size_t count) { streams_.fetch_sub(count, std::memory_order_relaxed); }

std::size_t session_registry::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace sb::relay
