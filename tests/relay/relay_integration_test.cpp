// Integration tests of the real sockbridge-relay binary, driven by an
// independent WebSocket client (websocketpp) that encodes Wisp frames by hand,
// against real TCP peers on 127.0.0.1 and ::1.
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

namespace {

using namespace std::chrono_literals;
using bytes = std::vector<std::uint8_t>;
constexpr auto wait_limit = 5s;

// --- Wisp frames, encoded independently of protocol/ ---

bytes frame(std::uint8_t type, std::uint32_t stream, const bytes& payload = {}) {
  bytes out;
  out.reserve(5 + payload.size());
  out.push_back(type);
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<std::uint8_t>(stream >> shift));
  for (auto byte : payload) out.push_back(byte);
  return out;
}

bytes connect_frame(std::uint32_t stream, const std::string& host, std::uint16_t port) {
  bytes payload = {0x01, static_cast<std::uint8_t>(port), static_cast<std::uint8_t>(port >> 8)};
  for (char c : host) payload.push_back(static_cast<std::uint8_t>(c));
  return frame(0x01, stream, payload);
}

bytes data_frame(std::uint32_t stream, const std::string& text) {
  return frame(0x02, stream, bytes(text.begin(), text.end()));
}

std::uint32_t u32_at(const bytes& b, std::size_t at) {
  return b[at] | b[at + 1] << 8 | b[at + 2] << 16 | static_cast<std::uint32_t>(b[at + 3]) << 24;
}

// --- the relay process ---

// Starts the relay binary with args; its stdout and stderr go to the given fds.
pid_t spawn_relay(const std::vector<std::string>& args, int stdout_fd, int stderr_fd) {
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
  // Log lines up to and including "listening".
  const std::vector<std::string>& startup_lines() const { return lines_; }

 private:
  pid_t pid_ = -1;
  FILE* log_ = nullptr;
  std::uint16_t port_ = 0;
  std::vector<std::string> lines_;
};

// --- a Wisp client over websocketpp ---

class wisp_client {
 public:
  using client_type = websocketpp::client<websocketpp::config::asio_client>;

