// Shared by the relay's integration tests: the real relay binary as a child
// process, an independent Wisp client over websocketpp (frames encoded here,
// not with protocol/), real TCP peers and raw HTTP on 127.0.0.1 and ::1.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>
#include <websocketpp/client.hpp>
#include <websocketpp/config/asio_no_tls_client.hpp>

namespace relay_harness {

using bytes = std::vector<std::uint8_t>;
inline constexpr auto wait_limit = std::chrono::seconds(5);

// --- Wisp frames, encoded independently of protocol/ ---

inline bytes frame(std::uint8_t type, std::uint32_t stream, const bytes& payload = {}) {
  bytes out;
  out.reserve(5 + payload.size());
  out.push_back(type);
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<std::uint8_t>(stream >> shift));
  for (auto byte : payload) out.push_back(byte);
  return out;
}

inline bytes connect_frame(std::uint32_t stream, const std::string& host, std::uint16_t port) {
  bytes payload = {0x01, static_cast<std::uint8_t>(port), static_cast<std::uint8_t>(port >> 8)};
  for (char c : host) payload.push_back(static_cast<std::uint8_t>(c));
  return frame(0x01, stream, payload);
}

// CONNECT with stream type UDP.
inline bytes udp_connect_frame(std::uint32_t stream, const std::string& host, std::uint16_t port) {
  auto f = connect_frame(stream, host, port);
  f[5] = 0x02;
  return f;
}

// sockbridge RESOLVE (0x81): family 0 (any), 4 or 6, then the name.
inline bytes resolve_frame(std::uint32_t request, std::uint8_t family, const std::string& host) {
  bytes payload = {family};
  for (char c : host) payload.push_back(static_cast<std::uint8_t>(c));
  return frame(0x81, request, payload);
}

inline bytes data_frame(std::uint32_t stream, const std::string& text) {
  return frame(0x02, stream, bytes(text.begin(), text.end()));
}

inline std::uint32_t u32_at(const bytes& b, std::size_t at) {
  return b[at] | b[at + 1] << 8 | b[at + 2] << 16 | static_cast<std::uint32_t>(b[at + 3]) << 24;
}

inline void put_u32(bytes& out, std::uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
}

// One INFO extension record: u8 id, u32 metadata length, metadata.
inline bytes info_record(std::uint8_t id, const bytes& metadata = {}) {
  bytes record = {id};
  put_u32(record, static_cast<std::uint32_t>(metadata.size()));
  record.insert(record.end(), metadata.begin(), metadata.end());
  return record;
}

// A v2.0 INFO on stream 0 carrying these records.
inline bytes info_frame(const std::vector<bytes>& records) {
  bytes payload = {2, 0};
  for (const auto& record : records) payload.insert(payload.end(), record.begin(), record.end());
  return frame(0x05, 0, payload);
}

// The password-auth record of a client INFO: u8 username length, username, password.
inline bytes login_record(const std::string& username, const std::string& password) {
  bytes metadata = {static_cast<std::uint8_t>(username.size())};
  metadata.insert(metadata.end(), username.begin(), username.end());
  metadata.insert(metadata.end(), password.begin(), password.end());
  return info_record(0x02, metadata);
}

// The sockbridge record of a client INFO asking for a relay→client byte window per stream.
inline bytes window_record(std::uint32_t window) {
  bytes metadata;
  put_u32(metadata, window);
  return info_record(0x53, metadata);
}

inline bytes window_update_frame(std::uint32_t stream, std::uint32_t increment) {
  bytes payload;
  put_u32(payload, increment);
  return frame(0x86, stream, payload);
}

// The metadata of extension `id` in an INFO frame, or nothing if it is not listed.
inline std::optional<bytes> info_extension(const bytes& info, std::uint8_t id) {
  for (std::size_t at = 7; at + 5 <= info.size();) {
    const auto length = u32_at(info, at + 1);
    if (at + 5 + length > info.size()) break;
    if (info[at] == id)
      return bytes(info.begin() + static_cast<std::ptrdiff_t>(at + 5),
                   info.begin() + static_cast<std::ptrdiff_t>(at + 5 + length));
    at += 5 + length;
  }
  return std::nullopt;
}

// Drains fd into text until EOF or until deadline; false on timeout.
inline bool drain(int fd, std::string& text, std::chrono::steady_clock::time_point deadline) {
  char buffer[4096];
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    const auto n = read(fd, buffer, sizeof buffer);
    if (n <= 0) return true;
    text.append(buffer, static_cast<std::size_t>(n));
  }
}

