// sockbridge-bench-client: the native client of bench/relay's throughput runs.
// One blocking Boost.Beast WebSocket (or a plain TCP socket) on one thread,
// reading into one reused buffer: it spends far less CPU per byte than Node's
// `ws`, so on a small machine the relay under test, not the client, is what
// the figure measures. The same binary drives every relay.
//
//   sockbridge-bench-client wisp ws://HOST:PORT/PATH download|upload PEER_PORT BYTES
//   sockbridge-bench-client websocket ws://HOST:PORT/PATH download|upload BYTES   (websockify)
//   sockbridge-bench-client tcp PORT download BYTES                               (no relay)
//
// The TCP peer is bench/relay/peer.mjs ("D<n>\n" sends n bytes, "U<n>\n" reads
// n bytes and answers "ok"). Prints the rate in MB/s (10^6 bytes per second),
// timed from the request to the last byte; exits 1 with a message on failure.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "../common/bench_args.hpp"
#include "sockbridge/protocol/wisp.hpp"

namespace net = boost::asio;
namespace websocket = boost::beast::websocket;
namespace protocol = sb::protocol;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

using sb::bench::port_of;

// Payload of each upload message: the size the Node client sends, under Wisp's 64 KiB habit.
constexpr std::size_t upload_piece = 60 * 1024;

class websocket_client {
 public:
  explicit websocket_client(const std::string& url) : ws_(io_) {
    const auto where = sb::bench::parse_ws_url(url);
    net::connect(ws_.next_layer(), tcp::resolver(io_).resolve(where.host, std::to_string(where.port)));
    ws_.next_layer().set_option(tcp::no_delay(true));
    ws_.handshake(where.host + ":" + std::to_string(where.port), where.target);  // no subprotocol: Wisp v1
    ws_.binary(true);
    ws_.auto_fragment(false);
    ws_.write_buffer_bytes(256 * 1024);  // a masked message goes out in one or two writes
  }

  void send(const void* data, std::size_t size) { ws_.write(net::buffer(data, size)); }

  // Whether bytes from the peer wait in the socket (a message may be starting).
  bool has_data() { return ws_.next_layer().available() > 0; }

  // The next message; valid until the next call.
  protocol::byte_view receive() {
    buffer_.consume(buffer_.size());
    ws_.read(buffer_);
    const auto data = buffer_.cdata();
    return {static_cast<const std::uint8_t*>(data.data()), data.size()};
  }

 private:
  net::io_context io_;
  websocket::stream<tcp::socket> ws_;
  boost::beast::flat_buffer buffer_;
};

std::string request(char command, std::uint64_t bytes) { return command + std::to_string(bytes) + "\n"; }

double rate(std::uint64_t bytes, clock_type::time_point started) {
  return static_cast<double>(bytes) / 1e6 / std::chrono::duration<double>(clock_type::now() - started).count();
}

// --- Wisp v1, one stream (id 1) to 127.0.0.1:peer_port ---

class wisp_stream {
 public:
  wisp_stream(const std::string& url, std::uint16_t peer_port) : ws_(url) {
    // The relay's first packet: CONTINUE on stream 0 with the buffer every stream starts with.
    const auto first = next();
    if (first.type != protocol::packet_type::continue_ || first.stream_id != 0)
      throw std::runtime_error("the relay's first packet was not CONTINUE on stream 0");
    credit_ = buffer_of(first.payload);
    protocol::bytes out;
    protocol::encode_connect(out, id, {protocol::stream_type::tcp, peer_port, "127.0.0.1"});
    ws_.send(out.data(), out.size());
  }

  void send(protocol::byte_view data) {
    out_.clear();
    protocol::encode_data(out_, id, data);
    ws_.send(out_.data(), out_.size());
    --credit_;
  }

  // Takes in the CONTINUEs that have arrived (the newest count is the one
  // that holds), then waits while the relay lets this stream send nothing.
  void wait_for_credit() {
    while (ws_.has_data()) take_control(next());
    while (credit_ == 0) take_control(next());
  }

  // DATA that arrived while the stream waited for credit (handed over once).
  std::string take_early_data() { return std::exchange(early_data_, {}); }

  // The next DATA payload of this stream (CONTINUEs in between are kept as credit).
  protocol::byte_view receive() {
    for (;;) {
      const auto f = next();
      if (f.stream_id != id) continue;
      if (f.type == protocol::packet_type::data) return f.payload;
      if (f.type == protocol::packet_type::continue_) credit_ = buffer_of(f.payload);
      if (f.type == protocol::packet_type::close) throw std::runtime_error("stream closed early");
    }
  }

 private:
  static constexpr std::uint32_t id = 1;

  void take_control(const protocol::frame& f) {
    if (f.type == protocol::packet_type::continue_ && f.stream_id == id)
      credit_ = buffer_of(f.payload);
    else if (f.type == protocol::packet_type::close)
      throw std::runtime_error("stream closed while uploading");
    else if (f.type == protocol::packet_type::data && f.stream_id == id)
      early_data_.append(f.payload.begin(), f.payload.end());
  }

