// relay_config: every setting of sockbridge-relay, declared once in
// SB_RELAY_SETTINGS below. Each row gives the setting's C++ member and
// default, its key in the config file (TOML or JSON, config_file.hpp), its
// command-line flag, its environment variable, its allowed range and the help
// text shown by --help and written into relay/relay.toml by --print-config.
// Adding a setting is adding a row; the file reader, the flags, the variables,
// --help and --print-config all read this table.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "hosts_file.hpp"
#include "key_auth.hpp"
#include "password_auth.hpp"
#include "policy.hpp"

namespace sb::relay {

// Longest MOTD the relay accepts in its configuration.
inline constexpr std::size_t max_motd_bytes = 4096;

// Checks a setting gets beyond its type and range.
enum class setting_check {
  none,
  existing_directory,  // a flag or variable must name an existing directory
  existing_file,       // a flag or variable must name an existing file
  comma_list,          // a list whose variable (and flag) may hold several entries, comma separated
};

// One row of the table, without its member.
struct setting {
  std::string_view key;   // in the config file: "name" or "table.name"
  std::string_view flag;  // "--name"
  std::string_view env;   // "SOCKBRIDGE_NAME"
  std::uint64_t min;      // numbers and seconds: the allowed range (others: 0, 0)
  std::uint64_t max;
  setting_check check;
  std::string_view help;
};

inline constexpr std::uint64_t many = std::uint64_t{1} << 32;
inline constexpr std::uint64_t one_day = 86400;

// X(type, member, default, key, flag, environment variable, min, max, check, help)
// Numbers are whole and non-negative; std::chrono::seconds are given in whole seconds.
#define SB_RELAY_SETTINGS(X)                                                                                           \
  X(std::string, listen, "127.0.0.1:8080", "listen", "--listen", "SOCKBRIDGE_LISTEN", 0, 0, none,                      \
    "Address for HTTP, /healthz, /metrics and the Wisp WebSocket, as HOST:PORT or [V6]:PORT (port 0 picks a free "     \
    "port)")                                                                                                           \
  X(bool, dev, false, "dev", "--dev", "SOCKBRIDGE_DEV", 0, 0, none,                                                    \
    "Development profile: also allow loopback targets (127.0.0.0/8, ::1) and guest listening sockets; never on a "     \
    "public relay")                                                                                                    \
  X(std::string, web_root, "", "web_root", "--web-root", "SOCKBRIDGE_WEB_ROOT", 0, 0, existing_directory,              \
    "Serve static files (the demo site) from this directory on the same port (empty: none)")                           \
  X(unsigned, threads, 0, "threads", "--threads", "SOCKBRIDGE_THREADS", 0, 256, none, "I/O threads (0: one per core)") \
  X(std::vector<std::string>, allowed_origins, {}, "allowed_origins", "--allowed-origin",                              \
    "SOCKBRIDGE_ALLOWED_ORIGINS", 0, 0, comma_list,                                                                    \
    "Origin allowed to open a WebSocket, exactly scheme://host[:port] (repeatable; empty: any)")                       \
  X(std::vector<std::string>, cors_origins, {}, "cors_origins", "--cors-origin", "SOCKBRIDGE_CORS_ORIGINS", 0, 0,      \
    comma_list,                                                                                                        \
    "Page origin, exactly scheme://host[:port], or * for any, whose pages may load the static site from another "      \
    "origin (sockbridge-run.js, shim-js, the host, guests): CORS headers on its files (repeatable; empty: none)")      \
  X(std::string, token, "", "token", "--token", "SOCKBRIDGE_TOKEN", 0, 0, none,                                        \
    "Require this token (?token=... or Authorization: Bearer ...) to open a WebSocket (empty: none)")                  \
  X(std::chrono::seconds, drain_timeout, std::chrono::seconds{25}, "drain_timeout_seconds", "--drain-timeout",         \
    "SOCKBRIDGE_DRAIN_TIMEOUT", 0, 3600, none,                                                                         \
    "Seconds open streams may take to finish after SIGTERM (the listener closes, /healthz answers 503)")               \
  X(std::string, hosts_file, "", "hosts_file", "--hosts-file", "SOCKBRIDGE_HOSTS_FILE", 0, 0, none,                    \
    "Hosts file (ADDRESS NAME... lines, # comments): the names it lists resolve only from it, to every address "       \
    "listed, others through the system resolver; the policy checks them all the same (empty: none)")                   \
  X(std::string, motd, "", "motd", "--motd", "SOCKBRIDGE_MOTD", 0, 0, none,                                            \
    "Message of the day for Wisp v2 clients (MOTD extension 0x04; shim-js shows it), at most 4096 bytes (empty: "      \
    "none)")                                                                                                           \
  X(std::string, tls_certificate_file, "", "tls.certificate_file", "--tls-cert", "SOCKBRIDGE_TLS_CERT", 0, 0,          \
    existing_file, "Serve wss:// and https:// with this PEM certificate chain, leaf first (needs the key too)")        \
  X(std::string, tls_private_key_file, "", "tls.private_key_file", "--tls-key", "SOCKBRIDGE_TLS_KEY", 0, 0,            \
    existing_file, "PEM private key of the TLS certificate")                                                           \
  X(std::vector<std::string>, user_entries, {}, "password_auth.users", "--user", "SOCKBRIDGE_USER", 0, 0, none,        \
    "Require Wisp password login; NAME:PASSWORD (split at the first ':') may log in (repeatable; the variable "        \
    "holds one user)")                                                                                                 \
  X(std::string, authorized_keys_file, "", "key_auth.authorized_keys_file", "--authorized-keys",                       \
    "SOCKBRIDGE_AUTHORIZED_KEYS", 0, 0, existing_file,                                                                 \
    "Require Wisp key login (extension 0x03, Ed25519) with a key of this file: ssh-ed25519 lines or PEM PUBLIC "       \
    "KEY blocks (empty: none)")                                                                                        \
  X(std::vector<std::string>, policy_allow, {}, "policy.allow", "--allow", "SOCKBRIDGE_ALLOW", 0, 0, comma_list,       \
    "CIDR block or host name allowed even if not public, e.g. 10.1.2.0/24 or db.internal (repeatable)")                \
  X(std::vector<std::string>, policy_deny, {}, "policy.deny", "--deny", "SOCKBRIDGE_DENY", 0, 0, comma_list,           \
    "CIDR block or host name always denied; .example.com is every subdomain (repeatable)")                             \
  X(std::vector<std::string>, policy_ports, {}, "policy.ports", "--ports", "SOCKBRIDGE_PORTS", 0, 0, comma_list,       \
    "Allowed target ports, as PORT or FIRST-LAST (repeatable; empty: all)")                                            \
  X(bool, listen_enabled, false, "guest_listen.enabled", "--allow-listen", "SOCKBRIDGE_ALLOW_LISTEN", 0, 0, none,      \
    "Let guests open listening sockets and bind UDP sockets to chosen ports (on the listen interface); --dev "         \
    "implies it")                                                                                                      \
  X(std::string, listen_bind_address, "127.0.0.1", "guest_listen.bind_address", "--listen-bind-address",               \
    "SOCKBRIDGE_LISTEN_BIND_ADDRESS", 0, 0, none,                                                                      \
    "Interface guest listening sockets bind to, whatever address the guest asks for")                                  \
  X(std::string, listen_ports, "1024-65535", "guest_listen.ports", "--listen-ports", "SOCKBRIDGE_LISTEN_PORTS", 0, 0,  \
    none, "Ports guests may listen on, as FIRST-LAST")                                                                 \
  X(std::uint32_t, max_listen_backlog, 128, "guest_listen.max_backlog", "--listen-backlog",                            \
    "SOCKBRIDGE_LISTEN_BACKLOG", 1, 65535, none, "Largest listen() backlog a guest may ask for")                       \
  X(std::size_t, max_sessions, 10000, "limits.max_sessions", "--max-sessions", "SOCKBRIDGE_MAX_SESSIONS", 1, many,     \
    none, "Most WebSocket sessions at once")                                                                           \
  X(std::size_t, max_sessions_per_address, 64, "limits.max_sessions_per_address", "--max-sessions-per-address",        \
    "SOCKBRIDGE_MAX_SESSIONS_PER_ADDRESS", 1, many, none,                                                              \
    "Most sessions from one client address (behind a proxy every session has the proxy's address: raise it)")          \
  X(std::size_t, max_streams_per_session, 256, "limits.max_streams_per_session", "--max-streams-per-session",          \
    "SOCKBRIDGE_MAX_STREAMS_PER_SESSION", 1, many, none, "Most streams in one session")                                \
  X(std::size_t, max_streams_total, 100000, "limits.max_streams_total", "--max-streams-total",                         \
    "SOCKBRIDGE_MAX_STREAMS_TOTAL", 1, many, none, "Most streams in all sessions")                                     \
  X(std::uint64_t, session_bytes_per_second, 0, "limits.session_bytes_per_second", "--session-bytes-per-second",       \
    "SOCKBRIDGE_SESSION_BYTES_PER_SECOND", 0, std::numeric_limits<std::uint32_t>::max() * std::uint64_t{16}, none,     \
    "Bytes per second one session may move, both directions together (0: unlimited)")                                  \
  X(std::size_t, max_message_bytes, 1024 * 1024, "limits.max_message_bytes", "--max-message-bytes",                    \
    "SOCKBRIDGE_MAX_MESSAGE_BYTES", 64, std::uint64_t{64} << 20, none,                                                 \
    "Largest WebSocket message accepted from a client (one Wisp packet)")                                              \
  X(std::chrono::seconds, handshake_timeout, std::chrono::seconds{10}, "limits.handshake_timeout_seconds",             \
    "--handshake-timeout", "SOCKBRIDGE_HANDSHAKE_TIMEOUT", 1, one_day, none,                                           \
    "Seconds to send the HTTP request and finish the WebSocket upgrade")                                               \
  X(std::chrono::seconds, session_idle_timeout, std::chrono::seconds{300}, "limits.session_idle_timeout_seconds",      \
    "--session-idle-timeout", "SOCKBRIDGE_SESSION_IDLE_TIMEOUT", 1, one_day, none,                                     \
    "Seconds a session with no stream may go without a packet from the client")                                        \
  X(std::chrono::seconds, stream_idle_timeout, std::chrono::seconds{600}, "limits.stream_idle_timeout_seconds",        \
    "--stream-idle-timeout", "SOCKBRIDGE_STREAM_IDLE_TIMEOUT", 1, one_day, none,                                       \
    "Seconds a stream may carry no byte either way")                                                                   \
  X(std::chrono::seconds, connect_timeout, std::chrono::seconds{10}, "limits.connect_timeout_seconds",                 \
    "--connect-timeout", "SOCKBRIDGE_CONNECT_TIMEOUT", 1, one_day, none,                                               \
    "Seconds to resolve and connect a stream's target")                                                                \
  X(std::chrono::seconds, dns_timeout, std::chrono::seconds{5}, "limits.dns_timeout_seconds", "--dns-timeout",         \
    "SOCKBRIDGE_DNS_TIMEOUT", 1, one_day, none, "Seconds one name lookup may take")                                    \
  X(unsigned, dns_threads, 8, "limits.dns_threads", "--dns-threads", "SOCKBRIDGE_DNS_THREADS", 1, 256, none,           \
    "Threads doing name lookups for all sessions (more lookups wait in a queue; one session gets at most a "           \
    "quarter of them)")                                                                                                \
  X(std::uint32_t, stream_buffer_packets, 128, "limits.stream_buffer_packets", "--stream-buffer-packets",              \
    "SOCKBRIDGE_STREAM_BUFFER_PACKETS", 2, 65535, none, "Wisp buffer granted per stream, in DATA packets (CONTINUE)")

#define SB_RELAY_SETTING_MEMBER(type, member, default_value, ...) type member = default_value;

struct relay_config {
  SB_RELAY_SETTINGS(SB_RELAY_SETTING_MEMBER)