// --- the relay process ---

// Starts the relay binary with args; its stdout and stderr go to the given fds.
inline pid_t spawn_relay(const std::vector<std::string>& args, int stdout_fd, int stderr_fd) {
  const pid_t pid = fork();
  if (pid != 0) return pid;
  dup2(stdout_fd, STDOUT_FILENO);
  dup2(stderr_fd, STDERR_FILENO);
  std::vector<std::string> full = {SOCKBRIDGE_RELAY_BINARY};
  full.insert(full.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : full) argv.push_back(a.data());
  argv.push_back(nullptr);
  execv(argv[0], argv.data());
  _exit(127);
}

class relay_process {
 public:
  explicit relay_process(std::vector<std::string> extra, const std::string& listen = "127.0.0.1:0") {
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    std::vector<std::string> args = {"--listen", listen, "--threads", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = spawn_relay(args, STDOUT_FILENO, pipe_fds[1]);
    close(pipe_fds[1]);
    log_ = fdopen(pipe_fds[0], "r");
    char line[4096];
    while (fgets(line, sizeof line, log_)) {
      lines_.emplace_back(line);
      if (std::strstr(line, "\"event\":\"listening\"")) {
        port_ = static_cast<std::uint16_t>(std::stoi(std::strstr(line, "\"port\":") + 7));
        break;
      }
    }
    if (port_ == 0) throw std::runtime_error("relay did not start");
  }
  // Stops the relay with SIGTERM; it must exit cleanly (under the sanitizer
  // build that also means no leaks and no undefined behaviour).
  ~relay_process() {
    if (exit_status_) return;
    kill(pid_, SIGTERM);
    std::string rest;  // drained before waiting, so a chatty relay cannot block on a full pipe
    char line[4096];
    while (fgets(line, sizeof line, log_)) rest += line;
    fclose(log_);
    int status = 0;
    waitpid(pid_, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
      ADD_FAILURE() << "relay did not exit cleanly (status " << status << "):\n" << rest;
  }
  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  // Log lines up to and including "listening".
  const std::vector<std::string>& startup_lines() const { return lines_; }

  void signal(int number) const { kill(pid_, number); }
  // Waits up to limit for the relay to exit, reading its log meanwhile; the
  // exit code, or nothing if it is still running.
  std::optional<int> wait_exit(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    std::string text;
    const bool ended = drain(fileno(log_), text, deadline);
    log_text_ += text;
    if (!ended) return std::nullopt;
    int status = 0;
    waitpid(pid_, &status, 0);
    fclose(log_);
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return exit_status_;
  }
  // Log text read by wait_exit.
  const std::string& later_log() const { return log_text_; }

 private:
  std::optional<int> exit_status_;
  std::string log_text_;
  pid_t pid_ = -1;
  FILE* log_ = nullptr;
  std::uint16_t port_ = 0;
  std::vector<std::string> lines_;
};

// --- a Wisp client over websocketpp ---

// Extra handshake details: request target and headers (e.g. Origin, Authorization).
struct connect_options {
  std::string target = "/wisp/";
  std::vector<std::pair<std::string, std::string>> headers;
};

class wisp_client {
 public:
  using client_type = websocketpp::client<websocketpp::config::asio_client>;

  wisp_client(std::uint16_t port, const std::string& subprotocol, const connect_options& extra = connect_options()) {
    client_.clear_access_channels(websocketpp::log::alevel::all);
    client_.clear_error_channels(websocketpp::log::elevel::all);
    client_.init_asio();
    client_.set_message_handler([this](websocketpp::connection_hdl, client_type::message_ptr message) {
      const auto& payload = message->get_payload();
      push(bytes(payload.begin(), payload.end()));
    });
    client_.set_open_handler([this](websocketpp::connection_hdl) { mark_open(); });
    client_.set_close_handler([this](websocketpp::connection_hdl) { mark_closed(); });
    client_.set_fail_handler([this](websocketpp::connection_hdl hdl) {
      refused_status_ = client_.get_con_from_hdl(hdl)->get_response_code();
      mark_closed();
    });
    websocketpp::lib::error_code ec;
    auto connection = client_.get_connection("ws://127.0.0.1:" + std::to_string(port) + extra.target, ec);
    if (ec) throw std::runtime_error(ec.message());
    if (!subprotocol.empty()) connection->add_subprotocol(subprotocol);
    for (const auto& [name, value] : extra.headers) connection->replace_header(name, value);
    handle_ = connection->get_handle();
    client_.connect(connection);
    thread_ = std::thread([this] { client_.run(); });
  }
  ~wisp_client() {
    websocketpp::lib::error_code ignored;
    client_.close(handle_, websocketpp::close::status::normal, "", ignored);
    client_.stop();
    thread_.join();
  }

  void send(const bytes& message) {
    ASSERT_TRUE(wait_open()) << "WebSocket did not open";
    websocketpp::lib::error_code ec;
    client_.send(handle_, message.data(), message.size(), websocketpp::frame::opcode::binary, ec);
    ASSERT_FALSE(ec) << ec.message();
  }

  // The next frame from the relay, or nothing if none arrives within the limit.
  std::optional<bytes> next(std::chrono::milliseconds limit = wait_limit) {
    std::unique_lock lock(mutex_);
    if (!ready_.wait_for(lock, limit, [this] { return !frames_.empty() || closed_; })) return std::nullopt;
    if (frames_.empty()) return std::nullopt;
    auto front = std::move(frames_.front());
    frames_.pop_front();
    return front;
  }

  bool wait_open() {
    std::unique_lock lock(mutex_);
    return ready_.wait_for(lock, wait_limit, [this] { return open_ || closed_; }) && open_;
  }

  bool wait_closed() {
    std::unique_lock lock(mutex_);
    return ready_.wait_for(lock, wait_limit, [this] { return closed_; });
  }

  // The HTTP status of a refused upgrade (0 if it was not refused, or not yet known).
  int refused_status() {
    std::unique_lock lock(mutex_);
    ready_.wait_for(lock, wait_limit, [this] { return open_ || closed_; });
    return static_cast<int>(refused_status_);
  }

  // Runs the v2 handshake asking for stream-open confirmation (and, if
  // sockbridge, the sockbridge extension 0x53); returns the relay's buffer size.
  std::uint32_t handshake_v2(bool sockbridge = false) {
    auto info = next();
    EXPECT_TRUE(info && (*info)[0] == 0x05);
    bytes reply = {2, 0, 0x05, 0, 0, 0, 0};
    if (sockbridge) {
      for (std::uint8_t b : {0x53, 0, 0, 0, 0}) reply.push_back(b);
    }
    send(frame(0x05, 0, reply));
    auto ready = next();
    EXPECT_TRUE(ready && (*ready)[0] == 0x03 && u32_at(*ready, 1) == 0);
    return ready ? u32_at(*ready, 5) : 0;
  }

  // Answers the relay's INFO with these records; returns the relay's INFO.
  // The relay's answer (CONTINUE, or CLOSE on stream 0) is the next frame.
  bytes answer_info(const std::vector<bytes>& records) {
    auto info = next();
    EXPECT_TRUE(info && (*info)[0] == 0x05) << "expected the relay's INFO";
    send(info_frame(records));
    return info ? *info : bytes{};
  }

 private:
  void push(bytes frame) {
    std::lock_guard lock(mutex_);
    frames_.push_back(std::move(frame));
    ready_.notify_all();
  }
  void mark_open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    ready_.notify_all();
  }
  void mark_closed() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    ready_.notify_all();
  }

