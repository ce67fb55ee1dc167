// sockbridge-relay: the native end of sockbridge. Serves Wisp over WebSocket
// (and, optionally, the demo site) on one port.
#include <CLI/CLI.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>
#include <vector>

#include "config.hpp"
#include "config_file.hpp"
#include "listener.hpp"
#include "log.hpp"
#include "memory_release.hpp"
#include "session_registry.hpp"
#include "tls_context.hpp"

namespace net = boost::asio;
using sb::relay::log_event;
using sb::relay::log_level;

namespace {

constexpr int exit_usage = 2;
constexpr int exit_runtime = 1;

// Parses "HOST:PORT" or "[V6]:PORT"; throws CLI::ValidationError with a readable message.
net::ip::tcp::endpoint parse_listen(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    throw CLI::ValidationError("--listen", "expected HOST:PORT, got '" + text + "'");
  auto host = text.substr(0, colon);
  const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) host = host.substr(1, host.size() - 2);
  if (!bracketed && host.find(':') != std::string::npos)
    throw CLI::ValidationError("--listen", "write an IPv6 address in brackets, as [::1]:8080");
  const auto port_text = text.substr(colon + 1);
  char* end = nullptr;
  const auto port = std::strtol(port_text.c_str(), &end, 10);
  if (port_text.empty() || *end != '\0' || port < 0 || port > 65535)
    throw CLI::ValidationError("--listen", "bad port '" + port_text + "'");
  boost::system::error_code ec;
  const auto address = net::ip::make_address(host, ec);
  if (ec) throw CLI::ValidationError("--listen", "'" + host + "' is not an IP address");
  return {address, static_cast<unsigned short>(port)};
}

// CLI11's own exit codes (100+) and two-line messages are replaced by one line and exit_usage;
// --help still prints the usage on stdout and exits 0.
int usage_error(CLI::App& app, const CLI::ParseError& e) {
  if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);
  std::cerr << "sockbridge-relay: " << e.what() << " (see --help)\n";
  return exit_usage;
}

// The --config file named on the command line or in SOCKBRIDGE_CONFIG, read
// before the other flags so that flags and environment variables override it.
void load_named_config(int argc, char** argv, sb::relay::relay_config& config) {
  CLI::App pre;
  pre.allow_extras();
  pre.set_help_flag();
  std::string path;
  pre.add_option("--config", path)->envname("SOCKBRIDGE_CONFIG");
  pre.parse(argc, argv);
  if (!path.empty()) sb::relay::load_config_file(path, config);
}

