// host_table: names the operator pins to addresses with a hosts file
// (--hosts-file). A listed name resolves only from the table, to every address
// listed for it; other names go to the system resolver. The policy checks the
// pinned addresses like resolved ones: pinning a name grants nothing.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sb::relay {

class host_table {
 public:
  // Appends address to name's list (an address listed twice is kept once).
  void add(std::string_view name, const boost::asio::ip::address& address);
  // name's addresses in file order, or nullptr if the name is not listed.
  // Names compare case-insensitively; one trailing dot is ignored.
  const std::vector<boost::asio::ip::address>* find(std::string_view name) const;
  std::size_t size() const { return names_.size(); }

 private:
  std::map<std::string, std::vector<boost::asio::ip::address>, std::less<>> names_;
};

}  // namespace sb::relay
