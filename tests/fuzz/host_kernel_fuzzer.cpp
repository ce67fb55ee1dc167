// The host kernel (and the WASI layer beside it) driven by a hostile guest and
// a hostile relay at once: the input is a program of guest calls with
// arbitrary fds, pointers and lengths, inbound frames (raw bytes or well-formed
// packets aimed at live streams), clock steps, memory growth and transport loss.
//
// Properties beyond the sanitizers: every call returns success, would_block or
// a named errno (SB_ERRNO_TABLE); every frame the kernel queues for the relay
// decodes cleanly; DATA frames respect max_data_payload_bytes.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "sockbridge/host/kernel.hpp"
#include "sockbridge/host/wasi.hpp"
#include "stdio_sinks.hpp"

namespace {

namespace wisp = sb::protocol;
using namespace sb::host;
using sb::fuzz::check;
using sb::host::testing::discard_stdio;

constexpr std::size_t initial_memory_bytes = 64 * 1024;
constexpr std::size_t max_memory_bytes = 1024 * 1024;
constexpr int max_steps = 512;

const std::set<std::int32_t>& named_errnos() {
  static const std::set<std::int32_t> names{
#define SB_X(name, number, message) number,
      SB_ERRNO_TABLE(SB_X)
#undef SB_X
  };
  return names;
}

void check_socket_result(std::int32_t result) {
  check(result >= 0 || result == would_block || named_errnos().contains(-result),
        "a socket call returns >= 0, would_block or -errno from SB_ERRNO_TABLE");
}

void check_wasi_result(std::int32_t result) {
  check(result == 0 || result == would_block || named_errnos().contains(result),
        "a WASI call returns 0, would_block or a named errno");
}

// A frame the kernel sends must decode, with a payload its decoder accepts.
void check_outgoing(const wisp::bytes& bytes) {
  wisp::frame frame;
  check(wisp::decode_frame(bytes, frame) == wisp::decode_error::ok, "an outgoing frame decodes");
  auto ok = wisp::decode_error::ok;
  switch (frame.type) {
    case wisp::packet_type::connect: {
      wisp::connect_payload payload;
      ok = wisp::decode_connect(frame.payload, payload);
      break;
    }
    case wisp::packet_type::continue_: {
      std::uint32_t remaining = 0;
      ok = wisp::decode_continue(frame.payload, remaining);
      break;
    }
    case wisp::packet_type::close: {
      wisp::close_reason reason{};
      ok = wisp::decode_close(frame.payload, reason);
      break;
    }
    case wisp::packet_type::info: {
      wisp::info_payload info;
      ok = wisp::decode_info(frame.payload, info);
      break;
    }
    case wisp::packet_type::resolve: {
      wisp::resolve_payload request;
      ok = wisp::decode_resolve(frame.payload, request);
      break;
    }
    case wisp::packet_type::listen: {
      wisp::listen_payload request;
      ok = wisp::decode_listen(frame.payload, request);
      break;
    }
    case wisp::packet_type::udp_bind: {
      wisp::endpoint address;
      ok = wisp::decode_udp_bind(frame.payload, address);
      break;
    }
    case wisp::packet_type::datagram: {
      wisp::datagram_payload datagram;
      ok = wisp::decode_datagram(frame.payload, datagram);
      break;
    }
    case wisp::packet_type::data:
      check(frame.payload.size() <= max_data_payload_bytes, "DATA is at most max_data_payload_bytes");
      break;
    case wisp::packet_type::shutdown:
      check(frame.payload.empty(), "SHUTDOWN has no payload");
      break;
    default:
      check(false, "the kernel sends only client packet types");
  }
  check(ok == wisp::decode_error::ok, "an outgoing payload decodes");
}

class program {
 public:
  program(const std::uint8_t* data, std::size_t size) : input_(data, size) {}

  void run() {
    for (int step = 0; step < max_steps && input_.remaining_bytes() > 0; ++step)
      if (!step_once()) break;
    check(!stdio_.wrote_elsewhere, "stdio output goes to fd 1 or 2");
    drain();
    kernel_.close_all();
    drain();
  }

