// sockbridge-relay: the native end of sockbridge. Serves Wisp over WebSocket
// (and, optionally, the demo site) on one port.
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>
#include <vector>

#include "config.hpp"
#include "listener.hpp"
#include "log.hpp"

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

// Fills config and endpoint from the command line. Returns an exit code when
// the program should stop now (--help, or bad usage).
std::optional<int> parse_command_line(int argc, char** argv, sb::relay::relay_config& config,
                                      net::ip::tcp::endpoint& endpoint) {
  std::string listen = config.listen_host + ":" + std::to_string(config.listen_port);
  CLI::App app{"sockbridge-relay: lets WebAssembly programs in web pages open real TCP sockets (Wisp over WebSocket)"};
  app.add_option("--listen", listen,
                 "Address for HTTP, /healthz and the Wisp WebSocket, as HOST:PORT or [V6]:PORT "
                 "(port 0 picks a free port)")
      ->capture_default_str();
  app.add_flag("--dev", config.dev, "Development profile: also allow loopback targets (127.0.0.0/8, ::1)");
  app.add_flag("--allow-listen", config.listen_enabled,
               "Let guests open listening sockets (bound to 127.0.0.1, ports 1024-65535); --dev implies it");
  app.add_option("--web-root", config.web_root, "Serve static files (the demo site) from this directory")
      ->check(CLI::ExistingDirectory);
  app.add_option("--threads", config.threads, "I/O threads (default: one per core)")->check(CLI::Range(0u, 256u));
  app.add_option("--max-message-bytes", config.max_message_bytes, "Largest WebSocket message accepted")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{64}, std::size_t{64} << 20));
  app.add_option("--stream-buffer-packets", config.stream_buffer_packets,
                 "Wisp buffer granted per stream, in packets (CONTINUE)")
      ->capture_default_str()
      ->check(CLI::Range(2u, 65535u));
  try {
    app.parse(argc, argv);
    endpoint = parse_listen(listen);
  } catch (const CLI::ParseError& e) {
    return usage_error(app, e);
  }
  if (config.dev) config.listen_enabled = true;
  return std::nullopt;
}

// Runs the server until SIGINT/SIGTERM; returns the exit code.
int serve(std::shared_ptr<const sb::relay::relay_config> config, const net::ip::tcp::endpoint& endpoint) {
  const unsigned threads = config->threads ? config->threads : std::max(1u, std::thread::hardware_concurrency());
  net::io_context context(static_cast<int>(threads));
  std::shared_ptr<sb::relay::listener> server;
  try {
    server = std::make_shared<sb::relay::listener>(context, endpoint, config);
  } catch (const boost::system::system_error& e) {
    std::cerr << "sockbridge-relay: cannot listen on " << endpoint << ": " << e.code().message() << "\n";
    return exit_runtime;
  }
  // Installed before "listening" is logged: whoever reads that line may signal at once.
  net::signal_set signals(context, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int signal) {
    log_event(log_level::info, "stopping", {{"signal", signal}});
    server->stop();
    context.stop();
  });
  if (config->dev)
    log_event(log_level::warn, "dev_mode",
              {{"message", "--dev: guests may connect to loopback addresses (127.0.0.0/8, ::1)"}});
  const auto bound = server->local_endpoint();
  log_event(log_level::info, "listening",
            {{"address", bound.address().to_string()},
             {"port", bound.port()},
             {"threads", threads},
             {"web_root", config->web_root}});
  server->run();

  std::vector<std::thread> workers;
  for (unsigned i = 1; i < threads; ++i) workers.emplace_back([&context] { context.run(); });
  context.run();
  for (auto& worker : workers) worker.join();
  return EXIT_SUCCESS;
}

}  // namespace

int main(int argc, char** argv) {
  auto config = std::make_shared<sb::relay::relay_config>();
  net::ip::tcp::endpoint endpoint;
  if (const auto exit_code = parse_command_line(argc, argv, *config, endpoint)) return *exit_code;
  return serve(std::move(config), endpoint);
}