  wisp_client(std::uint16_t port, const std::string& subprotocol) {
    client_.clear_access_channels(websocketpp::log::alevel::all);
    client_.clear_error_channels(websocketpp::log::elevel::all);
    client_.init_asio();
    client_.set_message_handler([this](websocketpp::connection_hdl, client_type::message_ptr message) {
      const auto& payload = message->get_payload();
      push(bytes(payload.begin(), payload.end()));
    });
    client_.set_open_handler([this](websocketpp::connection_hdl) { mark_open(); });
    client_.set_close_handler([this](websocketpp::connection_hdl) { mark_closed(); });
    client_.set_fail_handler([this](websocketpp::connection_hdl) { mark_closed(); });
    websocketpp::lib::error_code ec;
    auto connection = client_.get_connection("ws://127.0.0.1:" + std::to_string(port) + "/wisp/", ec);
    if (ec) throw std::runtime_error(ec.message());
    if (!subprotocol.empty()) connection->add_subprotocol(subprotocol);
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
  std::optional<bytes> next() {
    std::unique_lock lock(mutex_);
    if (!ready_.wait_for(lock, wait_limit, [this] { return !frames_.empty() || closed_; })) return std::nullopt;
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
};

// --- real TCP peers ---

// Listens on 127.0.0.1 or ::1 and serves one connection with `serve`.
class tcp_peer {
 public:
  template <class Serve>
  tcp_peer(bool ipv6, Serve serve) {
    fd_ = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_storage storage{};
    socklen_t length = 0;
    if (ipv6) {
      auto* a = reinterpret_cast<sockaddr_in6*>(&storage);
      a->sin6_family = AF_INET6;
      a->sin6_addr = in6addr_loopback;
      length = sizeof *a;
    } else {
      auto* a = reinterpret_cast<sockaddr_in*>(&storage);
      a->sin_family = AF_INET;
      a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      length = sizeof *a;
    }
    if (bind(fd_, reinterpret_cast<sockaddr*>(&storage), length) != 0 || listen(fd_, 4) != 0)
      throw std::runtime_error("tcp_peer: bind/listen");
    getsockname(fd_, reinterpret_cast<sockaddr*>(&storage), &length);
    port_ = ntohs(ipv6 ? reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port
                       : reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
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

void echo(int fd) {
  char buffer[65536];
  for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;)
    if (write(fd, buffer, static_cast<std::size_t>(n)) != n) return;
}

std::uint16_t closed_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t length = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &length);
  close(fd);
  return ntohs(a.sin_port);
}

// A connected TCP socket to 127.0.0.1 (or ::1) on port, or -1.
int tcp_connect_loopback(std::uint16_t port, bool ipv6 = false) {
  const int fd = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
  sockaddr_storage storage{};
  socklen_t length = 0;
  if (ipv6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&storage);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    a->sin6_addr = in6addr_loopback;
    length = sizeof *a;
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&storage);
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    length = sizeof *a;
  }
  if (connect(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Sends one raw HTTP request (which should say "Connection: close") and
// returns everything the relay answers until it closes; reads time out.
std::string http_exchange(std::uint16_t port, const std::string& request, bool ipv6 = false) {
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

std::string http_get(std::uint16_t port, const std::string& target, const std::string& method = "GET") {
  return http_exchange(port, method + " " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
}

std::string body_of(const std::string& response) {
  const auto end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
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

// Drains fd into text until EOF or until deadline; false on timeout.
bool drain(int fd, std::string& text, std::chrono::steady_clock::time_point deadline) {
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

finished_run run_relay_to_exit(const std::vector<std::string>& args) {
  int out_fds[2];
  int err_fds[2];
  if (pipe2(out_fds, O_CLOEXEC) != 0 || pipe2(err_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  const pid_t pid = spawn_relay(args, out_fds[1], err_fds[1]);
  close(out_fds[1]);
  close(err_fds[1]);
  finished_run run;
  const auto deadline = std::chrono::steady_clock::now() + wait_limit;
  const bool ended = drain(out_fds[0], run.out, deadline) && drain(err_fds[0], run.err, deadline);
  close(out_fds[0]);
  close(err_fds[0]);
  if (!ended) kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  if (ended && WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  return run;
}

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// Collects DATA on `stream` until `size` bytes or a CLOSE; returns the text and the CLOSE reason (0 if none).
std::pair<std::string, int> read_stream(wisp_client& client, std::uint32_t stream, std::size_t size) {
  std::string text;
  while (text.size() < size) {
    auto f = client.next();
    if (!f) break;
    if ((*f)[0] == 0x04 && u32_at(*f, 1) == stream) return {text, (*f)[5]};
    if ((*f)[0] == 0x02 && u32_at(*f, 1) == stream) text.append(f->begin() + 5, f->end());
  }
  return {text, 0};
}

// --- tests ---

TEST(relay, v1_client_receives_initial_continue_on_stream_zero) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "");
  auto first = client.next();
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 9u);
  EXPECT_EQ((*first)[0], 0x03);
  EXPECT_EQ(u32_at(*first, 1), 0u);
  EXPECT_EQ(u32_at(*first, 5), 128u);
}

TEST(relay, v2_handshake_sends_info_then_continue_after_client_info) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "wisp-v2");
  auto info = client.next();
  ASSERT_TRUE(info);
  EXPECT_EQ((*info)[0], 0x05);
  EXPECT_EQ((*info)[5], 2);  // major version
  ASSERT_GE(info->size(), 12u);
  EXPECT_EQ((*info)[7], 0x05);  // stream-open confirmation offered
  client.send(frame(0x05, 0, {2, 0, 0x05, 0, 0, 0, 0}));
  auto ready = client.next();
  ASSERT_TRUE(ready);
  EXPECT_EQ((*ready)[0], 0x03);
  EXPECT_EQ(u32_at(*ready, 1), 0u);
}

TEST(relay, tcp_stream_round_trips_bytes_through_echo_server) {
  relay_process relay({"--dev"});
  tcp_peer peer(false, echo);
  wisp_client client(relay.port(), "wisp-v2");
  const auto buffer = client.handshake_v2();
  client.send(connect_frame(1, "127.0.0.1", peer.port()));
  auto confirmed = client.next();
  ASSERT_TRUE(confirmed);
  EXPECT_EQ((*confirmed)[0], 0x03) << "stream-open confirmation";
  EXPECT_EQ(u32_at(*confirmed, 1), 1u);
  EXPECT_EQ(u32_at(*confirmed, 5), buffer);
  client.send(data_frame(1, "ping over a real socket"));
  EXPECT_EQ(read_stream(client, 1, 23).first, "ping over a real socket");
}

TEST(relay, ipv6_target_round_trips_bytes) {
  relay_process relay({"--dev"});
  tcp_peer peer(true, echo);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(connect_frame(7, "::1", peer.port()));
  auto confirmed = client.next();
  ASSERT_TRUE(confirmed);
  ASSERT_EQ((*confirmed)[0], 0x03);
  client.send(data_frame(7, "v6"));
  EXPECT_EQ(read_stream(client, 7, 2).first, "v6");
}

TEST(relay, v1_stream_relays_data_without_confirmation) {
  relay_process relay({"--dev"});
  tcp_peer peer(false, echo);
  wisp_client client(relay.port(), "");
  ASSERT_TRUE(client.next());  // initial CONTINUE
  client.send(connect_frame(3, "127.0.0.1", peer.port()));
  client.send(data_frame(3, "early data"));  // v1 clients may send before any confirmation
  EXPECT_EQ(read_stream(client, 3, 10).first, "early data");
}

TEST(relay, connect_to_closed_port_closes_stream_with_refused) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(connect_frame(1, "127.0.0.1", closed_port()));
  EXPECT_EQ(read_stream(client, 1, 1).second, 0x44);
}

TEST(relay, default_policy_blocks_loopback_target) {
  relay_process relay({});
  tcp_peer peer(false, echo);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(connect_frame(1, "127.0.0.1", peer.port()));
  EXPECT_EQ(read_stream(client, 1, 1).second, 0x48);
  client.send(connect_frame(2, "localhost", peer.port()));
  EXPECT_EQ(read_stream(client, 2, 1).second, 0x48);
  client.send(connect_frame(3, "::ffff:127.0.0.1", peer.port()));
  EXPECT_EQ(read_stream(client, 3, 1).second, 0x48);
}

TEST(relay, unresolvable_host_closes_stream_with_unreachable) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(connect_frame(1, "no-such-host.invalid", 80));
  EXPECT_EQ(read_stream(client, 1, 1).second, 0x42);
}

TEST(relay, remote_close_sends_all_data_then_voluntary_close) {
  relay_process relay({"--dev"});
  const std::string payload(300 * 1024, 'x');
  tcp_peer peer(false, [&payload](int fd) {
    for (std::size_t sent = 0; sent < payload.size();) {
      const auto n = write(fd, payload.data() + sent, payload.size() - sent);
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
  });
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(connect_frame(1, "127.0.0.1", peer.port()));
  auto [text, reason] = read_stream(client, 1, payload.size() + 1);
  EXPECT_EQ(text.size(), payload.size());
  EXPECT_EQ(text, payload);
  EXPECT_EQ(reason, 0x02);
}

TEST(relay, data_for_an_unknown_stream_is_ignored_and_the_session_lives_on) {
  relay_process relay({"--dev"});
  tcp_peer peer(false, echo);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(data_frame(99, "nobody"));
  client.send(connect_frame(1, "127.0.0.1", peer.port()));
  ASSERT_TRUE(client.next());
  client.send(data_frame(1, "still here"));
  EXPECT_EQ(read_stream(client, 1, 10).first, "still here");
}

TEST(relay, malformed_frame_closes_session) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send({0x02, 0x01});
  auto close = client.next();
  ASSERT_TRUE(close);
  EXPECT_EQ((*close)[0], 0x04);
  EXPECT_EQ(u32_at(*close, 1), 0u);
  EXPECT_EQ((*close)[5], 0x41);
  EXPECT_TRUE(client.wait_closed());
}

TEST(relay, missing_client_info_closes_a_v2_session) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "wisp-v2");
  ASSERT_TRUE(client.next());  // INFO
  client.send(connect_frame(1, "127.0.0.1", 80));
  auto close = client.next();
  ASSERT_TRUE(close);
  EXPECT_EQ((*close)[0], 0x04);
  EXPECT_EQ((*close)[5], 0x41);
  EXPECT_TRUE(client.wait_closed());
}

TEST(relay, oversized_message_closes_session) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(data_frame(1, std::string(2 * 1024 * 1024, 'x')));  // over the 1 MiB default
  EXPECT_TRUE(client.wait_closed());
}

