// read_gate: whether a websocket_session may read its client's next message.
// Anything may hold a pause — a stream whose queue toward its target is full,
// or the session's own session_bytes_per_second — and the WebSocket is read
// again only once the last pause has ended (the pauses are counted, so several
// streams may pause at once). Nothing is dropped while reading waits: the
// client's Wisp buffer fills and it stops sending. Sans-IO: the session reads.
#pragma once

#include <cstddef>

namespace sb::relay {

class read_gate {
 public:
  void pause() { ++pauses_; }
  // One pause ended. true: it was the last and a read was held back, which
  // the caller starts now.
  bool resume() {
    if (pauses_ > 0) --pauses_;
    if (pauses_ > 0 || !read_held_) return false;
    read_held_ = false;
    return true;
  }
  // After a message: true if a pause holds, and then the next read is held
  // back until resume() says so; false: the caller reads on.
  bool hold() {
    if (pauses_ == 0) return false;
    read_held_ = true;
    return true;
  }

 private:
  std::size_t pauses_ = 0;
  bool read_held_ = false;
};

}  // namespace sb::relay