  client_type client_;
  websocketpp::connection_hdl handle_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<bytes> frames_;
  bool open_ = false;
  bool closed_ = false;
  websocketpp::http::status_code::value refused_status_{};
};

// --- real TCP peers ---

// Fills storage with 127.0.0.1:port or [::1]:port; returns its length.
inline socklen_t loopback_address(bool ipv6, std::uint16_t port, sockaddr_storage& storage) {
  if (ipv6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&storage);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    a->sin6_addr = in6addr_loopback;
    return sizeof *a;
  }
  auto* a = reinterpret_cast<sockaddr_in*>(&storage);
  a->sin_family = AF_INET;
  a->sin_port = htons(port);
  a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return sizeof *a;
}

// The local port of a bound socket.
inline std::uint16_t bound_port(int fd) {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length);
  return ntohs(storage.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port
                                             : reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
}

// Listens on 127.0.0.1 or ::1 and serves one connection with `serve`.
class tcp_peer {
 public:
  template <class Serve>
  tcp_peer(bool ipv6, Serve serve) {
    fd_ = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_storage storage{};
    const auto length = loopback_address(ipv6, 0, storage);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&storage), length) != 0 || listen(fd_, 4) != 0)
      throw std::runtime_error("tcp_peer: bind/listen");
    port_ = bound_port(fd_);
    thread_ = std::thread([this, serve] {
      const int client = accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      serve(client);
      close(client);
    });
  }
  ~tcp_peer() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  std::uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

