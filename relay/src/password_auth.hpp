// password_auth: checks a Wisp password-auth login (extension 0x02) against
// the configured users. Passwords arrive in plain text (serve wss:// in
// front of the relay); this only decides whether they match.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace sb::relay {

// username → password, as configured ([password_auth] users).
using user_table = std::map<std::string, std::string, std::less<>>;

// True if users has username with exactly this password. The comparison takes
// the same time however much of the password matches, so timing does not
// reveal it byte by byte.
bool check_password(const user_table& users, std::string_view username, std::string_view password);

}  // namespace sb::relay
