#include "sockbridge/host/wasi.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <limits>

#include "wasi_abi.hpp"

namespace sb::host {
namespace {

using namespace wasi_abi;

constexpr std::uint32_t clock_realtime = 0;
constexpr std::uint32_t clock_monotonic = 1;
constexpr std::uint32_t max_iovecs = 1024;  // IOV_MAX
constexpr std::size_t stdio_chunk_bytes = 64 * 1024;

// poll_oneoff layouts (wasi_snapshot_preview1).
constexpr std::size_t subscription_bytes = 48;
constexpr std::size_t event_bytes = 32;
constexpr std::uint32_t max_subscriptions = 4096;
constexpr std::uint8_t eventtype_clock = 0;
constexpr std::uint8_t eventtype_fd_read = 1;
constexpr std::uint16_t subclock_abstime = 1;

std::uint64_t load_u64(const std::uint8_t* raw) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = value << 8 | raw[i];
  return value;
}

std::int32_t as_wasi_result(std::int32_t kernel_result) {
  return kernel_result == would_block ? would_block : -kernel_result;
}

}  // namespace

std::int32_t wasi_preview1::sizes_get(const std::vector<std::string>& strings, guest_ptr count, guest_ptr buf_size) {
  std::uint32_t bytes = 0;
  for (const auto& s : strings) bytes += static_cast<std::uint32_t>(s.size() + 1);
  if (!memory_.write_u32(count, static_cast<std::uint32_t>(strings.size()))) return SB_EFAULT;
  if (!memory_.write_u32(buf_size, bytes)) return SB_EFAULT;
  return 0;
}

std::int32_t wasi_preview1::strings_get(const std::vector<std::string>& strings, guest_ptr pointers, guest_ptr buf) {
  std::uint32_t total = 0;
  for (const auto& s : strings) total += static_cast<std::uint32_t>(s.size() + 1);
  if (!memory_.contains(buf, total) || !memory_.contains(pointers, 4ull * strings.size())) return SB_EFAULT;
  guest_ptr cursor = buf;
  for (std::size_t i = 0; i < strings.size(); ++i) {
    const auto& s = strings[i];
    auto bytes = std::span(reinterpret_cast<const std::uint8_t*>(s.c_str()), s.size() + 1);
    if (!memory_.write(cursor, bytes) || !memory_.write_u32(pointers + 4 * static_cast<guest_ptr>(i), cursor))
      return SB_EFAULT;
    cursor += static_cast<guest_ptr>(bytes.size());
  }
  return 0;
}

std::int32_t wasi_preview1::args_sizes_get(guest_ptr argc, guest_ptr argv_buf_size) {
  return sizes_get(args_, argc, argv_buf_size);
}
std::int32_t wasi_preview1::args_get(guest_ptr argv, guest_ptr argv_buf) { return strings_get(args_, argv, argv_buf); }
std::int32_t wasi_preview1::environ_sizes_get(guest_ptr count, guest_ptr buf_size) {
  return sizes_get(environ_, count, buf_size);
}
std::int32_t wasi_preview1::environ_get(guest_ptr environ, guest_ptr environ_buf) {
  return strings_get(environ_, environ, environ_buf);
}

std::int32_t wasi_preview1::clock_res_get(std::uint32_t clock_id, guest_ptr resolution) {
  if (clock_id != clock_realtime && clock_id != clock_monotonic) return SB_EINVAL;
  return memory_.write_u64(resolution, 1000) ? 0 : SB_EFAULT;
}

std::int32_t wasi_preview1::clock_time_get(std::uint32_t clock_id, std::uint64_t precision, guest_ptr time) {
  (void)precision;
  std::chrono::nanoseconds now{};
  if (clock_id == clock_realtime)
    now = std::chrono::system_clock::now().time_since_epoch();
  else if (clock_id == clock_monotonic)
    now = std::chrono::steady_clock::now().time_since_epoch();
  else
    return SB_EINVAL;
  return memory_.write_u64(time, static_cast<std::uint64_t>(now.count())) ? 0 : SB_EFAULT;
}

std::int32_t wasi_preview1::random_get(guest_ptr buf, std::uint32_t len) {
  if (!memory_.contains(buf, len)) return SB_EFAULT;
  std::uint8_t chunk[256];
  for (std::uint32_t done = 0; done < len;) {
    const auto piece = std::min<std::uint32_t>(sizeof chunk, len - done);
    if (getentropy(chunk, piece) != 0) return SB_EIO;
    if (!memory_.write(buf + done, std::span(chunk, piece))) return SB_EFAULT;
    done += piece;
  }
  return 0;
}

std::int32_t wasi_preview1::read_iovecs(guest_ptr iovs, std::uint32_t iovs_len, std::vector<iovec>& out) const {
  if (iovs_len > max_iovecs) return SB_EINVAL;
  out.clear();
  std::uint64_t total = 0;
  for (std::uint32_t i = 0; i < iovs_len; ++i) {
    auto buf = memory_.read_u32(iovs + 8 * i);
    auto len = memory_.read_u32(iovs + 8 * i + 4);
    if (!buf || !len) return SB_EFAULT;
    if (!memory_.contains(*buf, *len)) return SB_EFAULT;
    total += *len;
    out.push_back({*buf, *len});
  }
  // The count a call reports is a u32 (and ssize_t in the guest): lengths that
  // add up past INT32_MAX are EINVAL, as readv/writev answer past SSIZE_MAX,
  // instead of a count that wrapped around.
  return total > std::numeric_limits<std::int32_t>::max() ? SB_EINVAL : 0;
}

