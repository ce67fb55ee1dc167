// bench_args: the command-line pieces the native bench programs share
// (bench/relay's sockbridge-bench-client, bench/scale's sockbridge-scale-load).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace sb::bench {

// A TCP port given as text: 1-65535, else std::runtime_error.
inline std::uint16_t port_of(const std::string& text) {
  const auto value = std::stoul(text);
  if (value == 0 || value > 65535) throw std::runtime_error("bad port " + text);
  return static_cast<std::uint16_t>(value);
}

// ws://HOST:PORT/PATH, split; the port is required, the path defaults to "/".
struct ws_url {
  std::string host;
  std::uint16_t port = 0;
  std::string target;
};

inline ws_url parse_ws_url(const std::string& url) {
  const std::string scheme = "ws://";
  if (url.rfind(scheme, 0) != 0) throw std::runtime_error("only ws:// URLs: " + url);
  const auto rest = url.substr(scheme.size());
  const auto slash = rest.find('/');
  const auto authority = rest.substr(0, slash);
  const auto colon = authority.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("URL needs a port: " + url);
  return {authority.substr(0, colon), port_of(authority.substr(colon + 1)),
          slash == std::string::npos ? "/" : rest.substr(slash)};
}

}  // namespace sb::bench
