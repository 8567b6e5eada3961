// DTLS identity: an ECDSA P-256 self-signed certificate (as browsers make
// for WebRTC, RFC 8827 §6.5) or one loaded from PEM, and its fingerprint in
// the SDP a=fingerprint form (RFC 8122 §5: "sha-256 AB:CD:...").
// Thread: a Certificate is immutable after creation; share it read-only
// (e.g. as shared_ptr<const Certificate>) between threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <openssl/types.h>

#include "util/bytes.hpp"
#include "util/result.hpp"

namespace gw::dtls {

struct Fingerprint {
  std::string algorithm = "sha-256";  // RFC 8122 hash names: sha-1, sha-224, sha-256, sha-384, sha-512
  Bytes digest;

  // "AB:CD:..." (upper-case hex, colon separated).
  [[nodiscard]] std::string hex() const;
  // "sha-256 AB:CD:..." (the a=fingerprint value).
  [[nodiscard]] std::string to_string() const { return algorithm + " " + hex(); }

  // Accepts "sha-256 AB:CD:..." or just "AB:CD:..." (sha-256 assumed),
  // any case; the digest length must match the algorithm.
  static Result<Fingerprint> parse(std::string_view text);
  // Digest of a DER certificate with `algorithm`.
  static Result<Fingerprint> of(X509* cert, std::string_view algorithm = "sha-256");

  friend bool operator==(const Fingerprint&, const Fingerprint&) = default;
};

class Certificate {
 public:
  // Fresh ECDSA P-256 key and a self-signed X.509 v3 certificate, valid from
  // one day ago for `days` days, subject CN=`common_name`.
  static Result<Certificate> generate(std::string_view common_name = "webrtc-gw", int days = 30);
  static Result<Certificate> from_pem(std::string_view cert_pem, std::string_view key_pem);
  static Result<Certificate> load(const std::string& cert_path, const std::string& key_path);

  [[nodiscard]] std::string cert_pem() const;
  [[nodiscard]] std::string key_pem() const;
  [[nodiscard]] const Fingerprint& fingerprint() const { return fingerprint_; }  // sha-256

  // Borrowed OpenSSL handles (for SSL_CTX_use_certificate / use_PrivateKey).
  [[nodiscard]] X509* x509() const { return cert_.get(); }
  [[nodiscard]] EVP_PKEY* key() const { return key_.get(); }

 private:
  struct X509Free { void operator()(X509* p) const; };
  struct KeyFree { void operator()(EVP_PKEY* p) const; };
  Certificate(X509* cert, EVP_PKEY* key);
  std::unique_ptr<X509, X509Free> cert_;
  std::unique_ptr<EVP_PKEY, KeyFree> key_;
  Fingerprint fingerprint_;
};

}  // namespace gw::dtls
