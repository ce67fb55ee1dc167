// relay_session: the relay's Wisp session fed arbitrary frame sequences, in
// process. A relay core (listener, sessions, streams, resolver, policy) runs on
// a background thread; each input becomes one WebSocket session from a client
// in this process:
//   byte 0: bit 0 offer "wisp-v2" (else Wisp v1), bit 1 end with a WebSocket
//           close handshake (else drop the TCP connection)
//   then messages: u16 little-endian length, that many bytes (one binary
//           WebSocket message each; a short tail is sent as it is)
// Two clients play each input at once, and the relay runs two I/O threads, so
// the two sessions live on different threads and meet only where the relay
// shares state (session registry, metrics, stream counts, drain).
// After the last message the clients leave and the relay must end both
// sessions within a few seconds (a hang is a bug, reported by aborting).
// The policy denies every address (no stream reaches anything real); ctest runs
// this in a network namespace with only loopback, so name lookups stay local.
#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>

#include "config.hpp"
#include "io_pool.hpp"
#include "listener.hpp"
#include "log.hpp"
#include "session_registry.hpp"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

constexpr auto session_end_limit = std::chrono::seconds(5);
constexpr std::size_t max_messages = 256;
// One session per I/O thread: io_pool hands connections out round robin.
constexpr unsigned relay_threads = 2;

struct relay_in_process {
  sb::relay::io_pool pool{relay_threads, /*lookup threads*/ 2};
  std::shared_ptr<sb::relay::listener> server;
  std::thread thread;
  tcp::endpoint endpoint;

  relay_in_process() {
    sb::relay::set_log_threshold(sb::relay::log_level::error);
    auto config = std::make_shared<sb::relay::relay_config>();
    config->policy.deny = {*sb::relay::parse_address_range("0.0.0.0/0"), *sb::relay::parse_address_range("::/0")};
    config->listen_enabled = true;
    config->dns_timeout = std::chrono::seconds(1);
    config->connect_timeout = std::chrono::seconds(1);
    config->handshake_timeout = std::chrono::seconds(2);
    config->threads = relay_threads;
    server = std::make_shared<sb::relay::listener>(pool, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0), config);
    endpoint = server->local_endpoint();
    server->run();
    thread = std::thread([this] { pool.run(); });
  }
};

relay_in_process& relay() {
  static auto* instance = new relay_in_process();  // lives for the whole process
  return *instance;
}

// Sends the input's messages; returns quietly when the relay closes first. Called from two threads at once.
void play(const std::uint8_t* data, std::size_t size) {
  net::io_context client_context;
  websocket::stream<tcp::socket> ws(client_context);
  beast::error_code ec;
  ws.next_layer().connect(relay().endpoint, ec);
  if (ec) return;
  // Reads in the close handshake must not wait for ever on a stuck relay.
  timeval limit{static_cast<time_t>(session_end_limit.count()), 0};
  setsockopt(ws.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  const bool v2 = size > 0 && (data[0] & 1);
  const bool polite = size > 0 && (data[0] & 2);
  if (v2)
    ws.set_option(websocket::stream_base::decorator(
        [](websocket::request_type& request) { request.set(beast::http::field::sec_websocket_protocol, "wisp-v2"); }));
  ws.handshake("127.0.0.1", "/", ec);
  if (ec) return;
  ws.binary(true);
  std::size_t at = size > 0 ? 1 : 0;
  for (std::size_t sent = 0; at < size && sent < max_messages && !ec; ++sent) {
    std::size_t length = size - at;
    if (length >= 2) {
      length = std::min<std::size_t>(data[at] | data[at + 1] << 8, size - at - 2);
      at += 2;
    }
    ws.write(net::buffer(data + at, length), ec);
    at += length;
  }
  if (polite && !ec) {
    ws.close(websocket::close_code::normal, ec);
    beast::flat_buffer sink;
    while (!ec) ws.read(sink, ec), sink.clear();  // until the relay's close frame
  }
  ws.next_layer().close(ec);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::thread second([&] { play(data, size); });
  play(data, size);
  second.join();
  const auto deadline = std::chrono::steady_clock::now() + session_end_limit;
  while (sb::relay::sessions().size() != 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      std::fprintf(stderr, "relay_session: the session did not end within %lld s after the client left\n",
                   static_cast<long long>(session_end_limit.count()));
      std::abort();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return 0;
}
