#include "tls_context.hpp"

#include "config_file.hpp"

namespace sb::relay {

namespace ssl = boost::asio::ssl;

std::shared_ptr<ssl::context> make_tls_context(const relay_config& config) {
  const auto& certificate = config.tls_certificate_file;
  const auto& key = config.tls_private_key_file;
  if (certificate.empty() && key.empty()) return nullptr;
  if (certificate.empty() || key.empty())
    throw config_error("tls: set both the certificate file and the private key file, or neither");
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  // TLS 1.2 and 1.3 only, no compression.
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::no_compression);
  // A passphrase-protected key fails to load (below) instead of OpenSSL asking on the terminal.
  context->set_password_callback([](std::size_t, ssl::context::password_purpose) { return std::string(); });
  boost::system::error_code ec;
  context->use_certificate_chain_file(certificate, ec);
  if (ec) throw config_error(certificate + ": cannot use it as a PEM certificate chain (" + ec.message() + ")");
  context->use_private_key_file(key, ssl::context::pem, ec);
  // OpenSSL checks here that the key belongs to the certificate ("key values mismatch").
  if (ec)
    throw config_error(key + ": cannot use it as the PEM private key of " + certificate + " (" + ec.message() + ")");
  return context;
}

}  // namespace sb::relay
