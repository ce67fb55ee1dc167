#include "wisp_handshake.hpp"

#include "key_auth.hpp"
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

// Key authentication: a signature of this session's challenge by an
// authorized key, else auth_bad_signature (the Wisp reason for it).
std::optional<client_hello> check_key(const relay_config& config, const protocol::extension& answer_record,
                                      protocol::byte_view challenge, std::string& username) {
  protocol::key_auth_answer answer;
  if (auto error = protocol::decode_key_auth_answer(answer_record.metadata, answer);
      error != protocol::decode_error::ok)
    return refuse(protocol::close_reason::invalid_info,
                  "malformed key auth answer: " + std::string(protocol::describe(error)));
  const auto* key = check_key_answer(config.authorized_keys, challenge, answer);
  if (!key) return refuse(protocol::close_reason::auth_bad_signature, "no authorized key made that signature");
  username = "key:" + key->name;
  return std::nullopt;
}

// The login, if one is required: a key answer (if keys are configured and the
// client sent one), else credentials (if users are configured). A missing
// login is auth_required, a wrong password auth_bad_password.
std::optional<client_hello> check_login(const relay_config& config, const protocol::info_payload& info,
                                        protocol::byte_view challenge, std::string& username) {
  if (!login_required(config)) return std::nullopt;
  const auto* key_answer = protocol::find_extension(info, id::key_auth);
  if (key_answer && !config.authorized_keys.empty()) return check_key(config, *key_answer, challenge, username);
  const auto* login = protocol::find_extension(info, id::password_auth);
  if (!login || config.users.empty())
    return refuse(protocol::close_reason::auth_required, "no credentials in the client's INFO");
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

std::string chosen_subprotocol(std::string_view offered) {
  const auto first = offered.substr(0, offered.find(','));
  const auto begin = first.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  const auto end = first.find_last_not_of(" \t");
  return std::string(first.substr(begin, end - begin + 1));
}

bool login_required(const relay_config& config) { return !config.users.empty() || !config.authorized_keys.empty(); }

protocol::bytes encode_relay_info(const relay_config& config, protocol::byte_view key_challenge) {
  const protocol::bytes password = {1};  // required
  protocol::bytes key_offer;
  protocol::encode_key_auth_offer(key_offer, {true, protocol::key_algorithm_ed25519, key_challenge});
  protocol::bytes motd;
  protocol::encode_motd(motd, config.motd);
  protocol::bytes features;
  protocol::encode_sockbridge_offer(
      features, {protocol::sockbridge_feature_stream_windows | protocol::sockbridge_feature_bound_udp});

  protocol::info_payload info{
      2, 0, {record(id::udp), record(id::stream_open_confirmation), record(id::sockbridge, features)}};
  if (!config.users.empty()) info.extensions.push_back(record(id::password_auth, password));
  if (!config.authorized_keys.empty()) info.extensions.push_back(record(id::key_auth, key_offer));
  if (!config.motd.empty()) info.extensions.push_back(record(id::motd, motd));
  protocol::bytes frame;
  protocol::encode_info(frame, info);
  return frame;
}

client_hello read_client_info(const relay_config& config, const protocol::frame& frame,
                              protocol::byte_view key_challenge) {
  protocol::info_payload info;
  if (frame.type != protocol::packet_type::info || frame.stream_id != protocol::session_stream_id ||
      protocol::decode_info(frame.payload, info) != protocol::decode_error::ok)
    return refuse(protocol::close_reason::invalid_info, "expected the client's INFO");
  client_hello hello;
  if (auto refused = check_login(config, info, key_challenge, hello.username)) {
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
