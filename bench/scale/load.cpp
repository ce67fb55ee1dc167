// sockbridge-scale-load: bench/scale's native load generator and TCP peer
// (issue 21). One thread, one io_context per process; bench/scale/bench.mjs
// starts several and drives them over stdin/stdout, one line each way.
//
//   sockbridge-scale-load peer
//       Listens on 127.0.0.1 (a free port), prints {"port":N}, serves until
//       stdin closes. A connection's first line is its command: "E\n" echoes
//       every byte back; "D<n>\n" sends n bytes, then waits for the close.
//   sockbridge-scale-load wisp URL ECHO_PORT COUNT FIRST TOTAL
//       Opens COUNT WebSocket sessions (Wisp v1: no subprotocol, so every
//       server speaks it), each with one TCP stream to 127.0.0.1:ECHO_PORT
//       that it turns into an echo stream ("E\n"); prints {"opened":N,...}.
//   sockbridge-scale-load tcp ECHO_PORT COUNT FIRST TOTAL
//       The same with plain TCP connections straight to the peer, no server
//       between: the floor this machine sets (generator, peer, kernel).
//
// Then, for each stdin line
//   phase START_UNIX_MS SECONDS DOWNLOAD DOWNLOAD_BYTES DOWNLOAD_PORT INTERVAL_MS
// it runs a phase and prints one JSON line: every session sends one 32-byte
// echo per second, session FIRST+i at (FIRST+i)/TOTAL of each second (spread
// evenly over the second, not in bursts), for SECONDS s starting at
// START_UNIX_MS (wall clock, shared by every process; the rest runs on
// steady_clock). Reported: each echo's time (send → the 32 bytes back, µs),
// how late each send left against its due time ("lag", µs: the generator's
// own health), echoes lost (not back before the next send or a second after
// the last, or no Wisp credit to send), the process's CPU seconds, and with
// DOWNLOAD 1 how many downloads finished: every session of the process also
// fetches DOWNLOAD_BYTES over a fresh stream to DOWNLOAD_PORT every
// INTERVAL_MS at its own offset (0: back to back). "exit" or end of stdin ends
// the process.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "../common/bench_args.hpp"
#include "sockbridge/protocol/wisp.hpp"

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace protocol = sb::protocol;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;
using boost::system::error_code;

namespace {

using sb::bench::port_of;

constexpr std::size_t echo_bytes = 32;
// Sessions being opened at once: enough to open 8,000 in seconds, few enough
// that the server's accept backlog never overflows.
constexpr std::size_t opens_in_flight = 128;
constexpr std::uint32_t echo_stream_id = 1;
const auto loopback = net::ip::make_address("127.0.0.1");

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::uint32_t micros(clock_type::duration d) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  return static_cast<std::uint32_t>(std::clamp<std::int64_t>(us, 0, UINT32_MAX));
}

// ---------- the peer ----------

class peer_connection : public std::enable_shared_from_this<peer_connection> {
 public:
  explicit peer_connection(tcp::socket socket) : socket_(std::move(socket)) {}

  void start() { read_command(); }

 private:
  void read_command() {
    socket_.async_read_some(net::buffer(buffer_), [self = shared_from_this()](error_code ec, std::size_t n) {
      if (ec) return;
      self->command_.append(self->buffer_.data(), n);
      const auto newline = self->command_.find('\n');
      if (newline == std::string::npos) {
        if (self->command_.size() < 64) self->read_command();
        return;
      }
      const auto rest = self->command_.substr(newline + 1);
      if (self->command_[0] == 'E') return self->echo(rest);
      if (self->command_[0] == 'D') {
        self->download_left_ = std::stoull(self->command_.substr(1, newline - 1));
        return self->send_download();
      }
    });
  }

  void echo(const std::string& already) {
    if (already.empty()) return echo_read();
    std::copy(already.begin(), already.end(), buffer_.begin());
    echo_write(already.size());
  }

  void echo_read() {
    socket_.async_read_some(net::buffer(buffer_), [self = shared_from_this()](error_code ec, std::size_t n) {
      if (!ec) self->echo_write(n);
    });
  }

