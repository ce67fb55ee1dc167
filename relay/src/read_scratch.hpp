// read_scratch: one read buffer per I/O thread, shared by the UDP streams on
// that thread (a datagram's size is known only once it is read; TCP streams
// read straight into frames sized by what is waiting). A read completes
// inside the stream's on_readable, which copies what arrived into a frame of
// exactly that size, so no two streams on one thread use the buffer at once. The buffer is allocated on a
// thread's first read and given back by release_read_scratch() once the relay
// is idle (memory_release), so an idle relay holds none.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sb::relay {

// This thread's buffer, at least bytes long; valid until the next call on this thread.
std::uint8_t* read_scratch(std::size_t bytes);
// Frees this thread's buffer; the next read_scratch allocates it again.
void release_read_scratch();
// The bytes this thread's buffer holds now (0 after release_read_scratch).
std::size_t read_scratch_capacity();

}  // namespace sb::relay
