// Wisp v2 extension metadata: what the records of an INFO packet carry, per
// extension and per sender. decode_info (wisp.hpp) splits INFO into records;
// these read and write one record's metadata. Same contract as wisp.hpp:
// decoders never read past the span, views point into it, encoders append.
//
// | id   | relay → client            | client → relay                        |
// |------|---------------------------|---------------------------------------|
// | 0x02 | password_offer            | password_credentials                  |
// | 0x03 | key_auth_offer            | key_auth_answer                       |
// | 0x04 | MOTD text (motd_text)     | empty                                 |
// | 0x53 | sockbridge_offer          | sockbridge_request                    |
// UDP (0x01) and stream-open confirmation (0x05) carry nothing either way.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>

#include "sockbridge/protocol/wisp.hpp"

namespace sb::protocol {

// 0x02, relay → client: u8 required (0 or 1, else bad_flag).
struct password_offer {
  bool required = true;
  bool operator==(const password_offer&) const = default;
};

// How a client lays out its credentials. Wisp v2 draft 6 (the spec) writes
// [u8 username length][username][password]; epoxy's Wisp library and wisp-js
// 0.5 (clients and servers) write [u8 username length][u16 LE password
// length][username][password], and their servers read only that form.
enum class password_layout : std::uint8_t {
  draft6,
  password_length,  // the u16 password length after the username length
};

// 0x02, client → relay: the credentials, both UTF-8, sent in plain text.
struct password_credentials {
  std::string_view username;                         // at most max_username_bytes
  std::string_view password;                         // at most max_password_bytes in the password_length layout
  password_layout layout = password_layout::draft6;  // how they were (or are to be) written
  bool operator==(const password_credentials&) const = default;
};

inline constexpr std::size_t max_username_bytes = 255;
inline constexpr std::size_t max_password_bytes = 65535;

// Key authentication (0x03, Wisp v2 draft 6): the relay sends a random
// challenge, the client signs it with its private key and answers with a hash
// of its public key and the signature. Ed25519 is the only algorithm.
inline constexpr std::uint8_t key_algorithm_ed25519 = 0x01;  // bit in the algorithm mask
inline constexpr std::size_t ed25519_public_key_bytes = 32;
inline constexpr std::size_t ed25519_signature_bytes = 64;
inline constexpr std::size_t key_hash_sha256_bytes = 32;  // draft 6: SHA-256 of the raw public key
inline constexpr std::size_t key_hash_sha512_bytes = 64;  // draft 4 and epoxy: SHA-512 of it

// 0x03, relay → client: u8 required (0 or 1, else bad_flag), u8 algorithm
// mask, then the challenge (the rest; the relay sends 64 random bytes).
struct key_auth_offer {
  bool required = true;
  std::uint8_t algorithms = key_algorithm_ed25519;
  byte_view challenge;
  bool operator==(const key_auth_offer& other) const {
    return required == other.required && algorithms == other.algorithms &&
           std::equal(challenge.begin(), challenge.end(), other.challenge.begin(), other.challenge.end());
  }
};

// 0x03, client → relay: u8 algorithm (one bit), the public key's hash, then
// the signature of the challenge (the rest). For Ed25519 the signature is 64
// bytes, so the hash is what lies between: 32 bytes (SHA-256, draft 6) or 64
// (SHA-512, as draft 4 and epoxy send it); anything else is bad_key_auth.
struct key_auth_answer {
  std::uint8_t algorithm = key_algorithm_ed25519;
  byte_view key_hash;
  byte_view signature;
  bool operator==(const key_auth_answer& other) const {
    return algorithm == other.algorithm &&
           std::equal(key_hash.begin(), key_hash.end(), other.key_hash.begin(), other.key_hash.end()) &&
           std::equal(signature.begin(), signature.end(), other.signature.begin(), other.signature.end());
  }
};

void encode_key_auth_offer(bytes& out, const key_auth_offer& offer);
decode_error decode_key_auth_offer(byte_view metadata, key_auth_offer& out);
void encode_key_auth_answer(bytes& out, const key_auth_answer& answer);
decode_error decode_key_auth_answer(byte_view metadata, key_auth_answer& out);

// 0x53, relay → client: u8 feature bits; relays from before feature bits send
// nothing (nullopt). Unknown bits are for later versions and ignored.
struct sockbridge_offer {
  std::optional<std::uint8_t> features;
  bool has(std::uint8_t feature) const { return features && (*features & feature) != 0; }
  bool operator==(const sockbridge_offer&) const = default;
};

// Feature bit: the relay honours per-stream byte windows (WINDOW_UPDATE).
inline constexpr std::uint8_t sockbridge_feature_stream_windows = 0x01;
// The relay serves bound UDP sockets (UDP_BIND and DATAGRAM).
inline constexpr std::uint8_t sockbridge_feature_bound_udp = 0x02;

// 0x53, client → relay: u32 initial byte window of every TCP stream (never 0,
// else zero_window), or nothing (nullopt): relay→client DATA is not windowed.
struct sockbridge_request {
  std::optional<std::uint32_t> stream_window;
  bool operator==(const sockbridge_request&) const = default;
};

// Writes credentials.layout. Precondition: username.size() <=
// max_username_bytes, and password.size() <= max_password_bytes for the
// password_length layout.
void encode_password_credentials(bytes& out, const password_credentials& credentials);
// Reads either layout. The password_length form is recognised by its u16
// being exactly the bytes left after the username; a draft 6 login matches
// that only if its first two name bytes read as that count (a printable name
// would need a password of at least 8 KiB), so draft 6 is read otherwise.
decode_error decode_password_credentials(byte_view metadata, password_credentials& out);

void encode_password_offer(bytes& out, const password_offer& offer);
decode_error decode_password_offer(byte_view metadata, password_offer& out);

// The MOTD is the whole metadata, as UTF-8 text; any bytes decode.
void encode_motd(bytes& out, std::string_view motd);
decode_error decode_motd(byte_view metadata, std::string_view& out);

void encode_sockbridge_offer(bytes& out, const sockbridge_offer& offer);
decode_error decode_sockbridge_offer(byte_view metadata, sockbridge_offer& out);

void encode_sockbridge_request(bytes& out, const sockbridge_request& request);
decode_error decode_sockbridge_request(byte_view metadata, sockbridge_request& out);

// The record with this id in an INFO packet, or nullptr.
const extension* find_extension(const info_payload& info, extension_id id);

}  // namespace sb::protocol
