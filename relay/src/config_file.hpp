// config_file: reads relay settings from a TOML (.toml) or JSON (.json) file
// into relay_config. relay/relay.toml lists every key with its default.
// Unknown keys, wrong types and out-of-range values are errors naming the key,
// so a typo never silently leaves a default in place.
#pragma once

#include <stdexcept>
#include <string>

#include "config.hpp"

namespace sb::relay {

struct config_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Overwrites the settings the file names; throws config_error ("FILE: key: problem").
void load_config_file(const std::string& path, relay_config& config);

// Parses the policy's list entries (CIDRs, names, port ranges) into config.policy;
// throws config_error naming the bad entry. Used for the file and the flags alike.
void set_policy_lists(relay_config& config, const std::vector<std::string>& allow, const std::vector<std::string>& deny,
                      const std::vector<std::string>& ports);

// Reads config.hosts_file (if set) into config.hosts; throws config_error
// ("FILE line N: problem") for an unreadable file or a bad line.
void load_hosts_file(relay_config& config);

// "1024-65535" → listen_port_min/max; throws config_error.
void set_listen_ports(relay_config& config, const std::string& range);

// "NAME:PASSWORD" entries (split at the first ':') → config.users, replacing
// them; throws config_error for an entry without ':', an empty or over-long
// name, an empty password, or a name given twice.
void set_users(relay_config& config, const std::vector<std::string>& entries);

// Sets config.motd; throws config_error if it is longer than max_motd_bytes.
void set_motd(relay_config& config, std::string motd);

}  // namespace sb::relay
