// key_auth: Wisp key authentication (extension 0x03) on the relay. The
// operator lists the Ed25519 public keys that may log in (--authorized-keys);
// every session gets a fresh random challenge in the relay's INFO, and a
// client logs in by signing it with one of those keys (wisp_handshake.cpp).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sockbridge/protocol/extensions.hpp"

namespace sb::relay {

struct authorized_key {
  std::array<std::uint8_t, protocol::ed25519_public_key_bytes> public_key;
  std::array<std::uint8_t, protocol::key_hash_sha256_bytes> sha256;  // of public_key: how draft 6 names it
  std::array<std::uint8_t, protocol::key_hash_sha512_bytes> sha512;  // of public_key: how epoxy names it
  std::string name;  // the OpenSSH comment, else "FILE line N": who logged in, for the log
};
using key_table = std::vector<authorized_key>;

// Reads an authorized keys file: Ed25519 public keys as PEM blocks ("BEGIN
// PUBLIC KEY", as `openssl pkey -pubout` writes them) and OpenSSH lines
// ("ssh-ed25519 BASE64 [comment]", as in ~/.ssh/authorized_keys); blank
// lines and lines starting with # are skipped. Throws config_error naming the
// file and line for anything else (another key type, bad base64, no keys).
key_table read_authorized_keys(const std::string& path);

// Bytes of the challenge each session gets (512 bits, as the spec suggests).
inline constexpr std::size_t key_challenge_bytes = 64;

// A fresh challenge from OpenSSL's CSPRNG.
protocol::bytes new_key_challenge();

// The authorized key whose hash the answer names (SHA-256 or SHA-512) and
// whose signature of challenge verifies, or nullptr.
const authorized_key* check_key_answer(const key_table& keys, protocol::byte_view challenge,
                                       const protocol::key_auth_answer& answer);

}  // namespace sb::relay