// Fills config and endpoint from the config file, the environment and the
// command line (in rising precedence). Returns an exit code when the program
// should stop now (--help, or bad usage or configuration).
std::optional<int> parse_command_line(int argc, char** argv, sb::relay::relay_config& config,
                                      net::ip::tcp::endpoint& endpoint) {
  CLI::App app{
      "sockbridge-relay: lets WebAssembly programs in web pages open real TCP sockets (Wisp over WebSocket).\n"
      "Settings come from --config FILE (TOML or JSON; see relay/relay.toml), then environment\n"
      "variables, then flags, each overriding the one before."};
  app.get_formatter()->column_width(44);
  std::string config_path;
  app.add_option("--config", config_path, "Read settings from this TOML (.toml) or JSON (.json) file")
      ->envname("SOCKBRIDGE_CONFIG");
  app.add_option("--listen", config.listen,
                 "Address for HTTP, /healthz, /metrics and the Wisp WebSocket, as HOST:PORT or [V6]:PORT "
                 "(port 0 picks a free port)")
      ->envname("SOCKBRIDGE_LISTEN")
      ->capture_default_str();
  app.add_flag("--dev", config.dev, "Development profile: also allow loopback targets (127.0.0.0/8, ::1)")
      ->envname("SOCKBRIDGE_DEV");
  app.add_option("--web-root", config.web_root, "Serve static files (the demo site) from this directory")
      ->envname("SOCKBRIDGE_WEB_ROOT")
      ->check(CLI::ExistingDirectory);
  app.add_option("--tls-cert", config.tls_certificate_file,
                 "Serve wss:// and https:// with this PEM certificate chain (needs --tls-key)")
      ->envname("SOCKBRIDGE_TLS_CERT")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-key", config.tls_private_key_file, "PEM private key for --tls-cert")
      ->envname("SOCKBRIDGE_TLS_KEY")
      ->check(CLI::ExistingFile);
  app.add_option("--threads", config.threads, "I/O threads (default: one per core)")->check(CLI::Range(0u, 256u));
  app.add_option("--dns-threads", config.dns_threads,
                 "Threads doing name lookups for all sessions (lookups beyond them wait in a queue; one session gets at most a quarter of them)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 256u));
  app.add_option("--allowed-origin", config.allowed_origins,
                 "Origin allowed to open a WebSocket (repeat, or comma-separate in the variable); default: any")
      ->envname("SOCKBRIDGE_ALLOWED_ORIGINS")
      ->delimiter(',');
  app.add_option("--token", config.token, "Require this token (?token=… or Authorization: Bearer …)")
      ->envname("SOCKBRIDGE_TOKEN");
  app.add_option("--motd", config.motd, "Message of the day shown to Wisp v2 clients (MOTD extension)")
      ->envname("SOCKBRIDGE_MOTD");
  std::vector<std::string> users;
  app.add_option("--user", users,
                 "Require Wisp password login; NAME:PASSWORD may log in (repeatable; the variable holds one user)")
      ->envname("SOCKBRIDGE_USER");
  auto drain = static_cast<unsigned>(config.drain_timeout.count());
  app.add_option("--drain-timeout", drain, "Seconds open streams may take to finish after SIGTERM")
      ->capture_default_str();

  app.add_option("--hosts-file", config.hosts_file,
                 "Resolve the names listed in this hosts file (ADDRESS NAME… lines) only from it")
      ->envname("SOCKBRIDGE_HOSTS_FILE");

  std::vector<std::string> allow, deny, ports;
  app.add_option("--allow", allow, "Allow this CIDR block or host name even if not public (repeatable)");
  app.add_option("--deny", deny, "Always deny this CIDR block or host name (repeatable)");
  app.add_option("--ports", ports, "Allowed target ports, as PORT or FIRST-LAST (repeatable; default: all)");
  app.add_flag("--allow-listen", config.listen_enabled,
               "Let guests open listening sockets and bind UDP sockets to chosen ports (on the listen interface); --dev implies it");
  std::string listen_ports;
  app.add_option("--listen-ports", listen_ports, "Ports guests may listen on, as FIRST-LAST (default: 1024-65535)");
  app.add_option("--listen-bind-address", config.listen_bind_address,
                 "Interface guest listening sockets bind to, whatever address the guest asks for")
      ->capture_default_str();
  app.add_option("--listen-backlog", config.max_listen_backlog, "Largest listen() backlog a guest may ask for")
      ->capture_default_str()
      ->check(CLI::Range(1u, 65535u));

  app.add_option("--max-sessions", config.max_sessions, "Most WebSocket sessions at once")->capture_default_str();
  app.add_option("--max-sessions-per-address", config.max_sessions_per_address, "Most sessions from one client address")
      ->capture_default_str();
  app.add_option("--max-streams-per-session", config.max_streams_per_session, "Most streams in one session")
      ->capture_default_str();
  app.add_option("--max-streams-total", config.max_streams_total, "Most streams in all sessions")
      ->capture_default_str();
  app.add_option("--session-bytes-per-second", config.session_bytes_per_second,
                 "Bytes per second one session may move (0 = unlimited)")
      ->capture_default_str();
  app.add_option("--max-message-bytes", config.max_message_bytes, "Largest WebSocket message accepted")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{64}, std::size_t{64} << 20));
  app.add_option("--stream-buffer-packets", config.stream_buffer_packets,
                 "Wisp buffer granted per stream, in packets (CONTINUE)")
      ->capture_default_str()
      ->check(CLI::Range(2u, 65535u));
  struct timeout_flag {
    const char* name;
    std::chrono::seconds& value;
    const char* help;
  };
  const timeout_flag timeouts[] = {
      {"--handshake-timeout", config.handshake_timeout, "Seconds to send the HTTP request and finish the upgrade"},
      {"--session-idle-timeout", config.session_idle_timeout, "Seconds a session with no stream may stay quiet"},
      {"--stream-idle-timeout", config.stream_idle_timeout, "Seconds a stream may carry no byte either way"},
      {"--connect-timeout", config.connect_timeout, "Seconds to resolve and connect a stream's target"},
      {"--dns-timeout", config.dns_timeout, "Seconds one name lookup may take"},
  };
  std::vector<unsigned> timeout_seconds;
  timeout_seconds.reserve(std::size(timeouts));
  for (const auto& flag : timeouts) {
    timeout_seconds.push_back(static_cast<unsigned>(flag.value.count()));
    app.add_option(flag.name, timeout_seconds.back(), flag.help)->capture_default_str()->check(CLI::Range(1u, 86400u));
  }
  try {
    app.parse(argc, argv);
    if (app.count("--allow") || app.count("--deny") || app.count("--ports"))
      sb::relay::set_policy_lists(config, app.count("--allow") ? allow : std::vector<std::string>{},
                                  app.count("--deny") ? deny : std::vector<std::string>{},
                                  app.count("--ports") ? ports : std::vector<std::string>{});
    if (!listen_ports.empty()) sb::relay::set_listen_ports(config, listen_ports);
    if (app.count("--user")) sb::relay::set_users(config, users);
    sb::relay::set_motd(config, config.motd);
    sb::relay::load_hosts_file(config);
    endpoint = parse_listen(config.listen);
  } catch (const CLI::ParseError& e) {
    return usage_error(app, e);
  } catch (const sb::relay::config_error& e) {
    std::cerr << "sockbridge-relay: " << e.what() << "\n";
    return exit_usage;
  }
  config.drain_timeout = std::chrono::seconds(drain);
  for (std::size_t i = 0; i < std::size(timeouts); ++i) timeouts[i].value = std::chrono::seconds(timeout_seconds[i]);
  if (config.dev) {
    config.listen_enabled = true;
    config.policy.allow_loopback = true;
  }
  return std::nullopt;
}

