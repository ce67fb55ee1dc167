// The Wisp v2 handshake, client side: the relay's INFO says which extensions
// it offers; the kernel answers with the ones it uses, with their metadata
// (credentials for password auth, the stream window for the sockbridge
// extension). The relay's CONTINUE on stream 0 then opens the link (kernel.cpp).
#include "sockbridge/host/kernel.hpp"
#include "sockbridge/protocol/extensions.hpp"

namespace sb::host {

bool kernel::set_relay_credentials(std::string username, std::string password) {
  if (username.size() > protocol::max_username_bytes || password.size() > protocol::max_password_bytes) return false;
  credentials_ = credentials{std::move(username), std::move(password)};
  return true;
}

void kernel::on_relay_info(const protocol::frame& frame) {
  using id = protocol::extension_id;
  protocol::info_payload info;
  if (auto e = protocol::decode_info(frame.payload, info); e != protocol::decode_error::ok)
    return fail_link("relay sent a malformed INFO: " + std::string(protocol::describe(e)));
  protocol::info_payload reply{2, 0, {}};
  protocol::bytes login;  // metadata views below point into these until the reply is encoded
  protocol::bytes window;

  // Credentials go only to a relay that asks for them. One that requires them
  // and gets none closes the session with auth_required, which the link reports.
  // A sockbridge relay (it offers 0x53) reads either layout and gets the spec's
  // (draft 6); other Wisp servers (epoxy-server, wisp-js) read only the one
  // with a u16 password length, so they get that.
  if (protocol::find_extension(info, id::password_auth) && credentials_) {
    const auto layout = protocol::find_extension(info, id::sockbridge) ? protocol::password_layout::draft6
                                                                       : protocol::password_layout::password_length;
    protocol::encode_password_credentials(login, {credentials_->username, credentials_->password, layout});
    reply.extensions.push_back({static_cast<std::uint8_t>(id::password_auth), login});
  }
  open_confirmation_ = protocol::find_extension(info, id::stream_open_confirmation) != nullptr;
  if (open_confirmation_) reply.extensions.push_back({static_cast<std::uint8_t>(id::stream_open_confirmation), {}});
  if (const auto* record = protocol::find_extension(info, id::sockbridge)) {
    protocol::sockbridge_offer offer;
    if (auto e = protocol::decode_sockbridge_offer(record->metadata, offer); e != protocol::decode_error::ok)
      return fail_link("relay sent a malformed sockbridge offer: " + std::string(protocol::describe(e)));
    extension_ = true;
    // An older relay without feature bits never limits DATA: no window then.
    stream_windows_ = offer.has(protocol::sockbridge_feature_stream_windows);
    bound_udp_ = offer.has(protocol::sockbridge_feature_bound_udp);
    if (stream_windows_) protocol::encode_sockbridge_request(window, {stream_receive_window_bytes});
    reply.extensions.push_back({static_cast<std::uint8_t>(id::sockbridge), window});
  }
  protocol::bytes out;
  protocol::encode_info(out, reply);
  outgoing_.push_back(std::move(out));  // part of the handshake: never held
}

}  // namespace sb::host
