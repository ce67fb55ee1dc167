#include "config_file.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "sockbridge/protocol/extensions.hpp"

namespace sb::relay {
namespace {

using json = nlohmann::json;

// Reads one table of the file, remembering which keys were used so that the
// rest can be reported as unknown.
class table_reader {
 public:
  table_reader(const json& table, std::string prefix) : table_(table), prefix_(std::move(prefix)) {
    if (!table_.is_object()) fail("", "expected a table");
  }

  void boolean(const char* key, bool& out) { read(key, out, json::value_t::boolean, "true or false"); }
  void string(const char* key, std::string& out) { read(key, out, json::value_t::string, "a string"); }

  void strings(const char* key, std::vector<std::string>& out) {
    const auto* value = find(key);
    if (!value) return;
    if (!value->is_array()) fail(key, "expected a list of strings");
    out.clear();
    for (const auto& item : *value) {
      if (!item.is_string()) fail(key, "expected a list of strings");
      out.push_back(item.get<std::string>());
    }
  }

  template <class Number>
  void number(const char* key, Number& out, std::uint64_t min, std::uint64_t max) {
    const auto* value = find(key);
    if (!value) return;
    if (!value->is_number_integer() || value->get<std::int64_t>() < 0) fail(key, "expected a whole number");
    const auto n = value->get<std::uint64_t>();
    if (n < min || n > max) fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    out = static_cast<Number>(n);
  }

  void seconds(const char* key, std::chrono::seconds& out, std::uint64_t min, std::uint64_t max) {
    auto count = static_cast<std::uint64_t>(out.count());
    number(key, count, min, max);
    out = std::chrono::seconds(count);
  }

  // The sub-table key (an empty table if absent).
  table_reader table(const char* key) {
    static const json empty = json::object();
    const auto* value = find(key);
    return table_reader(value ? *value : empty, prefix_ + key + ".");
  }

  // Every key of the table must have been read.
  void finish() const {
    for (const auto& [key, value] : table_.items())
      if (!used_.contains(key)) fail(key, "unknown setting");
  }

  [[noreturn]] void fail(std::string_view key, const std::string& problem) const {
    throw config_error(prefix_ + std::string(key) + ": " + problem);
  }

 private:
  const json* find(const char* key) {
    used_.insert(key);
    const auto it = table_.find(key);
    return it == table_.end() ? nullptr : &*it;
  }

  template <class T>
  void read(const char* key, T& out, json::value_t type, const char* expected) {
    const auto* value = find(key);
    if (!value) return;
    if (value->type() != type) fail(key, std::string("expected ") + expected);
    out = value->get<T>();
  }

  const json& table_;
  std::string prefix_;
  std::set<std::string, std::less<>> used_;
};

json parse_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw config_error("cannot read the file");
  const bool is_json = path.size() >= 5 && path.substr(path.size() - 5) == ".json";
  if (is_json) {
    try {
      return json::parse(in);
    } catch (const json::parse_error& e) {
      throw config_error(std::string("not valid JSON: ") + e.what());
    }
  }
  try {
    // TOML becomes JSON, so both formats go through one reader.
    std::ostringstream text;
    text << toml::json_formatter{toml::parse(in, path)};
    return json::parse(text.str());
  } catch (const toml::parse_error& e) {
    std::ostringstream where;
    where << "not valid TOML (line " << e.source().begin.line << "): " << e.description();
    throw config_error(where.str());
  }
}

bool plausible_host_name(std::string_view name) {
  return !name.empty() && name.size() <= 253 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
  });
}

void add_targets(const std::vector<std::string>& entries, const char* key, std::vector<address_range>& ranges,
                 std::vector<std::string>& hosts) {
  ranges.clear();
  hosts.clear();
  for (const auto& entry : entries) {
    if (auto range = parse_address_range(entry))
      ranges.push_back(*range);
    else if (entry.find('/') == std::string::npos && plausible_host_name(entry))
      hosts.push_back(entry);
    else
      throw config_error(std::string("policy.") + key + ": '" + entry + "' is neither a CIDR block nor a host name");
  }
}

}  // namespace

void set_policy_lists(relay_config& config, const std::vector<std::string>& allow, const std::vector<std::string>& deny,
                      const std::vector<std::string>& ports) {
  auto& policy = config.policy;
  add_targets(allow, "allow", policy.allow, policy.allow_hosts);
  add_targets(deny, "deny", policy.deny, policy.deny_hosts);
  policy.ports.clear();
  for (const auto& entry : ports) {
    const auto range = parse_port_range(entry);
    if (!range) throw config_error("policy.ports: '" + entry + "' is not a port or FIRST-LAST range");
    policy.ports.push_back(*range);
  }
}

