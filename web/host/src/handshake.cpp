// The Wisp v2 handshake, client side: the relay's INFO says which extensions
// it offers; the kernel answers with the ones it uses, with their metadata
// (credentials for password auth, a signed challenge for key auth, the stream
// window for the sockbridge extension). The relay's CONTINUE on stream 0 then
// opens the link (kernel.cpp).
//
// Key auth needs a signature the kernel cannot make: the embedder holds the
// private key (shim-js signs with WebCrypto, which is asynchronous). So a
// reply that answers a key challenge is kept in info_reply_ until the
// embedder calls answer_key_challenge; the relay waits for it (within its
// handshake timeout), and the guest's early connects wait in held_ as usual.
#include <cstdio>

#include "sockbridge/host/kernel.hpp"
#include "sockbridge/protocol/extensions.hpp"

namespace sb::host {

using id = protocol::extension_id;

bool kernel::set_relay_credentials(std::string username, std::string password) {
  if (username.size() > protocol::max_username_bytes || password.size() > protocol::max_password_bytes) return false;
  credentials_ = credentials{std::move(username), std::move(password)};
  return true;
}

void kernel::on_relay_info(const protocol::frame& frame) {
  protocol::info_payload info;
  if (auto e = protocol::decode_info(frame.payload, info); e != protocol::decode_error::ok)
    return fail_link("relay sent a malformed INFO: " + std::string(protocol::describe(e)));
  info_reply_.clear();
  key_challenge_.clear();
  auto answer = [this](id which, protocol::bytes metadata = {}) {
    info_reply_.emplace_back(static_cast<std::uint8_t>(which), std::move(metadata));
  };

  // Credentials go only to a relay that asks for them. One that requires them
  // and gets none closes the session with auth_required, which the link reports.
  // A sockbridge relay (it offers 0x53) reads either layout and gets the spec's
  // (draft 6); other Wisp servers (epoxy-server, wisp-js) read only the one
  // with a u16 password length, so they get that.
  const bool password_sent = protocol::find_extension(info, id::password_auth) && credentials_;
  if (password_sent) {
    const auto layout = protocol::find_extension(info, id::sockbridge) ? protocol::password_layout::draft6
                                                                       : protocol::password_layout::password_length;
    protocol::bytes login;
    protocol::encode_password_credentials(login, {credentials_->username, credentials_->password, layout});
    answer(id::password_auth, std::move(login));
  }
  open_confirmation_ = protocol::find_extension(info, id::stream_open_confirmation) != nullptr;
  if (open_confirmation_) answer(id::stream_open_confirmation);
  if (const auto* record = protocol::find_extension(info, id::sockbridge)) {
    protocol::sockbridge_offer offer;
    if (auto e = protocol::decode_sockbridge_offer(record->metadata, offer); e != protocol::decode_error::ok)
      return fail_link("relay sent a malformed sockbridge offer: " + std::string(protocol::describe(e)));
    sockbridge_ = offer;
    // An older relay without feature bits never limits DATA: no window then.
    protocol::bytes window;
    if (relay_has(protocol::sockbridge_feature_stream_windows))
      protocol::encode_sockbridge_request(window, {stream_receive_window_bytes});
    answer(id::sockbridge, std::move(window));
  }

  // Key auth, if the embedder has a key: the reply leaves with its signature.
  const auto* key_record = protocol::find_extension(info, id::key_auth);
  if (!key_record || !relay_key_) return send_info_reply();
  protocol::key_auth_offer offer;
  if (auto e = protocol::decode_key_auth_offer(key_record->metadata, offer); e != protocol::decode_error::ok)
    return fail_link("relay sent a malformed key auth offer: " + std::string(protocol::describe(e)));
  if ((offer.algorithms & protocol::key_algorithm_ed25519) == 0) {
    if (password_sent) return send_info_reply();  // the password may still log in
    char mask[8];
    std::snprintf(mask, sizeof mask, "0x%02x", offer.algorithms);
    return fail_link(std::string("relay offers key authentication only with algorithms ") + mask +
                         ", and the key given is Ed25519 (0x01), the one algorithm Wisp v2 defines",
                     SB_EACCES);
  }
  if (offer.challenge.empty()) return fail_link("relay sent an empty key auth challenge", SB_EACCES);
  key_challenge_.assign(offer.challenge.begin(), offer.challenge.end());
}

bool kernel::answer_key_challenge(protocol::byte_view key_hash, protocol::byte_view signature) {
  if (key_challenge_.empty() || link_ == link_state::closed || key_hash.size() != protocol::key_hash_sha256_bytes ||
      signature.size() != protocol::ed25519_signature_bytes)
    return false;
  protocol::bytes metadata;
  protocol::encode_key_auth_answer(metadata, {protocol::key_algorithm_ed25519, key_hash, signature});
  info_reply_.emplace_back(static_cast<std::uint8_t>(id::key_auth), std::move(metadata));
  key_challenge_.clear();
  send_info_reply();
  return true;
}

void kernel::refuse_key_challenge(const std::string& why) {
  key_challenge_.clear();
  info_reply_.clear();
  fail_link("cannot answer the relay's key challenge: " + why, SB_EACCES);
}

void kernel::send_info_reply() {
  protocol::info_payload reply{2, 0, {}};
  for (const auto& [which, metadata] : info_reply_) reply.extensions.push_back({which, metadata});
  protocol::bytes out;
  protocol::encode_info(out, reply);
  outgoing_.push_back(std::move(out));  // part of the handshake: never held
  info_reply_.clear();
}

}  // namespace sb::host