  void echo_write(std::size_t n) {
    net::async_write(socket_, net::buffer(buffer_.data(), n), [self = shared_from_this()](error_code ec, std::size_t) {
      if (!ec) self->echo_read();
    });
  }

  void send_download() {
    static const std::vector<char> chunk(256 * 1024, 'Z');
    if (download_left_ == 0) return wait_for_close();
    const auto size = std::min<std::uint64_t>(download_left_, chunk.size());
    download_left_ -= size;
    net::async_write(socket_, net::buffer(chunk.data(), size), [self = shared_from_this()](error_code ec, std::size_t) {
      if (!ec) self->send_download();
    });
  }

  // The client closes once it has every byte (some servers drop data queued at a close).
  void wait_for_close() {
    socket_.async_read_some(net::buffer(buffer_), [self = shared_from_this()](error_code ec, std::size_t) {
      if (!ec) self->wait_for_close();
    });
  }

  tcp::socket socket_;
  std::array<char, 4096> buffer_{};
  std::string command_;
  std::uint64_t download_left_ = 0;
};

class peer {
 public:
  explicit peer(net::io_context& io) : acceptor_(io, {loopback, 0}) {}

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  void close() { acceptor_.close(); }

  void accept() {
    acceptor_.async_accept([this](error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted) return;
      if (!ec) {
        socket.set_option(tcp::no_delay(true));
        std::make_shared<peer_connection>(std::move(socket))->start();
      }
      accept();
    });
  }

 private:
  tcp::acceptor acceptor_;
};

// ---------- the load ----------

// What one phase collects across the process's sessions.
struct phase_stats {
  std::vector<std::uint32_t> echo_us;
  std::vector<std::uint32_t> lag_us;
  std::uint64_t lost = 0;
  std::uint64_t downloads = 0;
  std::uint64_t errors = 0;
  std::string first_error;

  void fail(const std::string& what) {
    if (errors++ == 0) first_error = what;
  }
};

// One echo in flight at most: sent_at is set from the send until 32 bytes are back.
struct echo_state {
  std::optional<clock_type::time_point> sent_at;
  std::size_t got = 0;

  void on_bytes(std::size_t n, phase_stats& stats) {
    got += n;
    if (got < echo_bytes || !sent_at) return;
    stats.echo_us.push_back(micros(clock_type::now() - *sent_at));
    got -= echo_bytes;
    sent_at.reset();
  }
};

struct phase_settings {
  clock_type::time_point start;
  int seconds = 0;
  bool download = false;
  std::uint64_t download_bytes = 0;
  std::uint16_t download_port = 0;
  int download_interval_ms = 0;
};

// A session of the load: opened, then told when to echo (and download).
class load_session {
 public:
  virtual ~load_session() = default;
  // Connects, sets up the echo stream, then calls done (with an error text or "").
  virtual void open(std::function<void(const std::string&)> done) = 0;
  // Sends one echo now, or counts it lost.
  virtual void send_echo() = 0;
  virtual void start_download(const phase_settings&) {}
  virtual bool downloading() const { return false; }
  // The echo in flight when a phase ends is lost.
  void end_phase() {
    if (echo_.sent_at) ++stats_.lost;
    echo_.sent_at.reset();
    echo_.got = 0;
  }

 protected:
  explicit load_session(phase_stats& stats) : stats_(stats) {}
  // Starts timing an echo; counts the previous one lost if it never came back.
  void begin_echo() {
    if (echo_.sent_at) ++stats_.lost;
    echo_.got = 0;
    echo_.sent_at = clock_type::now();
  }

  phase_stats& stats_;  // the process's, reset per phase
  echo_state echo_;
};

// A Wisp v1 session over a Beast WebSocket (client role, masked frames).
class wisp_session : public load_session, public std::enable_shared_from_this<wisp_session> {
 public:
  wisp_session(net::io_context& io, phase_stats& stats, const std::string& host, std::uint16_t port, std::string target,
               std::uint16_t echo_port)
      : load_session(stats), ws_(io), host_(host), port_(port), target_(std::move(target)), echo_port_(echo_port) {}

