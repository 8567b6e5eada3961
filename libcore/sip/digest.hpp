// HTTP Digest authentication for SIP (RFC 3261 §22.4, RFC 2617, RFC 7616,
// RFC 8760 for SHA-256 in SIP): challenge parsing, response computation, and
// the credential string sofia-sip's nua_authenticate() takes.
// Thread: any (pure functions).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace gw::sip {

enum class DigestAlgorithm { md5, md5_sess, sha256, sha256_sess, sha512_256, sha512_256_sess };

// "MD5", "SHA-256-sess", ... (case-insensitive); empty means MD5 (RFC 2617).
std::optional<DigestAlgorithm> parse_digest_algorithm(std::string_view name);
std::string_view to_string(DigestAlgorithm alg);

// One WWW-Authenticate / Proxy-Authenticate challenge.
struct DigestChallenge {
  std::string scheme;        // "Digest"
  std::string realm;
  std::string nonce;
  std::string opaque;
  std::string algorithm_name;  // as sent ("" when absent)
  std::vector<std::string> qop;  // "auth", "auth-int"
  bool stale = false;
  std::map<std::string, std::string> params;  // every param, names lower-case

  [[nodiscard]] std::optional<DigestAlgorithm> algorithm() const {
    return parse_digest_algorithm(algorithm_name);
  }
  [[nodiscard]] bool offers_qop_auth() const;
};

// Parses `Digest realm="x", nonce="y", ...` (quoted strings with escapes,
// tokens, any order). Rejects a non-Digest scheme and a missing nonce/realm.
Result<DigestChallenge> parse_digest_challenge(std::string_view header_value);

struct DigestRequest {
  std::string method;        // "REGISTER"
  std::string uri;           // Request-URI as sent
  std::string username;
  std::string password;
  std::string cnonce;        // client nonce (required with qop)
  unsigned nc = 1;           // nonce count
  std::string body;          // for qop=auth-int
};

// The hex response value (RFC 7616 §3.4.1), using qop=auth when offered.
Result<std::string> digest_response(const DigestChallenge& ch, const DigestRequest& req);

// A complete Authorization / Proxy-Authorization header value.
Result<std::string> digest_authorization(const DigestChallenge& ch, const DigestRequest& req);

// RFC 8760's algorithms (SHA-256, SHA-512-256 and their -sess forms): the
// ones sofia-sip's nua_authenticate() cannot answer (it does MD5 only).
bool is_rfc8760(DigestAlgorithm alg);

// The Authorization / Proxy-Authorization value answering the first
// challenge in `challenges` (header values) that uses an RFC 8760 algorithm
// and, when `realm` is not empty, that realm; nullopt when there is none.
// MD5 challenges are skipped: they stay with sofia-sip.
std::optional<std::string> rfc8760_authorization(const std::vector<std::string>& challenges,
                                                 std::string_view realm, const DigestRequest& req);

// sofia-sip's credential string for nua_authenticate(NUTAG_AUTH()):
// `Digest:"realm":user:password`. Returns an error when a field would break
// its syntax (a '"' in the realm, a ':' in the user name).
Result<std::string> sofia_auth_string(std::string_view scheme, std::string_view realm,
                                      std::string_view user, std::string_view password);

// Lower-case hex of the algorithm's hash of `data`.
std::string digest_hash_hex(DigestAlgorithm alg, std::string_view data);

}  // namespace gw::sip