TEST(relay, connect_reusing_a_live_stream_id_is_refused_with_invalid_info) {
  relay_process relay({"--dev"});
  tcp_peer peer(false, echo);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(connect_frame(1, "127.0.0.1", peer.port()));
  ASSERT_TRUE(client.next());  // confirmation
  client.send(connect_frame(1, "127.0.0.1", peer.port()));
  EXPECT_EQ(read_stream(client, 1, 1).second, 0x41);
}

TEST(relay, udp_connect_is_refused_with_invalid_info) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  auto udp = connect_frame(1, "127.0.0.1", 53);
  udp[5] = 0x02;  // stream type UDP
  client.send(udp);
  EXPECT_EQ(read_stream(client, 1, 1).second, 0x41);
}

TEST(relay, client_gets_more_buffer_after_using_half_of_it) {
  relay_process relay({"--dev"});
  tcp_peer peer(false, [](int fd) {
    char buffer[65536];
    while (read(fd, buffer, sizeof buffer) > 0) {
    }
  });
  wisp_client client(relay.port(), "wisp-v2");
  const auto buffer = client.handshake_v2();
  client.send(connect_frame(1, "127.0.0.1", peer.port()));
  ASSERT_TRUE(client.next());  // confirmation: the full buffer
  for (std::uint32_t i = 0; i < buffer / 2; ++i) client.send(data_frame(1, "packet"));
  auto grant = client.next();
  ASSERT_TRUE(grant) << "no CONTINUE after half the buffer was used";
  EXPECT_EQ((*grant)[0], 0x03);
  EXPECT_EQ(u32_at(*grant, 1), 1u);
  EXPECT_GT(u32_at(*grant, 5), 0u);
  EXPECT_LE(u32_at(*grant, 5), buffer);
}

