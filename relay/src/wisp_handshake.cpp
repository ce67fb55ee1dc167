#include "wisp_handshake.hpp"

#include "sockbridge/protocol/extensions.hpp"

namespace sb::relay {
namespace {

using id = protocol::extension_id;

protocol::extension record(id which, protocol::byte_view metadata = {}) {
  return {static_cast<std::uint8_t>(which), metadata};
}

client_hello refuse(protocol::close_reason reason, std::string why) {
  client_hello hello;
  hello.refusal = reason;
  hello.why = std::move(why);
  return hello;
}

// Password authentication, if configured: a missing login is auth_required,
// a wrong one auth_bad_password (the Wisp reasons for them).
std::optional<client_hello> check_login(const relay_config& config, const protocol::info_payload& info,
                                        std::string& username) {
  if (config.users.empty()) return std::nullopt;
  const auto* login = protocol::find_extension(info, id::password_auth);
  if (!login) return refuse(protocol::close_reason::auth_required, "no credentials in the client's INFO");
  protocol::password_credentials credentials;
  if (auto error = protocol::decode_password_credentials(login->metadata, credentials);
      error != protocol::decode_error::ok)
    return refuse(protocol::close_reason::invalid_info,
                  "malformed credentials: " + std::string(protocol::describe(error)));
  username = credentials.username;
  if (!check_password(config.users, credentials.username, credentials.password))
    return refuse(protocol::close_reason::auth_bad_password, "wrong username or password");
  return std::nullopt;
}

}  // namespace

protocol::bytes encode_relay_info(const relay_config& config) {
  const protocol::bytes password = {1};  // required
  protocol::bytes motd;
  protocol::encode_motd(motd, config.motd);
  protocol::bytes features;
  protocol::encode_sockbridge_offer(
      features, {protocol::sockbridge_feature_stream_windows | protocol::sockbridge_feature_bound_udp});

  protocol::info_payload info{
      2, 0, {record(id::udp), record(id::stream_open_confirmation), record(id::sockbridge, features)}};
  if (!config.users.empty()) info.extensions.push_back(record(id::password_auth, password));
  if (!config.motd.empty()) info.extensions.push_back(record(id::motd, motd));
  protocol::bytes frame;
  protocol::encode_info(frame, info);
  return frame;
}

client_hello read_client_info(const relay_config& config, const protocol::frame& frame) {
  protocol::info_payload info;
  if (frame.type != protocol::packet_type::info || frame.stream_id != protocol::session_stream_id ||
      protocol::decode_info(frame.payload, info) != protocol::decode_error::ok)
    return refuse(protocol::close_reason::invalid_info, "expected the client's INFO");
  client_hello hello;
  if (auto refused = check_login(config, info, hello.username)) {
    refused->username = hello.username;  // for the log: who failed to log in
    return *refused;
  }
  hello.open_confirmation = protocol::find_extension(info, id::stream_open_confirmation) != nullptr;
  if (const auto* sockbridge = protocol::find_extension(info, id::sockbridge)) {
    protocol::sockbridge_request request;
    if (auto error = protocol::decode_sockbridge_request(sockbridge->metadata, request);
        error != protocol::decode_error::ok)
      return refuse(protocol::close_reason::invalid_info,
                    "malformed sockbridge request: " + std::string(protocol::describe(error)));
    hello.sockbridge = true;
    hello.stream_window = request.stream_window;
  }
  return hello;
}

}  // namespace sb::relay