  void open(std::function<void(const std::string&)> done) override {
    opened_ = std::move(done);
    ws_.next_layer().async_connect({net::ip::make_address(host_), port_}, [self = shared_from_this()](error_code ec) {
      if (ec) return self->fail_open("connect: " + ec.message());
      self->ws_.next_layer().set_option(tcp::no_delay(true));
      self->ws_.binary(true);
      self->ws_.auto_fragment(false);
      self->ws_.secure_prng(false);
      const auto host = self->host_ + ":" + std::to_string(self->port_);
      self->ws_.async_handshake(host, self->target_, [self](error_code ec) {
        if (ec) return self->fail_open("handshake: " + ec.message());
        self->read();
      });
    });
  }

  void send_echo() override {
    if (echo_credit_ == 0) {
      ++stats_.lost;  // the server has not granted Wisp buffer for it
      return;
    }
    static const std::vector<std::uint8_t> payload(echo_bytes, 'a');
    begin_echo();
    --echo_credit_;
    send([&](protocol::bytes& out) { protocol::encode_data(out, echo_stream_id, payload); });
  }

  void start_download(const phase_settings& phase) override {
    download_id_ = next_id_++;
    download_got_ = 0;
    download_bytes_ = phase.download_bytes;
    download_port_ = phase.download_port;
    send([&](protocol::bytes& out) {
      protocol::encode_connect(out, download_id_, {protocol::stream_type::tcp, download_port_, "127.0.0.1"});
    });
    const auto command = "D" + std::to_string(download_bytes_) + "\n";
    send([&](protocol::bytes& out) {
      protocol::encode_data(out, download_id_, {reinterpret_cast<const std::uint8_t*>(command.data()), command.size()});
    });
  }

  bool downloading() const override { return download_id_ != 0; }

  // Called when a download finishes (or fails); the phase decides on the next.
  std::function<void()> on_download_end;

 private:
  template <class Encode>
  void send(Encode encode) {
    protocol::bytes out;
    encode(out);
    out_.push_back(std::move(out));
    if (out_.size() == 1) write();
  }

  void write() {
    ws_.async_write(net::buffer(out_.front()), [self = shared_from_this()](error_code ec, std::size_t) {
      if (ec) return self->stats_.fail("write: " + ec.message());
      self->out_.pop_front();
      if (!self->out_.empty()) self->write();
    });
  }

  void read() {
    ws_.async_read(in_, [self = shared_from_this()](error_code ec, std::size_t) {
      if (ec) {
        if (self->opened_) return self->fail_open("read: " + ec.message());
        return self->stats_.fail("read: " + ec.message());
      }
      const auto data = self->in_.cdata();
      self->on_message({static_cast<const std::uint8_t*>(data.data()), data.size()});
      self->in_.consume(self->in_.size());
      self->read();
    });
  }

  void on_message(protocol::byte_view message) {
    protocol::frame f;
    if (protocol::decode_frame(message, f) != protocol::decode_error::ok) return stats_.fail("bad frame");
    if (f.type == protocol::packet_type::continue_) return on_continue(f);
    if (f.stream_id == echo_stream_id) {
      if (f.type == protocol::packet_type::data) return echo_.on_bytes(f.payload.size(), stats_);
      if (f.type == protocol::packet_type::close) return stats_.fail("the echo stream closed");
    }
    if (f.stream_id == download_id_ && download_id_ != 0) {
      if (f.type == protocol::packet_type::data) download_got_ += f.payload.size();
      if (f.type == protocol::packet_type::close || download_got_ >= download_bytes_) end_download(f.type);
    }
  }

  void on_continue(const protocol::frame& f) {
    std::uint32_t buffer = 0;
    if (protocol::decode_continue(f.payload, buffer) != protocol::decode_error::ok) return stats_.fail("bad CONTINUE");
    if (f.stream_id == echo_stream_id) echo_credit_ = buffer;
    if (f.stream_id != protocol::session_stream_id || !opened_) return;
    // The server's first packet: the buffer every stream starts with. Open the echo stream.
    echo_credit_ = buffer;
    send([&](protocol::bytes& out) {
      protocol::encode_connect(out, echo_stream_id, {protocol::stream_type::tcp, echo_port_, "127.0.0.1"});
    });
    static const std::vector<std::uint8_t> command{'E', '\n'};
    --echo_credit_;
    send([&](protocol::bytes& out) { protocol::encode_data(out, echo_stream_id, command); });
    std::exchange(opened_, {})("");
  }