TEST(relay, client_close_closes_the_target_connection) {
  relay_process relay({"--dev"});
  std::promise<void> peer_saw_eof;
  tcp_peer peer(false, [&peer_saw_eof](int fd) {
    char buffer[1024];
    while (read(fd, buffer, sizeof buffer) > 0) {
    }
    peer_saw_eof.set_value();
  });
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2();
  client.send(connect_frame(1, "127.0.0.1", peer.port()));
  ASSERT_TRUE(client.next());  // confirmation
  client.send(frame(0x04, 1, {0x02}));
  EXPECT_EQ(peer_saw_eof.get_future().wait_for(wait_limit), std::future_status::ready);
}

// --- the sockbridge extension ---

TEST(relay_extension, resolve_returns_the_addresses_of_a_name) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  bytes request = {4};
  for (char c : std::string("localhost")) request.push_back(static_cast<std::uint8_t>(c));
  client.send(frame(0x81, 42, request));
  auto answer = client.next();
  ASSERT_TRUE(answer);
  EXPECT_EQ((*answer)[0], 0x82);
  EXPECT_EQ(u32_at(*answer, 1), 42u);
  EXPECT_EQ((*answer)[5], 0) << "status ok";
  ASSERT_EQ((*answer)[6], 1) << "one IPv4 address";
  EXPECT_EQ(bytes(answer->begin() + 7, answer->end()), (bytes{4, 0, 0, 127, 0, 0, 1}));
}

TEST(relay_extension, resolve_of_a_name_pointing_at_loopback_is_blocked_by_default) {
  relay_process relay({});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  bytes request = {0};
  for (char c : std::string("localhost")) request.push_back(static_cast<std::uint8_t>(c));
  client.send(frame(0x81, 1, request));
  auto answer = client.next();
  ASSERT_TRUE(answer);
  EXPECT_EQ((*answer)[5], 0x48);
  EXPECT_EQ((*answer)[6], 0);
}

TEST(relay_extension, unknown_name_resolves_to_name_not_found) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  bytes request = {0};
  for (char c : std::string("no-such-host.invalid")) request.push_back(static_cast<std::uint8_t>(c));
  client.send(frame(0x81, 1, request));
  auto answer = client.next();
  ASSERT_TRUE(answer);
  EXPECT_EQ((*answer)[5], 0x92);
}

TEST(relay_extension, connect_reports_local_and_peer_addresses_before_confirmation) {
  relay_process relay({"--dev"});
  tcp_peer peer(false, echo);
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  client.send(connect_frame(1, "127.0.0.1", peer.port()));
  auto connected = client.next();
  ASSERT_TRUE(connected);
  ASSERT_EQ((*connected)[0], 0x80);
  ASSERT_EQ(connected->size(), 5u + 7 + 7);
  EXPECT_EQ((*connected)[5], 4);                                     // local family
  EXPECT_EQ((*connected)[12], 4);                                    // peer family
  EXPECT_EQ((*connected)[13] | (*connected)[14] << 8, peer.port());  // peer port
  auto confirmed = client.next();
  ASSERT_TRUE(confirmed);
  EXPECT_EQ((*confirmed)[0], 0x03);
}