std::int32_t wasi_preview1::fd_write(std::int32_t fd, guest_ptr iovs, std::uint32_t iovs_len, guest_ptr nwritten) {
  std::vector<iovec> vectors;
  if (auto e = read_iovecs(iovs, iovs_len, vectors)) return e;
  if (!memory_.contains(nwritten, 4)) return SB_EFAULT;
  std::uint32_t total = 0;
  const auto object = sockets_.object_of(fd);
  if (object == 1 || object == 2) {
    std::vector<std::uint8_t> chunk;
    for (const auto& v : vectors)
      for (std::uint32_t done = 0; done < v.len;) {
        chunk.resize(std::min<std::size_t>(stdio_chunk_bytes, v.len - done));
        if (!memory_.read(v.buf + done, chunk)) return SB_EFAULT;
        stdio_.write(object, chunk);
        done += static_cast<std::uint32_t>(chunk.size());
      }
    for (const auto& v : vectors) total += v.len;
  } else if (const open_file* file = find_file(fd); file && discards_writes(*file)) {
    for (const auto& v : vectors) total += v.len;
  } else if (sockets_.is_stream_fd(fd)) {
    // One send per call keeps partial-write semantics simple and correct.
    auto first = std::find_if(vectors.begin(), vectors.end(), [](const iovec& v) { return v.len > 0; });
    if (first != vectors.end()) {
      const auto sent = sockets_.write(fd, first->buf, first->len);
      if (sent < 0) return as_wasi_result(sent);
      total = static_cast<std::uint32_t>(sent);
    }
  } else {
    return SB_EBADF;
  }
  return memory_.write_u32(nwritten, total) ? 0 : SB_EFAULT;
}

std::int32_t wasi_preview1::fd_read(std::int32_t fd, guest_ptr iovs, std::uint32_t iovs_len, guest_ptr nread) {
  std::vector<iovec> vectors;
  if (auto e = read_iovecs(iovs, iovs_len, vectors)) return e;
  if (!memory_.contains(nread, 4)) return SB_EFAULT;
  std::uint32_t total = 0;
  if (sockets_.is_stream_fd(fd)) {
    auto first = std::find_if(vectors.begin(), vectors.end(), [](const iovec& v) { return v.len > 0; });
    if (first != vectors.end()) {
      const auto got = sockets_.read(fd, first->buf, first->len);
      if (got < 0) return as_wasi_result(got);
      total = static_cast<std::uint32_t>(got);
    }
  } else if (sockets_.object_of(fd) == 0) {
    auto first = std::find_if(vectors.begin(), vectors.end(), [](const iovec& v) { return v.len > 0; });
    if (first != vectors.end()) {
      const auto got = sockets_.read_stdin(first->buf, first->len);
      if (got < 0) return as_wasi_result(got);
      total = static_cast<std::uint32_t>(got);
    }
  } else if (open_file* file = find_file(fd)) {
    if (auto e = read_file(*file, vectors, file->offset, total)) return e;
    file->offset += total;
  } else {
    return SB_EBADF;
  }
  return memory_.write_u32(nread, total) ? 0 : SB_EFAULT;
}

std::int32_t wasi_preview1::fd_close(std::int32_t fd) {
  const auto object = sockets_.object_of(fd);
  if (object < 0) return SB_EBADF;
  if (is_stdio(fd) && object == fd) return 0;  // stdio on its own fd stays open
  if (find_file(fd)) return close_file(fd);
  if (sockets_.is_stream_fd(fd)) return -sockets_.sock_close(fd);
  sockets_.release_fd(fd);  // another fd for a stdio stream (dup)
  return 0;
}

bool wasi_preview1::names_stdio(std::int32_t fd) const { return is_stdio(sockets_.object_of(fd)); }

std::int32_t wasi_preview1::dup(std::int32_t fd, std::int32_t lowest) { return sockets_.dup(fd, lowest); }

std::int32_t wasi_preview1::dup2(std::int32_t fd, std::int32_t target) {
  if (sockets_.object_of(fd) < 0 || target < 0 || target >= max_open_fds) return -SB_EBADF;
  if (fd == target) return target;
  if (sockets_.object_of(target) >= 0) {
    // POSIX: target is closed first, silently; a stdio stream on its own fd is let go too.
    if (is_stdio(target) && sockets_.object_of(target) == target)
      sockets_.release_fd(target);
    else
      (void)fd_close(target);
  }
  return sockets_.dup_onto(fd, target);
}

