// tls_context: the relay's TLS server settings (wss:// and https:// on the
// listening port), built once at start from the configured PEM files and
// shared by every connection.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "config.hpp"

namespace sb::relay {

// The TLS context for config.tls_certificate_file / tls_private_key_file, or
// nullptr when both are empty (plain ws:// and http://). Throws config_error
// naming the problem: only one of the two files set, a file that cannot be
// read or parsed, or a key that does not belong to the certificate.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const relay_config& config);

}  // namespace sb::relay