 private:
  // Pointers: mostly near something real, sometimes straddling the end of
  // memory or anywhere in the 32-bit space.
  guest_ptr pointer() {
    const auto size = static_cast<guest_ptr>(memory_.size());
    switch (input_.ConsumeIntegralInRange(0, 3)) {
      case 0:
        return input_.ConsumeIntegralInRange<guest_ptr>(0, 0x2000);
      case 1:
        return size - input_.ConsumeIntegralInRange<guest_ptr>(0, 64);
      case 2:
        return input_.ConsumeIntegralInRange<guest_ptr>(0, size);
      default:
        return input_.ConsumeIntegral<guest_ptr>();
    }
  }

  std::uint32_t length() {
    switch (input_.ConsumeIntegralInRange(0, 2)) {
      case 0:
        return input_.ConsumeIntegralInRange<std::uint32_t>(0, 64);
      case 1:
        return input_.ConsumeIntegralInRange<std::uint32_t>(0, 128 * 1024);
      default:
        return input_.ConsumeIntegral<std::uint32_t>();
    }
  }

  // Mostly an open fd (stdio or a socket), sometimes any number at all.
  std::int32_t fd() {
    if (input_.ConsumeBool()) return input_.ConsumeIntegral<std::int32_t>();
    std::vector<std::int32_t> open{0, 1, 2};
    for (const auto& [number, s] : kernel_.sockets()) open.push_back(number);
    return open[input_.ConsumeIntegralInRange<std::size_t>(0, open.size() - 1)];
  }

  // Mostly the stream of a live socket, else 0, a relay-created id or anything.
  std::uint32_t stream_id() {
    switch (input_.ConsumeIntegralInRange(0, 3)) {
      case 0: {
        std::vector<std::uint32_t> live;
        for (const auto& [number, s] : kernel_.sockets()) live.push_back(s.stream_id);
        if (live.empty()) return 1;
        return live[input_.ConsumeIntegralInRange<std::size_t>(0, live.size() - 1)];
      }
      case 1:
        return input_.ConsumeIntegralInRange<std::uint32_t>(0, 16);
      case 2:
        return wisp::relay_stream_id_bit | input_.ConsumeIntegralInRange<std::uint32_t>(0, 16);
      default:
        return input_.ConsumeIntegral<std::uint32_t>();
    }
  }

  std::int32_t pick(std::initializer_list<std::int32_t> likely) {
    const auto index = input_.ConsumeIntegralInRange<std::size_t>(0, likely.size());
    return index < likely.size() ? likely.begin()[index] : input_.ConsumeIntegral<std::int32_t>();
  }

  wisp::endpoint endpoint() {
    wisp::endpoint e;
    e.family = input_.ConsumeBool() ? 4 : 6;
    e.port = input_.ConsumeIntegral<std::uint16_t>();
    const auto ip = input_.ConsumeBytes<std::uint8_t>(e.family == 4 ? 4 : 16);
    std::copy(ip.begin(), ip.end(), e.ip.begin());
    return e;
  }

  // A well-formed packet from the relay, aimed where it can change state.
  wisp::bytes relay_packet() {
    wisp::bytes out;
    const auto id = stream_id();
    switch (input_.ConsumeIntegralInRange(0, 9)) {
      case 0: {
        wisp::info_payload info{2, 0, {}};
        for (auto ext : {wisp::extension_id::stream_open_confirmation, wisp::extension_id::sockbridge})
          if (input_.ConsumeBool()) info.extensions.push_back({static_cast<std::uint8_t>(ext), {}});
        wisp::encode_info(out, info);
        break;
      }
      case 1:
        wisp::encode_continue(out, input_.ConsumeBool() ? 0 : id, input_.ConsumeIntegralInRange<std::uint32_t>(0, 64));
        break;
      case 2: {
        const auto bytes = input_.ConsumeBytes<std::uint8_t>(input_.ConsumeIntegralInRange(0, 4096));
        wisp::encode_data(out, id, bytes);
        break;
      }
      case 3:
        wisp::encode_close(out, id, static_cast<wisp::close_reason>(input_.ConsumeIntegral<std::uint8_t>()));
        break;
      case 4:
        wisp::encode_connected(out, id, {endpoint(), endpoint()});
        break;
      case 5:
        wisp::encode_accepted(out, id, {stream_id(), endpoint(), endpoint()});
        break;
      case 6: {
        wisp::resolved_payload answer{input_.ConsumeIntegral<std::uint8_t>(), {}};
        const auto count = input_.ConsumeIntegralInRange<std::size_t>(0, wisp::max_resolved_addresses);
        for (std::size_t i = 0; i < count; ++i) answer.addresses.push_back(endpoint());
        wisp::encode_resolved(out, id, answer);
        break;
      }
      case 7:
        wisp::encode_shutdown(out, id);
        break;
      case 8: {
        const auto bytes = input_.ConsumeBytes<std::uint8_t>(input_.ConsumeIntegralInRange(0, 2048));
        wisp::encode_datagram(out, id, {endpoint(), bytes});
        break;
      }
      default:
        out = input_.ConsumeBytes<std::uint8_t>(input_.ConsumeIntegralInRange(0, 512));
    }
    return out;
  }