  void end_download(protocol::packet_type last) {
    if (download_got_ >= download_bytes_) ++stats_.downloads;
    if (last != protocol::packet_type::close)
      send([&](protocol::bytes& out) { protocol::encode_close(out, download_id_, protocol::close_reason::voluntary); });
    download_id_ = 0;
    if (on_download_end) on_download_end();
  }

  void fail_open(const std::string& why) {
    if (opened_) std::exchange(opened_, {})(why);
  }

  websocket::stream<tcp::socket> ws_;
  beast::flat_buffer in_;
  std::deque<protocol::bytes> out_;
  std::string host_;
  std::uint16_t port_;
  std::string target_;
  std::uint16_t echo_port_;
  std::function<void(const std::string&)> opened_;
  std::uint32_t echo_credit_ = 0;
  std::uint32_t next_id_ = echo_stream_id + 1;
  std::uint32_t download_id_ = 0;
  std::uint64_t download_got_ = 0;
  std::uint64_t download_bytes_ = 0;
  std::uint16_t download_port_ = 0;
};

// A plain TCP connection to the peer: the same echoes without a server between.
class tcp_session : public load_session, public std::enable_shared_from_this<tcp_session> {
 public:
  tcp_session(net::io_context& io, phase_stats& stats, std::uint16_t echo_port)
      : load_session(stats), socket_(io), echo_port_(echo_port) {}

  void open(std::function<void(const std::string&)> done) override {
    socket_.async_connect({loopback, echo_port_}, [self = shared_from_this(), done](error_code ec) {
      if (ec) return done("connect: " + ec.message());
      self->socket_.set_option(tcp::no_delay(true));
      net::write(self->socket_, net::buffer("E\n", 2));
      self->read();
      done("");
    });
  }

  void send_echo() override {
    static const std::vector<std::uint8_t> payload(echo_bytes, 'a');
    begin_echo();
    net::async_write(socket_, net::buffer(payload), [self = shared_from_this()](error_code ec, std::size_t) {
      if (ec) self->stats_.fail("write: " + ec.message());
    });
  }

 private:
  void read() {
    socket_.async_read_some(net::buffer(buffer_), [self = shared_from_this()](error_code ec, std::size_t n) {
      if (ec) return self->stats_.fail("read: " + ec.message());
      self->echo_.on_bytes(n, self->stats_);
      self->read();
    });
  }

  tcp::socket socket_;
  std::uint16_t echo_port_;
  std::array<char, 4096> buffer_{};
};

// The process's sessions, the schedule of their echoes and the control lines.
class load {
 public:
  load(net::io_context& io, std::size_t first, std::size_t total)
      : io_(io), timer_(io), first_(first), total_(total), stdin_(io, ::dup(0)) {}

  std::vector<std::shared_ptr<load_session>> sessions;
  phase_stats stats;  // the current phase's (or the opening's), shared by every session

  void open_all() {
    opened_at_ = clock_type::now();
    for (std::size_t i = 0; i < std::min(opens_in_flight, sessions.size()); ++i) open_next();
    if (sessions.empty()) report_opened();
  }

 private:
  void open_next() {
    const auto index = next_open_++;
    sessions[index]->open([this](const std::string& error) {
      if (error.empty())
        ++opened_;
      else
        stats.fail(error);
      if (next_open_ < sessions.size()) open_next();
      if (++open_done_ == sessions.size()) report_opened();
    });
  }

  void report_opened() {
    const auto seconds = std::chrono::duration<double>(clock_type::now() - opened_at_).count();
    std::printf("{\"opened\":%zu,\"failed\":%llu,\"seconds\":%.2f,\"error\":\"%s\"}\n", opened_,
                static_cast<unsigned long long>(stats.errors), seconds, stats.first_error.c_str());
    std::fflush(stdout);
    stats = {};
    read_command();
  }

