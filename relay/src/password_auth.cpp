#include "password_auth.hpp"

#include <algorithm>

namespace sb::relay {
namespace {

// Looks at every byte of the longer input whatever it finds.
bool constant_time_equal(std::string_view a, std::string_view b) {
  std::size_t difference = a.size() ^ b.size();
  const auto length = std::max(a.size(), b.size());
  for (std::size_t i = 0; i < length; ++i) {
    const auto x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0u;
    const auto y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0u;
    difference |= x ^ y;
  }
  return difference == 0;
}

}  // namespace

bool check_password(const user_table& users, std::string_view username, std::string_view password) {
  const auto user = users.find(username);
  // An unknown user still costs one comparison, like a known one.
  const std::string_view expected = user == users.end() ? std::string_view{} : std::string_view{user->second};
  const bool matches = constant_time_equal(expected, password);
  return user != users.end() && matches;
}

}  // namespace sb::relay
