#include "hosts_file.hpp"

#include <algorithm>
#include <cctype>

namespace sb::relay {
namespace {

std::string canonical(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  std::string out(name);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

void host_table::add(std::string_view name, const boost::asio::ip::address& address) {
  auto& addresses = names_[canonical(name)];
  if (std::find(addresses.begin(), addresses.end(), address) == addresses.end()) addresses.push_back(address);
}

const std::vector<boost::asio::ip::address>* host_table::find(std::string_view name) const {
  const auto it = names_.find(canonical(name));
  return it == names_.end() ? nullptr : &it->second;
}

}  // namespace sb::relay
