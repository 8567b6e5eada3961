// SDP Security Descriptions (RFC 4568): the a=crypto attribute, e.g.
//   a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20
// Thread: any (value types; generate() uses OpenSSL's thread-safe RAND_bytes).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "srtp/profile.hpp"
#include "util/bytes.hpp"
#include "util/result.hpp"

namespace gw::srtp {

struct CryptoAttribute {
  unsigned tag = 1;                       // RFC 4568 §9.1: 1..999999999
  Profile suite = Profile::aes_cm_128_hmac_sha1_80;
  Bytes key_salt;                         // master key || master salt
  std::string lifetime;                   // e.g. "2^31", empty when absent (kept, not enforced)
  std::vector<std::string> session_params;  // e.g. "WSH=128" (only harmless ones accepted)

  // Parses "a=crypto:1 SUITE inline:KEY[|LIFETIME] [PARAMS]", with or without
  // the "a=crypto:" prefix and the tag ("SUITE inline:KEY" is accepted too).
  // Refused: unknown suites, wrong key length, MKI (unsupported), several
  // keys, UNENCRYPTED_*/UNAUTHENTICATED_SRTP and KDR (we implement neither).
  static Result<CryptoAttribute> parse(std::string_view text);

  // "1 AES_CM_128_HMAC_SHA1_80 inline:BASE64" (the a=crypto: value).
  [[nodiscard]] std::string to_string() const;

  // A fresh random key for `suite`.
  static Result<CryptoAttribute> generate(Profile suite, unsigned tag = 1);
};

std::string base64_encode(ByteView data);
Result<Bytes> base64_decode(std::string_view text);

}  // namespace gw::srtp
