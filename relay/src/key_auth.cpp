#include "key_auth.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "config_file.hpp"

namespace sb::relay {
namespace {

struct pkey_free {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct bio_free {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct md_ctx_free {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;

authorized_key make_key(const std::uint8_t* raw, std::string name) {
  authorized_key key{};
  std::copy(raw, raw + key.public_key.size(), key.public_key.begin());
  EVP_Digest(raw, key.public_key.size(), key.sha256.data(), nullptr, EVP_sha256(), nullptr);
  EVP_Digest(raw, key.public_key.size(), key.sha512.data(), nullptr, EVP_sha512(), nullptr);
  key.name = std::move(name);
  return key;
}

// The raw Ed25519 key of a PEM "PUBLIC KEY" block, or nullopt.
std::optional<authorized_key> from_pem(const std::string& block, std::string name) {
  std::unique_ptr<BIO, bio_free> bio(BIO_new_mem_buf(block.data(), static_cast<int>(block.size())));
  pkey_ptr pkey(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!pkey || EVP_PKEY_get_id(pkey.get()) != EVP_PKEY_ED25519) return std::nullopt;
  std::array<std::uint8_t, protocol::ed25519_public_key_bytes> raw{};
  std::size_t size = raw.size();
  if (EVP_PKEY_get_raw_public_key(pkey.get(), raw.data(), &size) != 1 || size != raw.size()) return std::nullopt;
  return make_key(raw.data(), std::move(name));
}

// "ssh-ed25519 BASE64 [comment]": the blob is string "ssh-ed25519", string key (32 bytes).
std::optional<authorized_key> from_openssh(const std::string& base64, std::string name) {
  std::vector<std::uint8_t> blob(base64.size() / 4 * 3 + 3);
  const int decoded = EVP_DecodeBlock(blob.data(), reinterpret_cast<const unsigned char*>(base64.data()),
                                      static_cast<int>(base64.size()));
  if (decoded < 0 || base64.size() % 4 != 0) return std::nullopt;
  std::size_t size = static_cast<std::size_t>(decoded);
  size -=
      static_cast<std::size_t>(std::count(base64.end() - std::min<std::size_t>(2, base64.size()), base64.end(), '='));
  constexpr std::string_view type = "ssh-ed25519";
  auto u32_at = [&](std::size_t at) {
    return std::uint32_t{blob[at]} << 24 | std::uint32_t{blob[at + 1]} << 16 | std::uint32_t{blob[at + 2]} << 8 |
           blob[at + 3];
  };
  const std::size_t key_at = 4 + type.size() + 4;
  if (size != key_at + protocol::ed25519_public_key_bytes || u32_at(0) != type.size() ||
      !std::equal(type.begin(), type.end(), blob.begin() + 4) ||
      u32_at(4 + type.size()) != protocol::ed25519_public_key_bytes)
    return std::nullopt;
  return make_key(blob.data() + key_at, std::move(name));
}

}  // namespace

key_table read_authorized_keys(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw config_error(path + ": cannot read the authorized keys file");
  key_table keys;
  std::string line;
  std::string pem;  // the PEM block being collected
  int pem_line = 0;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string where = path + " line " + std::to_string(number);
    if (pem_line > 0) {
      pem += line + "\n";
      if (line != "-----END PUBLIC KEY-----") continue;
      const std::string name = path + " line " + std::to_string(pem_line);
      auto key = from_pem(pem, name);
      if (!key) throw config_error(name + ": not an Ed25519 public key in PEM");
      keys.push_back(std::move(*key));
      pem.clear();
      pem_line = 0;
      continue;
    }
    std::istringstream fields(line);
    std::string first;
    if (!(fields >> first) || first.front() == '#') continue;
    if (line == "-----BEGIN PUBLIC KEY-----") {
      pem = line + "\n";
      pem_line = number;
      continue;
    }
    if (first != "ssh-ed25519")
      throw config_error(where + ": expected an Ed25519 key (ssh-ed25519 BASE64 or a PEM PUBLIC KEY block), got '" +
                         first + "'");
    std::string base64;
    std::string comment;
    fields >> base64;
    std::getline(fields >> std::ws, comment);
    auto key = from_openssh(base64, comment.empty() ? where : comment);
    if (!key) throw config_error(where + ": the ssh-ed25519 key is not valid base64 of an Ed25519 key");
    keys.push_back(std::move(*key));
  }
  if (pem_line > 0) throw config_error(path + " line " + std::to_string(pem_line) + ": PEM block without its END line");
  if (keys.empty()) throw config_error(path + ": no keys in the authorized keys file");
  return keys;
}

protocol::bytes new_key_challenge() {
  protocol::bytes challenge(key_challenge_bytes);
  if (RAND_bytes(challenge.data(), static_cast<int>(challenge.size())) != 1)
    throw std::runtime_error("OpenSSL's random generator failed");
  return challenge;
}

const authorized_key* check_key_answer(const key_table& keys, protocol::byte_view challenge,
                                       const protocol::key_auth_answer& answer) {
  if (answer.algorithm != protocol::key_algorithm_ed25519 ||
      answer.signature.size() != protocol::ed25519_signature_bytes)
    return nullptr;
  auto names = [&](const authorized_key& key) {
    const auto& hash = answer.key_hash;
    return std::equal(hash.begin(), hash.end(), key.sha256.begin(), key.sha256.end()) ||
           std::equal(hash.begin(), hash.end(), key.sha512.begin(), key.sha512.end());
  };
  for (const auto& key : keys) {
    if (!names(key)) continue;
    pkey_ptr pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.public_key.data(), key.public_key.size()));
    std::unique_ptr<EVP_MD_CTX, md_ctx_free> ctx(EVP_MD_CTX_new());
    if (!pkey || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1) continue;
    if (EVP_DigestVerify(ctx.get(), answer.signature.data(), answer.signature.size(), challenge.data(),
                         challenge.size()) == 1)
      return &key;
  }
  return nullptr;
}

}  // namespace sb::relay
