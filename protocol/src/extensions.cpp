#include "sockbridge/protocol/extensions.hpp"

#include <algorithm>

#include "byte_order.hpp"

namespace sb::protocol {

using namespace detail;

void encode_password_credentials(bytes& out, const password_credentials& credentials) {
  out.push_back(static_cast<std::uint8_t>(credentials.username.size()));
  if (credentials.layout == password_layout::password_length) {
    const auto password_size = static_cast<std::uint16_t>(credentials.password.size());
    out.push_back(static_cast<std::uint8_t>(password_size & 0xff));
    out.push_back(static_cast<std::uint8_t>(password_size >> 8));
  }
  out.insert(out.end(), credentials.username.begin(), credentials.username.end());
  out.insert(out.end(), credentials.password.begin(), credentials.password.end());
}

decode_error decode_password_credentials(byte_view metadata, password_credentials& out) {
  if (metadata.empty()) return decode_error::payload_too_short;
  const std::size_t username_size = metadata[0];
  if (metadata.size() >= 3) {
    const std::size_t password_size = metadata[1] | (std::size_t{metadata[2]} << 8);
    if (metadata.size() == 3 + username_size + password_size) {
      out.username = as_text(metadata.subspan(3, username_size));
      out.password = as_text(metadata.subspan(3 + username_size));
      out.layout = password_layout::password_length;
      return decode_error::ok;
    }
  }
  if (metadata.size() - 1 < username_size) return decode_error::payload_too_short;
  out.username = as_text(metadata.subspan(1, username_size));
  out.password = as_text(metadata.subspan(1 + username_size));
  out.layout = password_layout::draft6;
  return decode_error::ok;
}

void encode_password_offer(bytes& out, const password_offer& offer) { out.push_back(offer.required ? 1 : 0); }

decode_error decode_password_offer(byte_view metadata, password_offer& out) {
  if (auto error = check_exact_size(metadata, 1); error != decode_error::ok) return error;
  if (metadata[0] > 1) return decode_error::bad_flag;
  out.required = metadata[0] == 1;
  return decode_error::ok;
}

void encode_key_auth_offer(bytes& out, const key_auth_offer& offer) {
  out.push_back(offer.required ? 1 : 0);
  out.push_back(offer.algorithms);
  out.insert(out.end(), offer.challenge.begin(), offer.challenge.end());
}

decode_error decode_key_auth_offer(byte_view metadata, key_auth_offer& out) {
  if (metadata.size() < 2) return decode_error::payload_too_short;
  if (metadata[0] > 1) return decode_error::bad_flag;
  out.required = metadata[0] == 1;
  out.algorithms = metadata[1];
  out.challenge = metadata.subspan(2);
  return decode_error::ok;
}

void encode_key_auth_answer(bytes& out, const key_auth_answer& answer) {
  out.push_back(answer.algorithm);
  out.insert(out.end(), answer.key_hash.begin(), answer.key_hash.end());
  out.insert(out.end(), answer.signature.begin(), answer.signature.end());
}

decode_error decode_key_auth_answer(byte_view metadata, key_auth_answer& out) {
  if (metadata.size() < 1 + key_hash_sha256_bytes + ed25519_signature_bytes) return decode_error::payload_too_short;
  if (metadata[0] != key_algorithm_ed25519) return decode_error::bad_key_auth;
  const auto hash_size = metadata.size() - 1 - ed25519_signature_bytes;
  if (hash_size != key_hash_sha256_bytes && hash_size != key_hash_sha512_bytes) return decode_error::bad_key_auth;
  out.algorithm = metadata[0];
  out.key_hash = metadata.subspan(1, hash_size);
  out.signature = metadata.subspan(1 + hash_size);
  return decode_error::ok;
}

void encode_motd(bytes& out, std::string_view motd) { out.insert(out.end(), motd.begin(), motd.end()); }

decode_error decode_motd(byte_view metadata, std::string_view& out) {
  out = as_text(metadata);
  return decode_error::ok;
}

void encode_sockbridge_offer(bytes& out, const sockbridge_offer& offer) {
  if (offer.features) out.push_back(*offer.features);
}

decode_error decode_sockbridge_offer(byte_view metadata, sockbridge_offer& out) {
  if (metadata.size() > 1) return decode_error::payload_too_long;
  out.features = metadata.empty() ? std::nullopt : std::optional<std::uint8_t>(metadata[0]);
  return decode_error::ok;
}

void encode_sockbridge_request(bytes& out, const sockbridge_request& request) {
  if (request.stream_window) put_u32(out, *request.stream_window);
}

decode_error decode_sockbridge_request(byte_view metadata, sockbridge_request& out) {
  if (metadata.empty()) {
    out.stream_window.reset();
    return decode_error::ok;
  }
  if (auto error = check_exact_size(metadata, 4); error != decode_error::ok) return error;
  const auto window = get_u32(metadata);
  if (window == 0) return decode_error::zero_window;
  out.stream_window = window;
  return decode_error::ok;
}

const extension* find_extension(const info_payload& info, extension_id id) {
  const auto it = std::find_if(info.extensions.begin(), info.extensions.end(),
                               [id](const extension& e) { return e.id == static_cast<std::uint8_t>(id); });
  return it == info.extensions.end() ? nullptr : &*it;
}

}  // namespace sb::protocol