  // Puts a sockaddr_in / sockaddr_in6 (or garbage) where the guest will pass it.
  void write_sockaddr() {
    const auto at = input_.ConsumeIntegralInRange<guest_ptr>(0, 0x2000);
    socket_address address;
    address.family = input_.ConsumeBool() ? SB_AF_INET : SB_AF_INET6;
    const auto ip = input_.ConsumeBytes<std::uint8_t>(16);
    std::copy(ip.begin(), ip.end(), address.ip.begin());
    address.port = input_.ConsumeIntegral<std::uint16_t>();
    std::array<std::uint8_t, SB_SOCKADDR_IN6_SIZE> raw{};
    const auto size = encode_socket_address(address, raw);
    (void)memory_.write(at, std::span{raw}.first(size));
  }

  void write_bytes() {
    const auto at = input_.ConsumeIntegralInRange<guest_ptr>(0, 0x2000);
    const auto bytes = input_.ConsumeBytes<std::uint8_t>(input_.ConsumeIntegralInRange(0, 256));
    (void)memory_.write(at, bytes);
  }

  void drain() {
    while (kernel_.has_outgoing()) {
      check_outgoing(kernel_.next_outgoing());
      kernel_.pop_outgoing();
    }
  }

  bool step_once() {
    auto& k = kernel_;
    switch (input_.ConsumeIntegralInRange(0, 27)) {
      case 0:
        check_socket_result(k.sock_socket(pick({SB_AF_INET, SB_AF_INET6}),
                                          pick({SB_SOCK_STREAM, SB_SOCK_STREAM | SB_SOCK_NONBLOCK, SB_SOCK_DGRAM}),
                                          pick({0, SB_IPPROTO_TCP})));
        break;
      case 1:
        check_socket_result(k.sock_connect(fd(), pointer(), length()));
        break;
      case 2:
        check_socket_result(k.sock_send(fd(), pointer(), length(), pick({0, SB_MSG_NOSIGNAL, SB_MSG_DONTWAIT})));
        break;
      case 3:
        check_socket_result(
            k.sock_recv(fd(), pointer(), length(), pick({0, SB_MSG_PEEK, SB_MSG_WAITALL, SB_MSG_DONTWAIT})));
        break;
      case 4:
        check_socket_result(k.sock_bind(fd(), pointer(), length()));
        break;
      case 5:
        check_socket_result(k.sock_listen(fd(), pick({0, 1, 128, -1})));
        break;
      case 6:
        check_socket_result(k.sock_accept(fd(), pointer(), pointer()));
        break;
      case 7:
        check_socket_result(k.sock_close(fd()));
        break;
      case 8:
        check_socket_result(
            k.sock_setsockopt(fd(), pick({SB_SOL_SOCKET, SB_IPPROTO_TCP}),
                              pick({SB_SO_REUSEADDR, SB_SO_TYPE, SB_SO_ERROR, SB_SO_SNDBUF, SB_SO_RCVBUF,
                                    SB_SO_KEEPALIVE, SB_SO_RCVTIMEO, SB_SO_SNDTIMEO, SB_TCP_NODELAY}),
                              pointer(), length()));
        break;
      case 9:
        check_socket_result(
            k.sock_getsockopt(fd(), pick({SB_SOL_SOCKET, SB_IPPROTO_TCP}),
                              pick({SB_SO_REUSEADDR, SB_SO_TYPE, SB_SO_ERROR, SB_SO_SNDBUF, SB_SO_RCVBUF,
                                    SB_SO_KEEPALIVE, SB_SO_RCVTIMEO, SB_SO_SNDTIMEO, SB_TCP_NODELAY}),
                              pointer(), pointer()));
        break;
      case 10:
        check_socket_result(input_.ConsumeBool() ? k.sock_getpeername(fd(), pointer(), pointer())
                                                 : k.sock_getsockname(fd(), pointer(), pointer()));
        break;
      case 11:
        check_socket_result(k.sock_poll(pointer(), length(), pick({0, -1, 10, 1000})));
        break;
      case 12:
        check_socket_result(k.sock_shutdown(fd(), pick({SB_SHUT_RD, SB_SHUT_WR, SB_SHUT_RDWR})));
        break;
      case 13:
        check_socket_result(k.sock_getaddrinfo(pointer(), length(), pick({SB_AF_UNSPEC, SB_AF_INET, SB_AF_INET6}),
                                               pointer(), length()));
        break;
      case 14:
        check_socket_result(k.set_nonblocking(fd(), input_.ConsumeBool()));
        break;
      case 15:
        write_sockaddr();
        break;
      case 16:
        write_bytes();
        break;
      case 17: {
        const auto frame = relay_packet();
        k.on_frame(frame);
        break;
      }
      case 18:
        drain();
        break;
      case 19:
        now_ += input_.ConsumeIntegral<std::uint16_t>();
        (void)k.wake_after_ms();
        break;
      case 20:
        k.on_transport_closed();
        break;
      case 21:
        (void)k.poll_events(fd());
        break;
      case 22: {
        const auto bytes = input_.ConsumeBytes<std::uint8_t>(input_.ConsumeIntegralInRange(0, 64));
        switch (input_.ConsumeIntegralInRange(0, 3)) {
          case 0:
            k.attach_stdin();
            break;
          case 1:
            k.push_stdin(bytes);
            break;
          case 2:
            k.close_stdin();
            break;
          default:
            check_socket_result(k.read_stdin(pointer(), length()));
        }
        break;
      }
      case 23:
        check_wasi_result(input_.ConsumeBool() ? wasi_.fd_write(fd(), pointer(), length(), pointer())
                                               : wasi_.fd_read(fd(), pointer(), length(), pointer()));
        break;
      case 24:
        check_wasi_result(wasi_.poll_oneoff(pointer(), pointer(), length(), pointer()));
        break;
      case 25:
        switch (input_.ConsumeIntegralInRange(0, 9)) {
          case 0:
            check_wasi_result(wasi_.args_sizes_get(pointer(), pointer()));
            break;
          case 1:
            check_wasi_result(wasi_.args_get(pointer(), pointer()));
            break;
          case 2:
            check_wasi_result(wasi_.environ_get(pointer(), pointer()));
            break;
          case 3:
            check_wasi_result(wasi_.clock_time_get(pick({0, 1}), 0, pointer()));
            break;
          case 4:
            check_wasi_result(wasi_.random_get(pointer(), length()));
            break;
          case 5:
            check_wasi_result(wasi_.fd_close(fd()));
            break;
          case 6:
            check_wasi_result(wasi_.fd_fdstat_get(fd(), pointer()));
            break;
          case 7:
            check_wasi_result(wasi_.fd_seek(fd(), input_.ConsumeIntegral<std::int64_t>(), pick({0, 1, 2}), pointer()));
            break;
          case 8:
            check_wasi_result(wasi_.fd_fdstat_set_flags(fd(), pick({0, 1, 4, 5})));
            break;
          default:
            check_wasi_result(wasi_.fd_prestat_get(fd(), pointer()));
        }
        break;
      case 26:
        // Guest memory only grows (memory.grow); calls see the new size.
        if (memory_.size() < max_memory_bytes) memory_.bytes().resize(memory_.size() + 64 * 1024);
        break;
      default:
        wasi_.proc_exit(input_.ConsumeIntegral<std::int32_t>());
        return false;  // the guest is gone
    }
    return true;
  }

  FuzzedDataProvider input_;
  vector_guest_memory memory_{initial_memory_bytes};
  std::uint64_t now_ = 1'000'000;
  kernel kernel_{memory_, [this] { return now_; }};
  discard_stdio stdio_;
  wasi_preview1 wasi_{memory_, kernel_, stdio_};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  program{data, size}.run();
  return 0;
}