std::int32_t wasi_preview1::fd_fdstat_get(std::int32_t fd, guest_ptr stat) {
  if (const open_file* file = find_file(fd)) return file_fdstat(*file, stat);
  std::uint8_t raw[24] = {};
  if (names_stdio(fd)) {
    raw[0] = filetype_character_device;
    raw[2] = sockets_.object_of(fd) == 0 ? 0 : fdflags_append;
  } else if (const socket* s = sockets_.find(fd)) {
    raw[0] = static_cast<std::uint8_t>(s->type);
    raw[2] = s->nonblocking ? fdflags_nonblock : 0;
  } else {
    return SB_EBADF;
  }
  for (int i = 8; i < 24; ++i) raw[i] = static_cast<std::uint8_t>(rights_all);
  return memory_.write(stat, raw) ? 0 : SB_EFAULT;
}

std::int32_t wasi_preview1::fd_seek(std::int32_t fd, std::int64_t offset, std::uint32_t whence, guest_ptr new_offset) {
  if (open_file* file = find_file(fd)) return file_seek(*file, offset, whence, new_offset);
  if (names_stdio(fd) || sockets_.is_stream_fd(fd)) return SB_ESPIPE;
  return SB_EBADF;
}

std::int32_t wasi_preview1::fd_fdstat_set_flags(std::int32_t fd, std::uint32_t flags) {
  // stdio and files are always ready enough; the flag is accepted
  if (names_stdio(fd) || find_file(fd)) return 0;
  return -sockets_.set_nonblocking(fd, (flags & fdflags_nonblock) != 0);
}

std::int32_t wasi_preview1::poll_oneoff(guest_ptr in, guest_ptr out, std::uint32_t nsubscriptions, guest_ptr nevents) {
  if (nsubscriptions == 0 || nsubscriptions > max_subscriptions) return SB_EINVAL;
  std::vector<std::uint8_t> subs(std::size_t{nsubscriptions} * subscription_bytes);
  if (!memory_.read(in, subs)) return SB_EFAULT;
  if (!memory_.contains(out, std::uint64_t{nsubscriptions} * event_bytes) || !memory_.contains(nevents, 4))
    return SB_EFAULT;

  std::vector<std::uint8_t> events;
  std::optional<std::uint64_t> earliest_timeout_ms;
  bool clock_expired = false;
  const auto now_ns = std::uint64_t{sockets_.now_ms()} * 1'000'000;
  for (std::uint32_t i = 0; i < nsubscriptions; ++i) {
    const auto* sub = subs.data() + std::size_t{i} * subscription_bytes;
    const auto tag = sub[8];
    std::uint8_t event[event_bytes] = {};
    std::copy_n(sub, 8, event);  // userdata
    event[10] = tag;
    if (tag == eventtype_clock) {
      const auto timeout_ns = load_u64(sub + 24);
      const bool absolute = (sub[40] & subclock_abstime) != 0;
      const auto remaining_ns = absolute ? (timeout_ns > now_ns ? timeout_ns - now_ns : 0) : timeout_ns;
      const auto remaining_ms = (remaining_ns + 999'999) / 1'000'000;
      if (!earliest_timeout_ms || remaining_ms < *earliest_timeout_ms) earliest_timeout_ms = remaining_ms;
      continue;  // reported only if it fires
    }
    const auto fd = static_cast<std::int32_t>(load_u64(sub + 16) & 0xffffffffu);
    const auto mask = sockets_.poll_events(fd);
    const bool wanted = tag == eventtype_fd_read ? (mask & (SB_POLLIN | SB_POLLHUP | SB_POLLERR))
                                                 : (mask & (SB_POLLOUT | SB_POLLHUP | SB_POLLERR));
    if (mask & SB_POLLNVAL) {
      event[8] = SB_EBADF;
    } else if (!wanted) {
      continue;
    } else if (tag == eventtype_fd_read) {
      store_u64(event + 16, readable_bytes(fd));  // fd_readwrite.nbytes: ioctl(FIONREAD) reads it
    }
    events.insert(events.end(), event, event + event_bytes);
  }
  if (events.empty() && earliest_timeout_ms) {
    const auto waited = sockets_.wait(poll_oneoff_deadline_, std::max<std::uint64_t>(*earliest_timeout_ms, 1), 0);
    if (waited == would_block) return would_block;
    clock_expired = true;
  } else if (events.empty()) {
    return sockets_.block_forever();
  }
  poll_oneoff_deadline_.reset();
  if (clock_expired) {
    for (std::uint32_t i = 0; i < nsubscriptions; ++i) {
      const auto* sub = subs.data() + std::size_t{i} * subscription_bytes;
      if (sub[8] != eventtype_clock) continue;
      std::uint8_t event[event_bytes] = {};
      std::copy_n(sub, 8, event);
      event[10] = eventtype_clock;
      events.insert(events.end(), event, event + event_bytes);
      break;
    }
  }
  if (!memory_.write(out, events)) return SB_EFAULT;
  return memory_.write_u32(nevents, static_cast<std::uint32_t>(events.size() / event_bytes)) ? 0 : SB_EFAULT;
}

void wasi_preview1::proc_exit(std::int32_t code) {
  exit_code_ = code;
  open_files_.clear();
  sockets_.close_all();  // and every fd, files' too
}

}  // namespace sb::host
