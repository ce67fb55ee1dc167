// wasi_preview1: the subset of wasi_snapshot_preview1 an ordinary wasi-libc
// program needs (args, environ, clocks, random, stdio, proc_exit), sharing the
// fd table with the socket kernel (0-2 stdio, 3+ sockets).
//
// Each function returns a WASI errno (0 = success, positive otherwise), or
// kernel's `would_block` for a blocking socket read/write that must be retried.
// Output for stdout/stderr goes to the stdio_sink; the kernel keeps no copy.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sockbridge/host/guest_memory.hpp"
#include "sockbridge/host/kernel.hpp"

namespace sb::host {

class stdio_sink {
 public:
  virtual ~stdio_sink() = default;
  // fd is 1 (stdout) or 2 (stderr); bytes are valid only during the call.
  virtual void write(std::int32_t fd, std::span<const std::uint8_t> bytes) = 0;
};

class wasi_preview1 {
 public:
  wasi_preview1(guest_memory& memory, kernel& sockets, stdio_sink& stdio)
      : memory_(memory), sockets_(sockets), stdio_(stdio) {}

  void set_args(std::vector<std::string> args) { args_ = std::move(args); }
  void set_environ(std::vector<std::string> environ) { environ_ = std::move(environ); }

  std::int32_t args_sizes_get(guest_ptr argc, guest_ptr argv_buf_size);
  std::int32_t args_get(guest_ptr argv, guest_ptr argv_buf);
  std::int32_t environ_sizes_get(guest_ptr count, guest_ptr buf_size);
  std::int32_t environ_get(guest_ptr environ, guest_ptr environ_buf);
  std::int32_t clock_res_get(std::uint32_t clock_id, guest_ptr resolution);
  std::int32_t clock_time_get(std::uint32_t clock_id, std::uint64_t precision, guest_ptr time);
  std::int32_t random_get(guest_ptr buf, std::uint32_t len);
  std::int32_t fd_write(std::int32_t fd, guest_ptr iovs, std::uint32_t iovs_len, guest_ptr nwritten);
  std::int32_t fd_read(std::int32_t fd, guest_ptr iovs, std::uint32_t iovs_len, guest_ptr nread);
  std::int32_t fd_close(std::int32_t fd);
  std::int32_t fd_fdstat_get(std::int32_t fd, guest_ptr stat);
  std::int32_t fd_seek(std::int32_t fd, std::int64_t offset, std::uint32_t whence, guest_ptr new_offset);
  std::int32_t fd_prestat_get(std::int32_t fd, guest_ptr prestat);
  std::int32_t fd_fdstat_set_flags(std::int32_t fd, std::uint32_t flags);
  // Clock subscriptions (sleep) and fd read/write readiness, over stdio and sockets.
  std::int32_t poll_oneoff(guest_ptr in, guest_ptr out, std::uint32_t nsubscriptions, guest_ptr nevents);
  std::int32_t sched_yield() { return 0; }
  // Records the exit code and closes every socket; the caller then unwinds the guest.
  void proc_exit(std::int32_t code);
  std::int32_t exit_code() const { return exit_code_; }

 private:
  struct iovec {
    guest_ptr buf;
    std::uint32_t len;
  };
  std::int32_t read_iovecs(guest_ptr iovs, std::uint32_t iovs_len, std::vector<iovec>& out) const;
  std::int32_t sizes_get(const std::vector<std::string>& strings, guest_ptr count, guest_ptr buf_size);
  std::int32_t strings_get(const std::vector<std::string>& strings, guest_ptr pointers, guest_ptr buf);

  guest_memory& memory_;
  kernel& sockets_;
  stdio_sink& stdio_;
  std::vector<std::string> args_;
  std::vector<std::string> environ_;
  std::int32_t exit_code_ = 0;
  std::optional<std::uint64_t> poll_oneoff_deadline_;
};

}  // namespace sb::host