inline void echo(int fd) {
  char buffer[65536];
  for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;)
    if (write(fd, buffer, static_cast<std::size_t>(n)) != n) return;
}

inline std::uint16_t closed_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_storage storage{};
  bind(fd, reinterpret_cast<sockaddr*>(&storage), loopback_address(false, 0, storage));
  const auto port = bound_port(fd);
  close(fd);
  return port;
}

// A connected TCP socket to 127.0.0.1 (or ::1) on port, or -1.
inline int tcp_connect_loopback(std::uint16_t port, bool ipv6 = false) {
  const int fd = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
  sockaddr_storage storage{};
  const auto length = loopback_address(ipv6, port, storage);
  if (connect(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Sends one raw HTTP request (which should say "Connection: close") and
// returns everything the relay answers until it closes; reads time out.
inline std::string http_exchange(std::uint16_t port, const std::string& request, bool ipv6 = false) {
  const int fd = tcp_connect_loopback(port, ipv6);
  if (fd < 0) return "";
  const timeval limit{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  std::string response;
  if (write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
    char buffer[4096];
    for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) response.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  return response;
}

inline std::string http_get(std::uint16_t port, const std::string& target, const std::string& method = "GET") {
  return http_exchange(port, method + " " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
}

inline std::string body_of(const std::string& response) {
  const auto end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

// The value of one sample line of /metrics ("name{labels}"), or -1 if absent.
inline double metric(std::uint16_t port, const std::string& sample) {
  const auto text = body_of(http_get(port, "/metrics"));
  const auto at = text.find("\n" + sample + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + sample.size() + 2));
}

// How many targets the relay denied for reason ("loopback", "port", …); 0 before the first.
inline double denials(std::uint16_t port, const std::string& reason) {
  return std::max(0.0, metric(port, "sockbridge_denials_total{reason=\"" + reason + "\"}"));
}

// A directory under /tmp, removed with everything in it at the end of the test.
class temp_directory {
 public:
  temp_directory() {
    std::string name = (std::filesystem::temp_directory_path() / "sockbridge-relay-test-XXXXXX").string();
    if (!mkdtemp(name.data())) throw std::runtime_error("mkdtemp");
    path_ = name;
  }
  ~temp_directory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  void write(const std::string& name, const std::string& content) const {
    std::ofstream(path_ / name, std::ios::binary) << content;
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Output and exit code of a relay run that is expected to end by itself.
struct finished_run {
  int exit_code = -1;  // -1: it did not exit within the wait limit (then it was killed)
  std::string out;
  std::string err;
};

// A run that should end by itself gets a generous limit: a sanitizer build on a
// loaded machine can take seconds just to start and to check for leaks at exit.
inline constexpr auto exit_wait_limit = std::chrono::seconds(30);

inline finished_run run_relay_to_exit(const std::vector<std::string>& args) {
  int out_fds[2];
  int err_fds[2];
  if (pipe2(out_fds, O_CLOEXEC) != 0 || pipe2(err_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  const pid_t pid = spawn_relay(args, out_fds[1], err_fds[1]);
  close(out_fds[1]);
  close(err_fds[1]);
  finished_run run;
  const auto deadline = std::chrono::steady_clock::now() + exit_wait_limit;
  const bool ended = drain(out_fds[0], run.out, deadline) && drain(err_fds[0], run.err, deadline);
  close(out_fds[0]);
  close(err_fds[0]);
  if (!ended) kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  if (ended && WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  return run;
}

inline std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// Collects DATA on `stream` until `size` bytes or a CLOSE; returns the text and the CLOSE reason (0 if none).
inline std::pair<std::string, int> read_stream(wisp_client& client, std::uint32_t stream, std::size_t size) {
  std::string text;
  while (text.size() < size) {
    auto f = client.next();
    if (!f) break;
    if ((*f)[0] == 0x04 && u32_at(*f, 1) == stream) return {text, (*f)[5]};
    if ((*f)[0] == 0x02 && u32_at(*f, 1) == stream) text.append(f->begin() + 5, f->end());
  }
  return {text, 0};
}

}  // namespace relay_harness