  // --- derived by resolve_settings (config_file.hpp) from the settings above ---
  // From user_entries: every session must log in as one of them (Wisp v2
  // password auth, extension 0x02); v1 sessions, which cannot, are refused.
  user_table users;
  // Read from authorized_keys_file: every session must log in with one of
  // them (Wisp v2 key auth, extension 0x03), or as a user if there are users.
  key_table authorized_keys;
  // From policy_allow/deny/ports and dev: which targets streams may reach.
  target_policy policy;
  // Read from hosts_file.
  host_table hosts;
  // From listen_ports.
  std::uint16_t listen_port_min = 1024;
  std::uint16_t listen_port_max = 65535;

  // --- fixed (not settings) ---
  // Largest HTTP request header block.
  std::uint32_t max_header_bytes = 16 * 1024;
  // Most bytes read from a target into one DATA packet (a read takes what is
  // waiting, up to this). Larger means fewer system calls per byte; smaller
  // means a shorter wait for other streams' packets behind it on the WebSocket.
  std::size_t read_chunk_bytes = 256 * 1024;
  // DATA packets per stream read from the target but not yet written to the
  // WebSocket; beyond this the relay stops reading that target (backpressure).
  std::size_t max_chunks_in_flight = 2;
  // Name lookups one session may have in flight (RESOLVE).
  std::size_t max_pending_resolves = 16;
};

#undef SB_RELAY_SETTING_MEMBER

// Calls visit(setting, member) for every row of SB_RELAY_SETTINGS, in order;
// Config is relay_config or const relay_config.
template <class Config, class Visit>
void for_each_setting(Config& config, Visit&& visit) {
#define SB_RELAY_SETTING_VISIT(type, member, default_value, key, flag, env, min, max, check, help) \
  visit(setting{key, flag, env, min, max, setting_check::check, help}, config.member);
  SB_RELAY_SETTINGS(SB_RELAY_SETTING_VISIT)
#undef SB_RELAY_SETTING_VISIT
}

// Guests may listen (and bind UDP sockets to chosen ports): enabled, or the dev profile.
inline bool guest_listen_enabled(const relay_config& config) { return config.listen_enabled || config.dev; }

// Why a guest may not listen on (or bind a UDP socket to) port: "" if it may,
// else "listen_disabled" or "listen_port". Port 0 (any) is within every range.
inline std::string_view listen_denial(const relay_config& config, std::uint16_t port) {
  if (!guest_listen_enabled(config)) return "listen_disabled";
  if (port != 0 && (port < config.listen_port_min || port > config.listen_port_max)) return "listen_port";
  return {};
}

}  // namespace sb::relay
