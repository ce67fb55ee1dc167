// write_queue: the frames a websocket_session sends, in order, one WebSocket
// message each; Beast allows one async_write at a time, so the rest wait here.
// Sans-IO: the session asks next() what to write, writes it, and reports
// written(); a frame's sender learns it went out through its on_sent.
//
// Ownership: the queue owns each frame until written() hands its buffer back
// to the thread's frame_pool. The frame next() points to stays put until then
// (push() does not move queued frames).
#pragma once

#include <functional>
#include <list>

#include "sockbridge/protocol/wisp.hpp"

namespace sb::relay {

class write_queue {
 public:
  // Queues frame; on_sent (if any) runs once it has been written. true: no
  // write is under way, so the caller starts one (next()).
  bool push(protocol::bytes frame, std::function<void()> on_sent = {});
  // The frame to write now, which makes a write under way; nullptr when the
  // queue is empty (or closed), and then no write is under way.
  const protocol::bytes* next();
  // The frame next() gave was written: its buffer goes back to the
  // frame_pool (before on_sent, which may read into that very buffer), then
  // its on_sent runs. The caller then asks next() again.
  void written();
  // A write failed: drops every queued frame without running its on_sent.
  void drop();
  // The WebSocket close handshake began (Beast allows no write beside
  // async_close): from now on every frame is dropped unwritten.
  void close() { closed_ = true; }

 private:
  struct outgoing {
    protocol::bytes frame;
    std::function<void()> on_sent;
  };

  // A list, not a deque: an empty list holds no memory, where a deque keeps a
  // 512-byte block and its map from construction on (0.6 KiB per session,
  // most of which are idle); one small node per queued frame costs little.
  std::list<outgoing> queue_;
  bool writing_ = false;
  bool closed_ = false;
};

}  // namespace sb::relay