void load_hosts_file(relay_config& config) {
  if (config.hosts_file.empty()) return;
  std::ifstream in(config.hosts_file);
  if (!in) throw config_error(config.hosts_file + ": cannot read the hosts file");
  host_table hosts;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    auto fail = [&](const std::string& problem) {
      throw config_error(config.hosts_file + " line " + std::to_string(number) + ": " + problem);
    };
    std::istringstream fields(line.substr(0, line.find('#')));
    std::string address_text;
    if (!(fields >> address_text)) continue;
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(address_text, ec);
    if (ec) fail("'" + address_text + "' is not an IP address");
    std::string name;
    bool named = false;
    while (fields >> name) {
      if (!plausible_host_name(name)) fail("'" + name + "' is not a host name");
      hosts.add(name, address);
      named = true;
    }
    if (!named) fail("no host name after " + address_text);
  }
  config.hosts = std::move(hosts);
}

void set_listen_ports(relay_config& config, const std::string& text) {
  const auto range = parse_port_range(text);
  if (!range || range->first == 0)
    throw config_error("guest_listen.ports: '" + text + "' is not a range like 1024-65535");
  config.listen_port_min = range->first;
  config.listen_port_max = range->last;
}

void set_users(relay_config& config, const std::vector<std::string>& entries) {
  user_table users;
  for (const auto& entry : entries) {
    const auto colon = entry.find(':');
    if (colon == std::string::npos) throw config_error("password_auth.users: an entry is not NAME:PASSWORD");
    auto name = entry.substr(0, colon);
    auto password = entry.substr(colon + 1);
    if (name.empty() || name.size() > protocol::max_username_bytes)
      throw config_error("password_auth.users: a user name must have 1 to 255 bytes");
    if (password.empty()) throw config_error("password_auth.users: user '" + name + "' has an empty password");
    if (!users.emplace(name, std::move(password)).second)
      throw config_error("password_auth.users: user '" + name + "' is listed twice");
  }
  config.users = std::move(users);
}

void set_motd(relay_config& config, std::string motd) {
  if (motd.size() > max_motd_bytes)
    throw config_error("motd: longer than " + std::to_string(max_motd_bytes) + " bytes");
  config.motd = std::move(motd);
}

void load_config_file(const std::string& path, relay_config& config) {
  try {
    const auto document = parse_file(path);
    table_reader top(document, "");
    top.string("listen", config.listen);
    top.boolean("dev", config.dev);
    top.string("web_root", config.web_root);
    auto tls = top.table("tls");
    tls.string("certificate_file", config.tls_certificate_file);
    tls.string("private_key_file", config.tls_private_key_file);
    tls.finish();
    top.string("hosts_file", config.hosts_file);
    top.number("threads", config.threads, 0, 256);
    top.strings("allowed_origins", config.allowed_origins);
    top.string("token", config.token);
    top.seconds("drain_timeout_seconds", config.drain_timeout, 0, 3600);
    std::string motd = config.motd;
    top.string("motd", motd);
    set_motd(config, std::move(motd));

    auto password_auth = top.table("password_auth");
    std::vector<std::string> users;
    password_auth.strings("users", users);
    password_auth.finish();
    if (!users.empty()) set_users(config, users);

    auto policy = top.table("policy");
    std::vector<std::string> allow, deny, ports;
    policy.strings("allow", allow);
    policy.strings("deny", deny);
    policy.strings("ports", ports);
    policy.finish();
    set_policy_lists(config, allow, deny, ports);

    auto listen = top.table("guest_listen");
    listen.boolean("enabled", config.listen_enabled);
    listen.string("bind_address", config.listen_bind_address);
    std::string listen_ports;
    listen.string("ports", listen_ports);
    if (!listen_ports.empty()) set_listen_ports(config, listen_ports);
    listen.number("max_backlog", config.max_listen_backlog, 1, 65535);
    listen.finish();

    constexpr auto many = std::uint64_t{1} << 32;
    auto limits = top.table("limits");
    limits.number("max_sessions", config.max_sessions, 1, many);
    limits.number("max_sessions_per_address", config.max_sessions_per_address, 1, many);
    limits.number("max_streams_per_session", config.max_streams_per_session, 1, many);
    limits.number("max_streams_total", config.max_streams_total, 1, many);
    limits.number("session_bytes_per_second", config.session_bytes_per_second, 0,
                  std::numeric_limits<std::uint32_t>::max() * std::uint64_t{16});
    limits.number("max_message_bytes", config.max_message_bytes, 64, std::uint64_t{64} << 20);
    limits.seconds("handshake_timeout_seconds", config.handshake_timeout, 1, 3600);
    limits.seconds("session_idle_timeout_seconds", config.session_idle_timeout, 1, 86400);
    limits.seconds("stream_idle_timeout_seconds", config.stream_idle_timeout, 1, 86400);
    limits.seconds("connect_timeout_seconds", config.connect_timeout, 1, 3600);
    limits.seconds("dns_timeout_seconds", config.dns_timeout, 1, 3600);
    limits.number("dns_threads", config.dns_threads, 1, 256);
    limits.number("stream_buffer_packets", config.stream_buffer_packets, 2, 65535);
    limits.finish();
    top.finish();
  } catch (const config_error& e) {
    throw config_error(path + ": " + e.what());
  }
}

}  // namespace sb::relay