// SIGTERM/SIGINT: stop accepting, let sessions finish their streams up to
// drain_timeout, then stop. A second signal stops at once.
class drain_on_signal {
 public:
  drain_on_signal(sb::relay::io_pool& pool, std::shared_ptr<sb::relay::listener> server, std::chrono::seconds timeout)
      : pool_(pool),
        server_(std::move(server)),
        signals_(pool.main(), SIGINT, SIGTERM),
        poll_(pool.main()),
        timeout_(timeout) {
    wait();
  }

 private:
  void wait() {
    signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
      if (!ec) on_signal(signal);
    });
  }

  void on_signal(int signal) {
    if (draining_) {
      log_event(log_level::info, "stopping", {{"signal", signal}, {"sessions", sb::relay::sessions().size()}});
      return pool_.stop();
    }
    draining_ = true;
    deadline_ = std::chrono::steady_clock::now() + timeout_;
    log_event(log_level::info, "draining",
              {{"signal", signal}, {"sessions", sb::relay::sessions().size()}, {"timeout_seconds", timeout_.count()}});
    server_->stop();
    sb::relay::sessions().drain();
    wait();
    check();
  }

  // Polls rather than counting down per session: sessions end on their own threads.
  // At the deadline the sessions still open are closed (their clients get a
  // WebSocket close, not a reset) and get close_grace to finish the handshake.
  void check() {
    const auto left = sb::relay::sessions().size();
    const auto now = std::chrono::steady_clock::now();
    if (left == 0 || now >= deadline_ + close_grace) {
      log_event(log_level::info, "stopping", {{"sessions", left}, {"drained", !closed_at_deadline_}});
      return pool_.stop();
    }
    if (now >= deadline_ && !closed_at_deadline_) {
      closed_at_deadline_ = true;
      log_event(log_level::info, "drain_deadline", {{"sessions", left}});
      sb::relay::sessions().close_all();
    }
    poll_.expires_after(std::chrono::milliseconds(50));
    poll_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) check();
    });
  }

  sb::relay::io_pool& pool_;
  std::shared_ptr<sb::relay::listener> server_;
  net::signal_set signals_;
  net::steady_timer poll_;
  std::chrono::seconds timeout_;
  std::chrono::steady_clock::time_point deadline_;
  bool draining_ = false;
  bool closed_at_deadline_ = false;
  static constexpr std::chrono::seconds close_grace{1};
};

// Runs the server until SIGINT/SIGTERM (and the drain after it); returns the exit code.
int serve(std::shared_ptr<const sb::relay::relay_config> config, const net::ip::tcp::endpoint& endpoint,
          std::shared_ptr<net::ssl::context> tls) {
  const unsigned threads = config->threads ? config->threads : std::max(1u, std::thread::hardware_concurrency());
  sb::relay::io_pool pool(threads, config->dns_threads);
  std::shared_ptr<sb::relay::listener> server;
  try {
    server = std::make_shared<sb::relay::listener>(pool, endpoint, config, tls);
  } catch (const boost::system::system_error& e) {
    std::cerr << "sockbridge-relay: cannot listen on " << endpoint << ": " << e.code().message() << "\n";
    return exit_runtime;
  }
  // Installed before "listening" is logged: whoever reads that line may signal at once.
  drain_on_signal signals(pool, server, config->drain_timeout);
  if (config->dev)
    log_event(log_level::warn, "dev_mode",
              {{"message", "--dev: guests may connect to loopback addresses (127.0.0.0/8, ::1)"}});
  const auto bound = server->local_endpoint();
  log_event(log_level::info, "listening",
            {{"address", bound.address().to_string()},
             {"port", bound.port()},
             {"threads", threads},
             {"dns_threads", config->dns_threads},
             {"tls", tls != nullptr},
             {"web_root", config->web_root}});
  server->run();
  sb::relay::idle_memory_releaser releaser(pool);
  releaser.start();

  pool.run();
  return EXIT_SUCCESS;
}

}  // namespace

int main(int argc, char** argv) {
  auto config = std::make_shared<sb::relay::relay_config>();
  net::ip::tcp::endpoint endpoint;
  try {
    load_named_config(argc, argv, *config);
  } catch (const sb::relay::config_error& e) {
    std::cerr << "sockbridge-relay: " << e.what() << "\n";
    return exit_usage;
  } catch (const CLI::ParseError& e) {
    std::cerr << "sockbridge-relay: " << e.what() << " (see --help)\n";
    return exit_usage;
  }
  if (const auto exit_code = parse_command_line(argc, argv, *config, endpoint)) return *exit_code;
  std::shared_ptr<net::ssl::context> tls;
  try {
    tls = sb::relay::make_tls_context(*config);
  } catch (const sb::relay::config_error& e) {
    std::cerr << "sockbridge-relay: " << e.what() << "\n";
    return exit_usage;
  }
  return serve(std::move(config), endpoint, std::move(tls));
}
