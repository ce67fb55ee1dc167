// The relay's settings table (config.hpp): each row names its own key, flag
// and variable, and the config-file writer and reader agree on every row.
#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <sstream>
#include <string>

#include "config.hpp"
#include "config_file.hpp"

namespace {

using sb::relay::relay_config;
using sb::relay::setting;

TEST(relay_settings, keys_flags_and_variables_are_unique_and_well_formed) {
  std::set<std::string_view> keys, flags, variables;
  const relay_config defaults;
  sb::relay::for_each_setting(defaults, [&](const setting& row, const auto&) {
    EXPECT_TRUE(keys.insert(row.key).second) << row.key;
    EXPECT_TRUE(flags.insert(row.flag).second) << row.flag;
    EXPECT_TRUE(variables.insert(row.env).second) << row.env;
    EXPECT_EQ(row.flag.substr(0, 2), "--") << row.flag;
    EXPECT_EQ(row.env.substr(0, 11), "SOCKBRIDGE_") << row.env;
    for (char c : row.env) EXPECT_TRUE(std::isupper(static_cast<unsigned char>(c)) || c == '_') << row.env;
    EXPECT_LE(row.min, row.max) << row.key;
    EXPECT_FALSE(row.help.empty()) << row.key;
  });
}

TEST(relay_settings, written_file_names_every_key_once) {
  std::ostringstream out;
  const relay_config defaults;
  sb::relay::write_config_file(out, defaults);
  const auto text = out.str();
  sb::relay::for_each_setting(defaults, [&](const setting& row, const auto&) {
    const auto dot = row.key.find('.');
    const auto name = std::string(dot == std::string_view::npos ? row.key : row.key.substr(dot + 1));
    EXPECT_NE(text.find("\n" + name + " = "), std::string::npos) << row.key;
    EXPECT_NE(text.find("# flag " + std::string(row.flag) + ", environment variable " + std::string(row.env) + "\n"),
              std::string::npos)
        << row.key;
  });
}

TEST(relay_settings, resolve_rejects_bad_entries_naming_the_setting) {
  relay_config config;
  config.policy_ports = {"80", "none"};
  try {
    sb::relay::resolve_settings(config);
    FAIL() << "a bad port entry was accepted";
  } catch (const sb::relay::config_error& e) {
    EXPECT_STREQ(e.what(), "policy.ports: 'none' is not a port or FIRST-LAST range");
  }
}

}  // namespace
