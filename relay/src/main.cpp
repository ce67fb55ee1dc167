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
#include <type_traits>
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

// One flag (and its environment variable) per row of the settings table.
struct flag_adder {
  CLI::App& app;

  CLI::Option* with_row(CLI::Option* option, const sb::relay::setting& row) {
    option->envname(std::string(row.env));
    using sb::relay::setting_check;
    if (row.check == setting_check::existing_directory) option->check(CLI::ExistingDirectory);
    if (row.check == setting_check::existing_file) option->check(CLI::ExistingFile);
    if (row.check == setting_check::comma_list) option->delimiter(',');
    return option;
  }
  void operator()(const sb::relay::setting& row, bool& value) {
    with_row(app.add_flag(std::string(row.flag), value, std::string(row.help)), row);
  }
  void operator()(const sb::relay::setting& row, std::string& value) {
    with_row(app.add_option(std::string(row.flag), value, std::string(row.help)), row)->capture_default_str();
  }
  void operator()(const sb::relay::setting& row, std::vector<std::string>& value) {
    with_row(app.add_option(std::string(row.flag), value, std::string(row.help)), row);
  }
  template <class Number>
  requires std::is_integral_v<Number>
  void operator()(const sb::relay::setting& row, Number& value) {
    with_row(app.add_option(std::string(row.flag), value, std::string(row.help)), row)
        ->capture_default_str()
        ->check(CLI::Range(row.min, row.max));
  }
  void operator()(const sb::relay::setting& row, std::chrono::seconds& value) {
    auto* option = app.add_option_function<std::uint64_t>(
        std::string(row.flag), [&value](const std::uint64_t& count) { value = std::chrono::seconds(count); },
        std::string(row.help));
    with_row(option, row)->default_str(std::to_string(value.count()))->check(CLI::Range(row.min, row.max));
  }
};

// Fills config and endpoint from the config file, the environment and the
// command line (in rising precedence). Returns an exit code when the program
// should stop now (--help, --print-config, or bad usage or configuration).
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
  bool print_config = false;
  app.add_flag("--print-config", print_config,
               "Print the settings (defaults, then the file, variables and flags) as a config file and exit");
  sb::relay::for_each_setting(config, flag_adder{app});
  try {
    app.parse(argc, argv);
    sb::relay::resolve_settings(config);
    endpoint = parse_listen(config.listen);
  } catch (const CLI::ParseError& e) {
    return usage_error(app, e);
  } catch (const sb::relay::config_error& e) {
    std::cerr << "sockbridge-relay: " << e.what() << "\n";
    return exit_usage;
  }
  if (print_config) {
    sb::relay::write_config_file(std::cout, config);
    return EXIT_SUCCESS;
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