TEST(relay_extension, half_close_lets_the_peer_answer_after_our_fin) {
  relay_process relay({"--dev"});
  // The peer reads until EOF, then answers with what it read, upper-cased.
  tcp_peer peer(false, [](int fd) {
    std::string request;
    char buffer[1024];
    for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) request.append(buffer, static_cast<std::size_t>(n));
    for (auto& c : request) c = static_cast<char>(toupper(c));
    if (write(fd, request.data(), request.size()) < 0) return;
  });
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  client.send(connect_frame(1, "127.0.0.1", peer.port()));
  ASSERT_TRUE(client.next());  // CONNECTED
  ASSERT_TRUE(client.next());  // CONTINUE
  client.send(data_frame(1, "only after eof"));
  client.send(frame(0x85, 1));  // SHUTDOWN: FIN to the peer
  std::string answer;
  bool peer_finished = false;
  while (auto f = client.next()) {
    if ((*f)[0] == 0x02) answer.append(f->begin() + 5, f->end());
    if ((*f)[0] == 0x85 || (*f)[0] == 0x04) {
      peer_finished = true;
      break;
    }
  }
  EXPECT_EQ(answer, "ONLY AFTER EOF");
  EXPECT_TRUE(peer_finished);
}

TEST(relay_extension, listen_accepts_real_tcp_clients_as_relay_streams) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  client.send(frame(0x83, 5, {4, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0}));  // 0.0.0.0:0, backlog 8
  auto listening = client.next();
  ASSERT_TRUE(listening);
  ASSERT_EQ((*listening)[0], 0x80) << "CONNECTED carries the bound address";
  const std::uint16_t port = static_cast<std::uint16_t>((*listening)[6] | (*listening)[7] << 8);
  ASSERT_NE(port, 0);

  const int fd = tcp_connect_loopback(port);
  ASSERT_GE(fd, 0);
  auto accepted = client.next();
  ASSERT_TRUE(accepted);
  ASSERT_EQ((*accepted)[0], 0x84);
  EXPECT_EQ(u32_at(*accepted, 1), 5u);
  const auto stream = u32_at(*accepted, 5);
  EXPECT_NE(stream & 0x80000000u, 0u);
  auto grant = client.next();
  ASSERT_TRUE(grant);
  EXPECT_EQ((*grant)[0], 0x03);

  ASSERT_EQ(write(fd, "from outside", 12), 12);
  EXPECT_EQ(read_stream(client, stream, 12).first, "from outside");
  client.send(data_frame(stream, "from the guest"));
  char buffer[64] = {};
  ssize_t got = 0;
  for (ssize_t n; got < 14 && (n = read(fd, buffer + got, sizeof buffer - static_cast<std::size_t>(got))) > 0;)
    got += n;
  EXPECT_EQ(std::string(buffer, static_cast<std::size_t>(got)), "from the guest");
  close(fd);
}

TEST(relay_extension, listen_is_refused_unless_enabled) {
  relay_process relay({});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(true);
  client.send(frame(0x83, 5, {4, 0x90, 0x1f, 0, 0, 0, 0, 8, 0, 0, 0}));
  auto refused = client.next();
  ASSERT_TRUE(refused);
  EXPECT_EQ((*refused)[0], 0x04);
  EXPECT_EQ((*refused)[5], 0x48);
}

TEST(relay_extension, extension_packets_without_negotiation_close_the_session) {
  relay_process relay({"--dev"});
  wisp_client client(relay.port(), "wisp-v2");
  client.handshake_v2(false);
  client.send(frame(0x81, 1, {0, 'x'}));
  auto close = client.next();
  ASSERT_TRUE(close);
  EXPECT_EQ((*close)[0], 0x04);
  EXPECT_EQ((*close)[5], 0x41);
}

// --- plain HTTP ---

TEST(relay_http, healthz_returns_ok) {
  relay_process relay({});
  const auto response = http_get(relay.port(), "/healthz");
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << response;
  EXPECT_NE(response.find("Content-Type: text/plain"), std::string::npos) << response;
  EXPECT_EQ(body_of(response), "ok\n");
}

TEST(relay_http, static_file_served_with_wasm_mime_type) {
  temp_directory site;
  const std::string module("\0asm\x01\0\0\0", 8);
  site.write("module.wasm", module);
  relay_process relay({"--web-root", site.path().string()});
  const auto response = http_get(relay.port(), "/module.wasm");
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << response;
  EXPECT_NE(response.find("Content-Type: application/wasm\r\n"), std::string::npos) << response;
  EXPECT_NE(response.find("Cache-Control: no-cache\r\n"), std::string::npos) << response;
  EXPECT_EQ(body_of(response), module);
}

