// config_file: reads and writes relay settings (config.hpp's SB_RELAY_SETTINGS)
// as a TOML (.toml) or JSON (.json) file. relay/relay.toml is what
// write_config_file prints for the defaults (sockbridge-relay --print-config).
// Unknown keys, wrong types and out-of-range values are errors naming the key,
// so a typo never silently leaves a default in place.
#pragma once

#include <iosfwd>
#include <stdexcept>
#include <string>

#include "config.hpp"

namespace sb::relay {

struct config_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Overwrites the settings the file names; throws config_error ("FILE: key: problem").
void load_config_file(const std::string& path, relay_config& config);

// Writes every setting of config as a TOML config file, each with its help,
// flag and environment variable as a comment; load_config_file reads it back.
void write_config_file(std::ostream& out, const relay_config& config);

// Checks what a range cannot (list entries, port range, users, MOTD length)
// and fills the derived members (users, policy, hosts, listen_port_min/max)
// from the settings, whichever source set them; throws config_error naming the
// setting and the bad entry. Reads hosts_file.
void resolve_settings(relay_config& config);

// Reads config.hosts_file (if set) into config.hosts; throws config_error
// ("FILE line N: problem") for an unreadable file or a bad line.
void load_hosts_file(relay_config& config);

}  // namespace sb::relay
