#include "config_file.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <sstream>
#include <type_traits>
#include <utility>

#include "sockbridge/protocol/extensions.hpp"

namespace sb::relay {
namespace {

using json = nlohmann::json;

// Reads a setting's value from the file's JSON form; throws a message naming
// what was expected.
void read_value(const json& value, const setting&, bool& out) {
  if (!value.is_boolean()) throw config_error("expected true or false");
  out = value.get<bool>();
}

void read_value(const json& value, const setting&, std::string& out) {
  if (!value.is_string()) throw config_error("expected a string");
  out = value.get<std::string>();
}

void read_value(const json& value, const setting&, std::vector<std::string>& out) {
  if (!value.is_array()) throw config_error("expected a list of strings");
  std::vector<std::string> items;
  for (const auto& item : value) {
    if (!item.is_string()) throw config_error("expected a list of strings");
    items.push_back(item.get<std::string>());
  }
  out = std::move(items);
}

std::uint64_t read_whole_number(const json& value, const setting& row) {
  if (!value.is_number_integer() || value.get<std::int64_t>() < 0) throw config_error("expected a whole number");
  const auto n = value.get<std::uint64_t>();
  if (n < row.min || n > row.max)
    throw config_error("must be between " + std::to_string(row.min) + " and " + std::to_string(row.max));
  return n;
}

template <class Number>
requires std::is_integral_v<Number>
void read_value(const json& value, const setting& row, Number& out) {
  out = static_cast<Number>(read_whole_number(value, row));
}

void read_value(const json& value, const setting& row, std::chrono::seconds& out) {
  out = std::chrono::seconds(read_whole_number(value, row));
}

// The setting's value as JSON, which is also its TOML spelling (strings,
// whole numbers, booleans and lists of strings are written alike).
template <class T>
json to_json(const T& value) {
  return json(value);
}
json to_json(const std::chrono::seconds& value) { return json(value.count()); }

// "limits.max_sessions" → {"limits", "max_sessions"}; a top-level key has table "".
std::pair<std::string_view, std::string_view> split_key(std::string_view key) {
  const auto dot = key.find('.');
  if (dot == std::string_view::npos) return {{}, key};
  return {key.substr(0, dot), key.substr(dot + 1)};
}

// The tables of the file, in the order --print-config writes them, with what
// an operator should know about each.
struct table_note {
  std::string_view name;
  std::string_view comment;
};
constexpr table_note tables[] = {
    {"", ""},
    {"tls", "Serve wss:// and https:// on the listening port: both files, or neither."},
    {"password_auth",
     "Wisp v2 password authentication (extension 0x02). If any user is listed, every session must log in as "
     "one of them in its INFO (shim-js: run({ relayAuth: { username, password } })); a missing login is closed "
     "with 0xc2, a wrong one with 0xc0, and Wisp v1 sessions (which cannot log in) with 0xc2. Passwords cross "
     "the wire in plain text: serve wss:// (TLS in front of the relay) and keep this file private."},
    {"key_auth",
     "Wisp v2 key authentication (extension 0x03, Ed25519). With a keys file, every session must sign the "
     "relay's random challenge with one of its keys (or log in with a password, if users are configured too); "
     "an unknown key or bad signature is closed with 0xc1, no login with 0xc2, Wisp v1 sessions with 0xc2."},
    {"policy",
     "Targets are denied unless public unicast: loopback, private (RFC 1918, ULA), link-local, CGNAT, multicast, "
     "unspecified, reserved and cloud metadata addresses are refused, also in IPv4-mapped/compatible/NAT64/6to4 "
     "IPv6 form, and a name is refused if any of its addresses is."},
    {"guest_listen", "Listening sockets and chosen UDP ports for guests (servers in the page)."},
    {"limits", "Each limit refuses or closes one session or stream, with its Wisp reason and a log line."},
};

// Writes text as "# " comment lines of at most about 100 columns.
void write_comment(std::ostream& out, std::string_view text) {
  constexpr std::size_t width = 98;
  while (!text.empty()) {
    auto cut = text.size() <= width ? text.size() : text.rfind(' ', width);
    if (cut == std::string_view::npos || cut == 0) cut = std::min(text.find(' '), text.size());
    out << "# " << text.substr(0, cut) << "\n";
    text.remove_prefix(std::min(cut + 1, text.size()));
  }
}

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

void set_policy_lists(relay_config& config) {
  auto& policy = config.policy;
  add_targets(config.policy_allow, "allow", policy.allow, policy.allow_hosts);
  add_targets(config.policy_deny, "deny", policy.deny, policy.deny_hosts);
  policy.ports.clear();
  for (const auto& entry : config.policy_ports) {
    const auto range = parse_port_range(entry);
    if (!range) throw config_error("policy.ports: '" + entry + "' is not a port or FIRST-LAST range");
    policy.ports.push_back(*range);
  }
  policy.allow_loopback = config.dev;
}

void set_listen_ports(relay_config& config) {
  const auto range = parse_port_range(config.listen_ports);
  if (!range || range->first == 0)
    throw config_error("guest_listen.ports: '" + config.listen_ports + "' is not a range like 1024-65535");
  config.listen_port_min = range->first;
  config.listen_port_max = range->last;
}

void set_users(relay_config& config) {
  user_table users;
  for (const auto& entry : config.user_entries) {
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

// Every key of the document must be a setting, and every table a table.
void reject_unknown_keys(const json& document) {
  std::set<std::string, std::less<>> keys;
  std::set<std::string, std::less<>> table_names;
  const relay_config defaults;
  for_each_setting(defaults, [&](const setting& row, const auto&) {
    keys.emplace(row.key);
    if (const auto table = split_key(row.key).first; !table.empty()) table_names.emplace(table);
  });
  if (!document.is_object()) throw config_error("expected a table of settings");
  for (const auto& [name, value] : document.items()) {
    if (!table_names.contains(name)) {
      if (!keys.contains(name)) throw config_error(name + ": unknown setting");
      continue;
    }
    if (!value.is_object()) throw config_error(name + ": expected a table");
    for (const auto& [inner, ignored] : value.items())
      if (!keys.contains(name + "." + inner)) throw config_error(name + "." + inner + ": unknown setting");
  }
}

}  // namespace

void load_hosts_file(relay_config& config) {
  config.hosts = {};
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

void load_config_file(const std::string& path, relay_config& config) {
  try {
    const auto document = parse_file(path);
    reject_unknown_keys(document);
    for_each_setting(config, [&](const setting& row, auto& member) {
      const auto [table, name] = split_key(row.key);
      const json* value = &document;
      if (!table.empty()) {
        const auto it = document.find(table);
        if (it == document.end()) return;
        value = &*it;
      }
      const auto it = value->find(name);
      if (it == value->end()) return;
      try {
        read_value(*it, row, member);
      } catch (const config_error& e) {
        throw config_error(std::string(row.key) + ": " + e.what());
      }
    });
    // Checked here too, so that a bad entry in the file is reported with the file's name.
    resolve_settings(config);
  } catch (const config_error& e) {
    throw config_error(path + ": " + e.what());
  }
}

void write_config_file(std::ostream& out, const relay_config& config) {
  out << "# sockbridge-relay configuration: every setting, each with its flag and environment variable.\n"
         "# Use it with `sockbridge-relay --config relay.toml` (TOML, or the same keys in a .json file).\n"
         "# Environment variables override the file, flags override both. Unknown keys are errors.\n"
         "# `sockbridge-relay --print-config` writes this file (with any file, variables and flags applied).\n";
  std::size_t written = 0;
  for (const auto& table : tables) {
    if (!table.name.empty()) {
      out << "\n";
      write_comment(out, table.comment);
      out << "[" << table.name << "]\n";
    }
    for_each_setting(config, [&](const setting& row, const auto& member) {
      const auto [row_table, name] = split_key(row.key);
      if (row_table != table.name) return;
      ++written;
      out << "\n";
      write_comment(out, row.help);
      out << "# flag " << row.flag << ", environment variable " << row.env << "\n";
      out << name << " = " << to_json(member).dump() << "\n";
    });
  }
  std::size_t rows = 0;
  for_each_setting(config, [&](const setting&, const auto&) { ++rows; });
  if (written != rows) throw std::logic_error("write_config_file: a setting's table is missing from tables[]");
}

void resolve_settings(relay_config& config) {
  if (config.motd.size() > max_motd_bytes)
    throw config_error("motd: longer than " + std::to_string(max_motd_bytes) + " bytes");
  set_users(config);
  set_policy_lists(config);
  set_listen_ports(config);
  load_hosts_file(config);
  config.authorized_keys =
      config.authorized_keys_file.empty() ? key_table{} : read_authorized_keys(config.authorized_keys_file);
}

}  // namespace sb::relay
