// Name lookups for the guest: IP literals answered here, names by the relay
// (sockbridge RESOLVE/RESOLVED).
#include <arpa/inet.h>
#include <sys/socket.h>

#include <utility>

#include "sockbridge/host/kernel.hpp"

namespace sb::host {
namespace {

constexpr std::int32_t error(std::int32_t errno_value) { return -errno_value; }

// Parses an IPv4 or IPv6 literal into a socket_address (port 0).
std::optional<socket_address> parse_literal(const std::string& text) {
  socket_address address;
  if (inet_pton(AF_INET, text.c_str(), address.ip.data()) == 1) {
    address.family = SB_AF_INET;
    return address;
  }
  if (inet_pton(AF_INET6, text.c_str(), address.ip.data()) == 1) {
    address.family = SB_AF_INET6;
    return address;
  }
  return std::nullopt;
}

std::int32_t resolve_errno(std::uint8_t status) {
  switch (static_cast<protocol::close_reason>(status)) {
    case protocol::close_reason::name_not_found:
      return SB_ENOENT;
    case protocol::close_reason::blocked:
      return SB_EPERM;
    case protocol::close_reason::throttled:
    case protocol::close_reason::connect_timeout:  // the relay's DNS timeout: try again later
      return SB_EAGAIN;
    default:
      return status == resolve_status_link_lost ? SB_ENETUNREACH : SB_EIO;
  }
}

}  // namespace

std::int32_t kernel::sock_getaddrinfo(guest_ptr name_ptr, std::uint32_t name_len, std::int32_t family, guest_ptr out,
                                      std::uint32_t max) {
  if (family != SB_AF_UNSPEC && family != SB_AF_INET && family != SB_AF_INET6) return error(SB_EAFNOSUPPORT);
  if (name_len == 0 || name_len > protocol::max_hostname_bytes) return error(SB_EINVAL);
  if (!memory_.contains(out, std::uint64_t{max} * SB_SOCKADDR_IN6_SIZE)) return error(SB_EFAULT);
  std::string name(name_len, '\0');
  if (!memory_.read(name_ptr, std::span(reinterpret_cast<std::uint8_t*>(name.data()), name.size())))
    return error(SB_EFAULT);
  // The relay's decoder would refuse the RESOLVE, and end the whole link.
  if (protocol::check_hostname({reinterpret_cast<const std::uint8_t*>(name.data()), name.size()}) !=
      protocol::decode_error::ok)
    return error(SB_EINVAL);

  if (auto literal = parse_literal(name)) {
    if (family != SB_AF_UNSPEC && literal->family != family) return error(SB_ENOENT);
    resolve_ = resolve_request{0, name, family, 0, {*literal}};
    return write_resolve_result(out, max);
  }
  if (resolve_ && resolve_->name == name && resolve_->family == family) {
    if (!resolve_->status) return block_forever();
    return write_resolve_result(out, max);
  }
  if (link_ == link_state::closed) return error(SB_ENETUNREACH);
  if (link_ == link_state::handshaking) return block_forever();  // extension support not known yet
  if (!extension()) return error(SB_ENOTSUP);

  resolve_ = resolve_request{next_stream_id_++, name, family, std::nullopt, {}};
  const std::uint8_t wire_family = family == SB_AF_INET ? 4 : family == SB_AF_INET6 ? 6 : 0;
  protocol::bytes frame;
  protocol::encode_resolve(frame, resolve_->request_id, {wire_family, name});
  send_frame(std::move(frame));
  return block_forever();
}

std::int32_t kernel::write_resolve_result(guest_ptr out, std::uint32_t max) {
  const auto result = std::move(*resolve_);
  resolve_.reset();
  if (*result.status != 0) return error(resolve_errno(*result.status));
  std::uint32_t written = 0;
  for (const auto& address : result.addresses) {
    if (written == max) break;
    std::array<std::uint8_t, SB_SOCKADDR_IN6_SIZE> raw;
    encode_socket_address(address, raw);
    if (!memory_.write(out + written * SB_SOCKADDR_IN6_SIZE, raw)) return error(SB_EFAULT);
    ++written;
  }
  return static_cast<std::int32_t>(written);
}

void kernel::on_resolved(const protocol::frame& frame) {
  if (!resolve_ || resolve_->status || resolve_->request_id != frame.stream_id) return;  // stale answer
  protocol::resolved_payload answer;
  if (protocol::decode_resolved(frame.payload, answer) != protocol::decode_error::ok)
    return fail_link("relay sent a malformed RESOLVED");
  resolve_->status = answer.status;
  for (const auto& e : answer.addresses) {
    auto address = from_wire(e);
    address.port = 0;  // a lookup has no port; the guest's getaddrinfo sets it
    if (resolve_->family == SB_AF_UNSPEC || resolve_->family == address.family) resolve_->addresses.push_back(address);
  }
  if (*resolve_->status == 0 && resolve_->addresses.empty())
    resolve_->status = static_cast<std::uint8_t>(protocol::close_reason::name_not_found);
}

}  // namespace sb::host