  void read_command() {
    net::async_read_until(stdin_, commands_, '\n', [this](error_code ec, std::size_t) {
      if (ec) return io_.stop();
      std::istream in(&commands_);
      std::string line;
      std::getline(in, line);
      std::istringstream words(line);
      std::string verb;
      words >> verb;
      if (verb != "phase") return io_.stop();
      long long start_unix_ms = 0;
      int download = 0;
      int download_port = 0;
      words >> start_unix_ms >> phase_.seconds >> download >> phase_.download_bytes >> download_port >>
          phase_.download_interval_ms;
      if (!words) throw std::runtime_error("bad phase line: " + line);
      phase_.download = download != 0;
      phase_.download_port = static_cast<std::uint16_t>(download_port);
      const auto unix_now = std::chrono::system_clock::now().time_since_epoch();
      phase_.start = clock_type::now() + (std::chrono::milliseconds(start_unix_ms) - unix_now);
      start_phase();
    });
  }

  // Session FIRST+i sends at (FIRST+i)/TOTAL of each second.
  clock_type::duration offset_of(std::size_t i) const {
    return std::chrono::duration_cast<clock_type::duration>(
        std::chrono::duration<double>(static_cast<double>(first_ + i) / static_cast<double>(total_)));
  }

  clock_type::time_point due(std::size_t round, std::size_t i) const {
    return phase_.start + std::chrono::seconds(round) + offset_of(i);
  }

  void start_phase() {
    stats = {};
    stats.echo_us.reserve(sessions.size() * static_cast<std::size_t>(phase_.seconds));
    stats.lag_us.reserve(sessions.size() * static_cast<std::size_t>(phase_.seconds));
    cpu_before_ = cpu_seconds();
    round_ = 0;
    next_ = 0;
    if (phase_.download) start_downloads();
    schedule();
  }

  void schedule() {
    if (sessions.empty() || round_ == static_cast<std::size_t>(phase_.seconds)) return finish_after_grace();
    timer_.expires_at(due(round_, next_));
    timer_.async_wait([this](error_code ec) {
      if (ec) return;
      send_due();
      schedule();
    });
  }

  // Sends every echo whose time has come; lag is how late each one leaves.
  void send_due() {
    const auto end_round = static_cast<std::size_t>(phase_.seconds);
    while (round_ < end_round) {
      const auto now = clock_type::now();
      const auto at = due(round_, next_);
      if (at > now) return;
      stats.lag_us.push_back(micros(now - at));
      sessions[next_]->send_echo();
      if (++next_ == sessions.size()) {
        next_ = 0;
        ++round_;
      }
    }
  }

  // Each session downloads at its own offset, every interval (or back to back).
  void start_downloads() {
    download_timers_.clear();
    for (std::size_t i = 0; i < sessions.size(); ++i) {
      auto timer = std::make_shared<net::steady_timer>(io_);
      download_timers_.push_back(timer);
      auto* session = dynamic_cast<wisp_session*>(sessions[i].get());
      if (!session) throw std::runtime_error("downloads need Wisp sessions");
      const auto end = phase_.start + std::chrono::seconds(phase_.seconds);
      session->on_download_end = [this, session, end] {
        if (phase_.download_interval_ms == 0 && clock_type::now() < end) session->start_download(phase_);
      };
      next_download(timer, session, phase_.start + offset_of(i), end);
    }
  }

  void next_download(const std::shared_ptr<net::steady_timer>& timer, wisp_session* session, clock_type::time_point at,
                     clock_type::time_point end) {
    if (at >= end) return;
    timer->expires_at(at);
    timer->async_wait([this, timer, session, at, end](error_code ec) {
      if (ec) return;
      if (!session->downloading()) session->start_download(phase_);  // else skip this turn
      if (phase_.download_interval_ms > 0)
        next_download(timer, session, at + std::chrono::milliseconds(phase_.download_interval_ms), end);
    });
  }

  // The last echoes get a second to come back, then the phase reports.
  void finish_after_grace() {
    timer_.expires_at(phase_.start + std::chrono::seconds(phase_.seconds + 1));
    timer_.async_wait([this](error_code ec) {
      if (ec) return;
      for (auto& session : sessions) session->end_phase();
      for (auto& session : sessions)
        if (auto* wisp = dynamic_cast<wisp_session*>(session.get())) wisp->on_download_end = nullptr;
      download_timers_.clear();
      report_phase();
      read_command();
    });
  }

