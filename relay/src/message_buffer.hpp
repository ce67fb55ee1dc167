// message_buffer: where a session reads one WebSocket message (one Wisp
// packet). Most packets are small (a CONNECT, a CONTINUE, an echo's DATA), so
// a message's first bytes go into a few bytes inside the session; only a
// message that outgrows them takes a heap buffer, of the size Beast says the
// message still has (websocket::stream::read_size_hint), from this thread's
// frame_pool. Between messages it holds no heap memory, so an idle session
// keeps no read buffer (Beast's async_read into a flat_buffer would allocate
// 1.5 KiB per session before the first byte arrives, and keep it).
//
// Use: read with async_read_some into prepare(ws.read_size_hint()), commit()
// what arrived, repeat until ws.is_message_done(); then data() is the message,
// valid until clear().
#pragma once

#include <algorithm>
#include <array>
#include <boost/asio/buffer.hpp>
#include <cstddef>
#include <cstdint>

#include "frame_pool.hpp"
#include "sockbridge/protocol/wisp.hpp"

namespace sb::relay {

class message_buffer {
 public:
  // Bytes kept inside the object: a message this long or shorter needs no heap.
  static constexpr std::size_t inline_bytes = 64;

  // Where the next read goes. At a message's start: the inline bytes. Later:
  // at least `more` bytes (at least 1) after what the message holds so far.
  boost::asio::mutable_buffer prepare(std::size_t more) {
    if (size_ == 0 && large_.empty()) return boost::asio::buffer(head_);
    more = std::max<std::size_t>(more, 1);
    if (large_.empty()) {
      large_ = take_frame_buffer(size_ + more);
      std::copy_n(head_.data(), size_, large_.data());
    } else if (large_.size() < size_ + more) {
      large_.resize(size_ + more);
    }
    return boost::asio::buffer(large_.data() + size_, more);
  }

  // `bytes` more of the message arrived in the last prepare()d buffer.
  void commit(std::size_t bytes) { size_ += bytes; }

  // The message so far.
  protocol::byte_view data() const { return {large_.empty() ? head_.data() : large_.data(), size_}; }

  // The message was handled: gives a heap buffer back to frame_pool.
  void clear() {
    size_ = 0;
    if (large_.empty()) return;
    give_back_frame_buffer(std::move(large_));
    large_ = protocol::bytes{};
  }

 private:
  std::array<std::uint8_t, inline_bytes> head_;
  protocol::bytes large_;  // empty unless the message outgrew head_
  std::size_t size_ = 0;
};

}  // namespace sb::relay