TEST(relay_http, root_serves_index_html) {
  temp_directory site;
  site.write("index.html", "<!doctype html><title>demo</title>");
  relay_process relay({"--web-root", site.path().string()});
  const auto response = http_get(relay.port(), "/");
  EXPECT_NE(response.find("Content-Type: text/html; charset=utf-8\r\n"), std::string::npos) << response;
  EXPECT_EQ(body_of(response), "<!doctype html><title>demo</title>");
}

TEST(relay_http, head_returns_the_headers_of_get_without_a_body) {
  temp_directory site;
  site.write("app.js", "export {};\n");
  relay_process relay({"--web-root", site.path().string()});
  const auto response = http_get(relay.port(), "/app.js", "HEAD");
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << response;
  EXPECT_NE(response.find("Content-Type: text/javascript"), std::string::npos) << response;
  EXPECT_NE(response.find("Content-Length: 11\r\n"), std::string::npos) << response;
  EXPECT_EQ(body_of(response), "");
}

TEST(relay_http, missing_file_returns_404) {
  temp_directory site;
  relay_process relay({"--web-root", site.path().string()});
  EXPECT_EQ(http_get(relay.port(), "/nothing.js").rfind("HTTP/1.1 404", 0), 0u);
}

TEST(relay_http, paths_that_leave_the_web_root_are_not_served) {
  temp_directory outside;
  outside.write("secret.txt", "secret");
  temp_directory site;
  std::filesystem::create_symlink(outside.path() / "secret.txt", site.path() / "link.txt");
  std::filesystem::create_directory(site.path() / "sub");
  relay_process relay({"--web-root", site.path().string()});
  const auto escape = "/sub/../../" + outside.path().filename().string() + "/secret.txt";
  EXPECT_EQ(http_get(relay.port(), escape).rfind("HTTP/1.1 400", 0), 0u);
  EXPECT_EQ(http_get(relay.port(), "/link.txt").rfind("HTTP/1.1 404", 0), 0u);
}

// --- command line and process ---

TEST(relay_cli, dev_flag_logs_that_loopback_targets_are_allowed) {
  relay_process relay({"--dev"});
  const auto& lines = relay.startup_lines();
  const auto warning = std::find_if(lines.begin(), lines.end(), [](const std::string& line) {
    return line.find("\"event\":\"dev_mode\"") != std::string::npos;
  });
  ASSERT_NE(warning, lines.end());
  EXPECT_NE(warning->find("\"level\":\"warn\""), std::string::npos) << *warning;
  EXPECT_NE(warning->find("loopback"), std::string::npos) << *warning;
}

TEST(relay_cli, bracketed_ipv6_listen_address_serves_on_ipv6_loopback) {
  relay_process relay({}, "[::1]:0");
  const auto response =
      http_exchange(relay.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", true);
  EXPECT_EQ(body_of(response), "ok\n");
}

TEST(relay_cli, help_documents_every_flag_on_stdout) {
  const auto run = run_relay_to_exit({"--help"});
  EXPECT_EQ(run.exit_code, 0);
  for (const char* flag : {"--listen", "--dev", "--web-root", "--threads"})
    EXPECT_NE(run.out.find(flag), std::string::npos) << flag;
}

TEST(relay_cli, unknown_flag_exits_with_usage_error_on_one_line) {
  const auto run = run_relay_to_exit({"--no-such-flag"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(count_lines(run.err), 1u) << run.err;
  EXPECT_NE(run.err.find("--no-such-flag"), std::string::npos) << run.err;
  EXPECT_EQ(run.out, "");
}

TEST(relay_cli, listen_address_without_port_exits_with_usage_error) {
  const auto run = run_relay_to_exit({"--listen", "127.0.0.1"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(count_lines(run.err), 1u) << run.err;
}

TEST(relay_cli, address_in_use_exits_with_runtime_error) {
  tcp_peer holder(false, [](int) {});
  const auto run = run_relay_to_exit({"--listen", "127.0.0.1:" + std::to_string(holder.port())});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(count_lines(run.err), 1u) << run.err;
  EXPECT_NE(run.err.find("cannot listen"), std::string::npos) << run.err;
}

}  // namespace