  static std::uint32_t buffer_of(protocol::byte_view payload) {
    std::uint32_t buffer_remaining = 0;
    if (protocol::decode_continue(payload, buffer_remaining) != protocol::decode_error::ok)
      throw std::runtime_error("bad CONTINUE from the relay");
    return buffer_remaining;
  }

  protocol::frame next() {
    protocol::frame f;
    if (const auto error = protocol::decode_frame(ws_.receive(), f); error != protocol::decode_error::ok)
      throw std::runtime_error(std::string("bad frame from the relay: ") + std::string(protocol::describe(error)));
    return f;
  }

  websocket_client ws_;
  protocol::bytes out_;
  std::uint32_t credit_ = 0;
  std::string early_data_;  // DATA that came while waiting for credit
};

protocol::byte_view as_bytes(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

double wisp_download(const std::string& url, std::uint16_t peer, std::uint64_t bytes) {
  wisp_stream stream(url, peer);
  const auto started = clock_type::now();
  stream.send(as_bytes(request('D', bytes)));
  for (std::uint64_t got = 0; got < bytes;) got += stream.receive().size();
  return rate(bytes, started);
}

double wisp_upload(const std::string& url, std::uint16_t peer, std::uint64_t bytes) {
  wisp_stream stream(url, peer);
  const std::vector<std::uint8_t> piece(upload_piece, 0x5a);
  const auto started = clock_type::now();
  stream.send(as_bytes(request('U', bytes)));
  for (std::uint64_t sent = 0; sent < bytes;) {
    stream.wait_for_credit();
    const auto size = std::min<std::uint64_t>(piece.size(), bytes - sent);
    stream.send({piece.data(), static_cast<std::size_t>(size)});
    sent += size;
  }
  std::string answer = stream.take_early_data();
  while (answer.size() < 2) {
    const auto part = stream.receive();
    answer.append(part.begin(), part.end());
  }
  if (answer != "ok") throw std::runtime_error("the peer did not answer ok");
  return rate(bytes, started);
}

// --- websockify: the WebSocket carries the TCP bytes as they are ---

double websocket_download(const std::string& url, std::uint64_t bytes) {
  websocket_client ws(url);
  const auto started = clock_type::now();
  const auto command = request('D', bytes);
  ws.send(command.data(), command.size());
  for (std::uint64_t got = 0; got < bytes;) got += ws.receive().size();
  return rate(bytes, started);
}

double websocket_upload(const std::string& url, std::uint64_t bytes) {
  websocket_client ws(url);
  const std::vector<std::uint8_t> piece(upload_piece, 0x5a);
  const auto started = clock_type::now();
  const auto command = request('U', bytes);
  ws.send(command.data(), command.size());
  for (std::uint64_t sent = 0; sent < bytes;) {
    const auto size = std::min<std::uint64_t>(piece.size(), bytes - sent);
    ws.send(piece.data(), static_cast<std::size_t>(size));
    sent += size;
  }
  std::string answer;
  while (answer.size() < 2) {
    const auto part = ws.receive();
    answer.append(part.begin(), part.end());
  }
  if (answer != "ok") throw std::runtime_error("the peer did not answer ok");
  return rate(bytes, started);
}

// --- no relay: the limit ---

double tcp_download(std::uint16_t port, std::uint64_t bytes) {
  net::io_context io;
  tcp::socket socket(io);
  socket.connect({net::ip::make_address("127.0.0.1"), port});
  std::vector<std::uint8_t> buffer(256 * 1024);
  const auto started = clock_type::now();
  net::write(socket, net::buffer(request('D', bytes)));
  for (std::uint64_t got = 0; got < bytes;) got += socket.read_some(net::buffer(buffer));
  return rate(bytes, started);
}

int usage() {
  std::cerr << "usage: sockbridge-bench-client wisp URL download|upload PEER_PORT BYTES\n"
               "       sockbridge-bench-client websocket URL download|upload BYTES\n"
               "       sockbridge-bench-client tcp PORT download BYTES\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    double mbps = 0;
    if (args.size() == 5 && args[0] == "wisp" && args[2] == "download")
      mbps = wisp_download(args[1], port_of(args[3]), std::stoull(args[4]));
    else if (args.size() == 5 && args[0] == "wisp" && args[2] == "upload")
      mbps = wisp_upload(args[1], port_of(args[3]), std::stoull(args[4]));
    else if (args.size() == 4 && args[0] == "websocket" && args[2] == "download")
      mbps = websocket_download(args[1], std::stoull(args[3]));
    else if (args.size() == 4 && args[0] == "websocket" && args[2] == "upload")
      mbps = websocket_upload(args[1], std::stoull(args[3]));
    else if (args.size() == 4 && args[0] == "tcp" && args[2] == "download")
      mbps = tcp_download(port_of(args[1]), std::stoull(args[3]));
    else
      return usage();
    std::printf("%.1f\n", mbps);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "sockbridge-bench-client: " << e.what() << "\n";
    return 1;
  }
}
