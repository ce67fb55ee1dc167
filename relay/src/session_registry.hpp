// session_registry: every open WebSocket session, for the session limits
// (total and per client address) and for graceful drain, and the streams of
// all sessions, for max_streams_total. Process-wide and thread-safe; sessions
// run on their own threads (io_pool).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config.hpp"

namespace sb::relay {

class websocket_session;

class session_registry {
  struct entry {
    std::string address;
    std::weak_ptr<websocket_session> session;
  };

 public:
  // A session's slot; destroying it frees the slot.
  class ticket {
   public:
    ticket(session_registry& registry, std::list<entry>::iterator slot) : registry_(registry), slot_(slot) {}
    ~ticket() { registry_.release(slot_); }
    ticket(const ticket&) = delete;
    ticket& operator=(const ticket&) = delete;
    // Names the session that holds the slot, so drain can reach it.
    void attach(std::weak_ptr<websocket_session> session);

   private:
    session_registry& registry_;
    std::list<entry>::iterator slot_;
  };

  // A slot for a session from address, or nullptr with refused set to the
  // limit that refuses it: "draining", "max_sessions" or "max_sessions_per_address".
  std::unique_ptr<ticket> admit(const std::string& address, const relay_config& config, std::string_view& refused);
  // No more sessions; every open session finishes its streams and closes.
  void drain();
  // The drain deadline passed: every session still open closes now.
  void close_all();
  bool draining() const;
  std::size_t size() const;
  // Sessions that have ended since the process started.
  std::uint64_t ended() const;

  // Takes one of max_streams_total slots for a new stream (stream, UDP stream
  // or listener) in one atomic step, so sessions on other threads cannot take
  // the same last slot; false, taking nothing, if all are held.
  bool reserve_stream(std::size_t max_streams_total);
  // Gives back count slots taken with reserve_stream.
  void release_streams(std::size_t count);

 private:
  void release(std::list<entry>::iterator slot);
  // Marks the registry draining and returns the sessions still alive.
  std::vector<std::shared_ptr<websocket_session>> open_sessions();

  mutable std::mutex mutex_;
  std::list<entry> entries_;
  std::unordered_map<std::string, std::size_t> per_address_;
  bool draining_ = false;
  std::uint64_t ended_ = 0;
  std::atomic<std::size_t> streams_{0};
};

// The process's sessions.
session_registry& sessions();

}  // namespace sb::relay
