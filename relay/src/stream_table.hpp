// stream_table: the open streams of one websocket_session by Wisp stream id,
// and their share of the stream limits. A stream enters only through admit()
// (ids, drain, max_streams_per_session, max_streams_total) and leaves only
// through forget() or forget_all(), which give its slot back.
//
// Ownership: the table holds each stream (shared_ptr), and each stream holds
// its session, so a session and its streams keep each other alive. forget()
// and forget_all() are where that cycle is broken: websocket_session removes
// a stream when it ends (close_stream, the client's CLOSE) and removes all of
// them on every way a session ends (close_session and on_connection_lost both
// call end_streams), after which the session lives only as long as its
// pending handlers. Nothing else may drop a stream.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "config.hpp"
#include "stream.hpp"

namespace sb::relay {

class stream_table {
 public:
  // Why admit() refused a stream (or that it did not).
  enum class admission {
    admitted,
    session_stream_id,        // the client named stream 0 (the session's own)
    relay_stream_id,          // the client named an id of the relay's space (high bit set)
    id_in_use,                // the client reused the id of a stream still open
    draining,                 // the relay is draining: no new streams
    max_streams_per_session,  // limits, named as in the config and the metrics
    max_streams_total,
  };
  static std::string_view name(admission why);

  explicit stream_table(const relay_config& config) : config_(config) {}
  stream_table(const stream_table&) = delete;
  stream_table& operator=(const stream_table&) = delete;
  ~stream_table();

  // The one way in. client_id: the id the client chose (CONNECT, LISTEN,
  // UDP_BIND); nullopt: a stream the relay opens (an accepted connection),
  // which gets the next free id of the relay's space. Checks the id, the drain
  // and max_streams_per_session, then takes one of max_streams_total's slots in
  // a single atomic step (session_registry::reserve_stream), so sessions on
  // other threads cannot overshoot it. If admitted, make(id) builds the
  // stream (a shared_ptr to a stream type), which is stored before admit
  // returns it, so starting it may already forget it.
  template <class Make>
  auto admit(std::optional<std::uint32_t> client_id, bool draining, Make&& make)
      -> std::pair<admission, decltype(make(std::uint32_t{}))> {
    std::uint32_t id = 0;
    if (const auto why = reserve(client_id, draining, id); why != admission::admitted) return {why, nullptr};
    auto created = make(id);
    streams_.emplace(id, created);
    return {admission::admitted, std::move(created)};
  }

  // The stream holding id, or nullptr (it may have closed while a packet for it was in flight).
  stream* find(std::uint32_t id) const;
  // Removes the stream holding id and gives its slot back; returns it (to be
  // aborted by the caller) or nullptr if no stream holds id.
  std::shared_ptr<stream> forget(std::uint32_t id);
  // Removes every stream, giving their slots back; returns them.
  std::map<std::uint32_t, std::shared_ptr<stream>> forget_all();

  // The earliest deadline() of its streams (time_point::max() if none).
  stream::clock::time_point earliest_deadline() const;
  // The streams whose deadline() is at or before now (ending one changes the table, so they come as a copy).
  std::vector<std::shared_ptr<stream>> due(stream::clock::time_point now) const;

  bool empty() const { return streams_.empty(); }
  std::size_t size() const { return streams_.size(); }

 private:
  admission reserve(std::optional<std::uint32_t> client_id, bool draining, std::uint32_t& id);

  const relay_config& config_;
  std::map<std::uint32_t, std::shared_ptr<stream>> streams_;
  std::uint32_t next_relay_id_ = protocol::relay_stream_id_bit | 1;
};

}  // namespace sb::relay
