#include "stream_table.hpp"

#include <algorithm>

#include "session_registry.hpp"

namespace sb::relay {

std::string_view stream_table::name(admission why) {
  switch (why) {
    case admission::admitted:
      return "admitted";
    case admission::session_stream_id:
      return "session_stream_id";
    case admission::relay_stream_id:
      return "relay_stream_id";
    case admission::id_in_use:
      return "id_in_use";
    case admission::draining:
      return "draining";
    case admission::max_streams_per_session:
      return "max_streams_per_session";
    case admission::max_streams_total:
      return "max_streams_total";
  }
  return "unknown";
}

stream_table::~stream_table() {
  if (!streams_.empty()) sessions().release_streams(streams_.size());
}

stream_table::admission stream_table::reserve(std::optional<std::uint32_t> client_id, bool draining,
                                              std::uint32_t& id) {
  if (client_id) {
    if (*client_id == protocol::session_stream_id) return admission::session_stream_id;
    if (*client_id & protocol::relay_stream_id_bit) return admission::relay_stream_id;
    if (streams_.contains(*client_id)) return admission::id_in_use;
  }
  if (draining) return admission::draining;
  if (streams_.size() >= config_.max_streams_per_session) return admission::max_streams_per_session;
  if (!sessions().reserve_stream(config_.max_streams_total)) return admission::max_streams_total;
  if (client_id) {
    id = *client_id;
    return admission::admitted;
  }
  // The next id of the relay's space that no open stream holds (the ids wrap after 2^31 accepts).
  do {
    id = next_relay_id_++;
    if (next_relay_id_ == 0) next_relay_id_ = protocol::relay_stream_id_bit | 1;
  } while (streams_.contains(id));
  return admission::admitted;
}

stream* stream_table::find(std::uint32_t id) const {
  const auto it = streams_.find(id);
  return it == streams_.end() ? nullptr : it->second.get();
}

std::shared_ptr<stream> stream_table::forget(std::uint32_t id) {
  const auto it = streams_.find(id);
  if (it == streams_.end()) return nullptr;
  auto gone = std::move(it->second);
  streams_.erase(it);
  sessions().release_streams(1);
  return gone;
}

std::map<std::uint32_t, std::shared_ptr<stream>> stream_table::forget_all() {
  auto gone = std::exchange(streams_, {});
  if (!gone.empty()) sessions().release_streams(gone.size());
  return gone;
}

stream::clock::time_point stream_table::earliest_deadline() const {
  auto earliest = stream::clock::time_point::max();
  for (const auto& [id, stream] : streams_) earliest = std::min(earliest, stream->deadline());
  return earliest;
}

std::vector<std::shared_ptr<stream>> stream_table::due(stream::clock::time_point now) const {
  std::vector<std::shared_ptr<stream>> due;
  for (const auto& [id, stream] : streams_)
    if (stream->deadline() <= now) due.push_back(stream);
  return due;
}

}  // namespace sb::relay
