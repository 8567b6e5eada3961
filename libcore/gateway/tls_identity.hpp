// TLS identity of the gateway's public HTTPS port: a certificate (chain) and
// key in PEM, loaded from --cert/--key or a self-signed one kept in the state
// directory, and the OpenSSL server context made from it.
// Thread: any (no shared state; a context is used by one io_context thread).
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace gw::gateway {

struct TlsIdentity {
  std::string cert_pem;     // leaf first, then any chain certificates
  std::string key_pem;      // the leaf's private key
  std::string fingerprint;  // "sha-256 AB:CD:..." of the leaf
};

// File names inside the state directory.
inline constexpr const char* kSelfSignedCertFile = "tls-cert.pem";
inline constexpr const char* kSelfSignedKeyFile = "tls-key.pem";

// The subjectAltNames of a self-signed certificate: localhost, 127.0.0.1,
// ::1, this machine's host name, then `extra` (IP literals or DNS names),
// without duplicates. An invalid extra name is an error.
Result<std::vector<std::string>> self_signed_names(const std::vector<std::string>& extra);

// Fresh ECDSA P-256 key and a self-signed certificate valid from one day ago
// for `days` days; CN = first name, SAN = `names` (IPs as iPAddress entries).
Result<TlsIdentity> generate_self_signed(const std::vector<std::string>& names, int days = 365);

// A PEM certificate (chain) and key from files: both must parse and match.
Result<TlsIdentity> load_tls_identity(const std::string& cert_file, const std::string& key_file);

// `state_dir`/tls-cert.pem + tls-key.pem, reused when they load, match, are
// not about to expire and cover every name of self_signed_names(extra);
// otherwise (logging why) a new pair is generated and written: the directory
// is created 0700 if missing and the key is written 0600.
Result<TlsIdentity> load_or_create_self_signed(const std::string& state_dir,
                                               const std::vector<std::string>& extra_names);

// A server context: TLS 1.2 or newer, forward-secret AEAD ciphers for 1.2,
// no compression or renegotiation, ALPN http/1.1 when offered.
Result<std::shared_ptr<boost::asio::ssl::context>> make_server_tls_context(const TlsIdentity& identity);

}  // namespace gw::gateway
