// frame_pool: large DATA frames kept per I/O thread for the next read, so a
// bulk transfer reuses a few buffers instead of allocating (and zero-filling,
// and faulting in) a fresh 256 KiB frame for every chunk. A frame goes back
// once the session has written it; a taken frame holds whatever bytes it held
// before, so the taker writes every byte it sends. At most a few frames are
// kept per thread, and release_frame_buffers() (memory_release, once the
// relay is idle) frees them, so an idle relay holds none.
#pragma once

#include <cstddef>

#include "sockbridge/protocol/wisp.hpp"

namespace sb::relay {

// Frames smaller than this are neither kept nor taken from the pool.
inline constexpr std::size_t min_pooled_frame_bytes = 64 * 1024;

// A frame of `size` bytes: a kept one of this thread if one is large enough
// (its bytes not cleared), else a new one.
protocol::bytes take_frame_buffer(std::size_t size);
// A written frame, for this thread's next take_frame_buffer (kept only if it
// is large and fewer than a few are kept; otherwise freed).
void give_back_frame_buffer(protocol::bytes frame);
// Frees the frames this thread keeps.
void release_frame_buffers();
// Bytes of capacity this thread keeps now.
std::size_t kept_frame_bytes();

}  // namespace sb::relay
