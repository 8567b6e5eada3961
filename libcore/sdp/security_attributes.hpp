// Typed values of the DTLS and SDES attributes: fingerprint (RFC 8122 §5),
// setup (RFC 4145 §4, RFC 8842 §5) and crypto (RFC 4568 §9.1).
// Thread: any (pure functions).
//
// Usage:
//   auto fp = gw::sdp::parse_fingerprint("sha-256 70:7A:...");  // fp->bytes.size() == 32
//   a.value = gw::sdp::format_fingerprint(*fp);
//   auto s = gw::sdp::parse_setup("actpass");
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/bytes.hpp"
#include "util/result.hpp"

namespace gw::sdp {

// a=fingerprint:<hash-func> <XX:XX:...> (RFC 8122 §5)
struct Fingerprint {
  std::string algorithm;  // lower case: "sha-256"
  Bytes bytes;
  friend bool operator==(const Fingerprint&, const Fingerprint&) = default;
};
Result<Fingerprint> parse_fingerprint(std::string_view value);
std::string format_fingerprint(const Fingerprint& f);  // "sha-256 70:7A:..."

// a=setup (RFC 4145 §4; DTLS roles per RFC 8842 §5)
enum class Setup : std::uint8_t { active, passive, actpass, holdconn };
std::string_view to_string(Setup s);
std::optional<Setup> parse_setup(std::string_view value);

// a=crypto:<tag> <suite> inline:<key||salt base64>[|<lifetime>][|<MKI>:<len>]
//          [<session-params>] (RFC 4568 §9.1). One key-param is kept.
struct Crypto {
  std::uint32_t tag = 0;
  std::string suite;     // AES_CM_128_HMAC_SHA1_80, AEAD_AES_128_GCM, ...
  std::string key_salt;  // base64 as written
  std::string lifetime;  // "2^20" or "" when absent
  std::string mki;       // "1:4" or "" when absent
  std::string session_params;
  friend bool operator==(const Crypto&, const Crypto&) = default;
};
Result<Crypto> parse_crypto(std::string_view value);
std::string format_crypto(const Crypto& c);

}  // namespace gw::sdp