  void report_phase() {
    std::string line = "{\"echo_us\":[";
    const auto append_all = [&](const std::vector<std::uint32_t>& values) {
      for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) line += ',';
        line += std::to_string(values[i]);
      }
    };
    append_all(stats.echo_us);
    line += "],\"lag_us\":[";
    append_all(stats.lag_us);
    char tail[512];
    std::snprintf(tail, sizeof tail,
                  "],\"lost\":%llu,\"downloads\":%llu,\"errors\":%llu,\"cpu_seconds\":%.3f,\"error\":\"%s\"}\n",
                  static_cast<unsigned long long>(stats.lost), static_cast<unsigned long long>(stats.downloads),
                  static_cast<unsigned long long>(stats.errors), cpu_seconds() - cpu_before_,
                  stats.first_error.substr(0, 200).c_str());
    line += tail;
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
  }

  net::io_context& io_;
  net::steady_timer timer_;
  std::size_t first_;
  std::size_t total_;
  net::posix::stream_descriptor stdin_;
  net::streambuf commands_;
  phase_settings phase_;
  std::vector<std::shared_ptr<net::steady_timer>> download_timers_;
  std::size_t next_open_ = 0;
  std::size_t open_done_ = 0;
  std::size_t opened_ = 0;
  clock_type::time_point opened_at_;
  double cpu_before_ = 0;
  std::size_t round_ = 0;
  std::size_t next_ = 0;
};

int run_peer() {
  net::io_context io;
  peer server(io);
  server.accept();
  std::printf("{\"port\":%u}\n", server.port());
  std::fflush(stdout);
  // Serves until stdin closes (the bench ends it, or the bench itself ended).
  net::posix::stream_descriptor in(io, ::dup(0));
  std::array<char, 64> sink{};
  std::function<void()> watch = [&] {
    in.async_read_some(net::buffer(sink), [&](error_code ec, std::size_t) {
      if (ec) return io.stop();
      watch();
    });
  };
  watch();
  io.run();
  return 0;
}

int run_load(const std::vector<std::string>& args) {
  const bool wisp = args[0] == "wisp";
  const auto at = wisp ? 2u : 1u;
  const auto echo_port = port_of(args[at]);
  const auto count = std::stoull(args[at + 1]);
  const auto first = std::stoull(args[at + 2]);
  const auto total = std::stoull(args[at + 3]);
  if (total == 0 || first + count > total) throw std::runtime_error("need FIRST + COUNT <= TOTAL, TOTAL > 0");
  net::io_context io(1);
  load generator(io, first, total);
  for (std::size_t i = 0; i < count; ++i) {
    if (wisp) {
      const auto url = sb::bench::parse_ws_url(args[1]);
      generator.sessions.push_back(
          std::make_shared<wisp_session>(io, generator.stats, url.host, url.port, url.target, echo_port));
    } else {
      generator.sessions.push_back(std::make_shared<tcp_session>(io, generator.stats, echo_port));
    }
  }
  generator.open_all();
  io.run();
  return 0;
}

int usage() {
  std::cerr
      << "usage: sockbridge-scale-load peer\n"
         "       sockbridge-scale-load wisp ws://HOST:PORT/PATH ECHO_PORT COUNT FIRST TOTAL\n"
         "       sockbridge-scale-load tcp ECHO_PORT COUNT FIRST TOTAL\n"
         "then stdin lines: phase START_UNIX_MS SECONDS DOWNLOAD DOWNLOAD_BYTES DOWNLOAD_PORT INTERVAL_MS | exit\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.size() == 1 && args[0] == "peer") return run_peer();
    if ((args.size() == 6 && args[0] == "wisp") || (args.size() == 5 && args[0] == "tcp")) return run_load(args);
    return usage();
  } catch (const std::exception& e) {
    std::cerr << "sockbridge-scale-load: " << e.what() << "\n";
    return 1;
  }
}
