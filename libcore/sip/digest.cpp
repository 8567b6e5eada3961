#include "sip/digest.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "util/bytes.hpp"

namespace gw::sip {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_sess(DigestAlgorithm a) {
  return a == DigestAlgorithm::md5_sess || a == DigestAlgorithm::sha256_sess ||
         a == DigestAlgorithm::sha512_256_sess;
}

const EVP_MD* md_for(DigestAlgorithm a) {
  switch (a) {
    case DigestAlgorithm::md5:
    case DigestAlgorithm::md5_sess: return EVP_md5();
    case DigestAlgorithm::sha256:
    case DigestAlgorithm::sha256_sess: return EVP_sha256();
    case DigestAlgorithm::sha512_256:
    case DigestAlgorithm::sha512_256_sess: return EVP_sha512_256();
  }
  return EVP_md5();
}

// Tokenizer over `name=value, name="quoted", ...` (RFC 7235 auth-param).
class ParamReader {
 public:
  explicit ParamReader(std::string_view s) : s_(s) {}
  void skip_ws_commas() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == ',' ||
                              s_[i_] == '\r' || s_[i_] == '\n'))
      ++i_;
  }
  [[nodiscard]] bool done() const { return i_ >= s_.size(); }
  // Returns false on a syntax error.
  bool next(std::string& name, std::string& value) {
    skip_ws_commas();
    std::size_t start = i_;
    while (i_ < s_.size() && s_[i_] != '=' && s_[i_] != ',' && s_[i_] != ' ') ++i_;
    name = lower(s_.substr(start, i_ - start));
    while (i_ < s_.size() && s_[i_] == ' ') ++i_;
    if (name.empty() || i_ >= s_.size() || s_[i_] != '=') return false;
    ++i_;
    while (i_ < s_.size() && s_[i_] == ' ') ++i_;
    value.clear();
    if (i_ < s_.size() && s_[i_] == '"') return quoted(value);
    start = i_;
    while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != ' ') ++i_;
    value = std::string(s_.substr(start, i_ - start));
    return true;
  }

 private:
  bool quoted(std::string& value) {
    ++i_;
    while (i_ < s_.size()) {
      char c = s_[i_++];
      if (c == '"') return true;
      if (c == '\\' && i_ < s_.size()) c = s_[i_++];
      value.push_back(c);
    }
    return false;  // unterminated
  }
  std::string_view s_;
  std::size_t i_ = 0;
};

std::vector<std::string> split_qop(std::string_view v) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < v.size()) {
    std::size_t j = v.find(',', i);
    if (j == std::string_view::npos) j = v.size();
    std::string_view item = v.substr(i, j - i);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.push_back(lower(item));
    i = j + 1;
  }
  return out;
}

std::string quote(std::string_view v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

std::optional<DigestAlgorithm> parse_digest_algorithm(std::string_view name) {
  std::string n = lower(name);
  if (n.empty() || n == "md5") return DigestAlgorithm::md5;
  if (n == "md5-sess") return DigestAlgorithm::md5_sess;
  if (n == "sha-256") return DigestAlgorithm::sha256;
  if (n == "sha-256-sess") return DigestAlgorithm::sha256_sess;
  if (n == "sha-512-256") return DigestAlgorithm::sha512_256;
  if (n == "sha-512-256-sess") return DigestAlgorithm::sha512_256_sess;
  return std::nullopt;
}

std::string_view to_string(DigestAlgorithm alg) {
  switch (alg) {
    case DigestAlgorithm::md5: return "MD5";
    case DigestAlgorithm::md5_sess: return "MD5-sess";
    case DigestAlgorithm::sha256: return "SHA-256";
    case DigestAlgorithm::sha256_sess: return "SHA-256-sess";
    case DigestAlgorithm::sha512_256: return "SHA-512-256";
    case DigestAlgorithm::sha512_256_sess: return "SHA-512-256-sess";
  }
  return "MD5";
}

bool DigestChallenge::offers_qop_auth() const {
  return std::find(qop.begin(), qop.end(), "auth") != qop.end();
}

Result<DigestChallenge> parse_digest_challenge(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  std::size_t sp = text.find(' ');
  if (sp == std::string_view::npos) return make_error("digest.syntax", "no parameters after the scheme");
  DigestChallenge ch;
  ch.scheme = std::string(text.substr(0, sp));
  if (lower(ch.scheme) != "digest") return make_error("digest.scheme", "scheme is not Digest: " + ch.scheme);
  ParamReader r(text.substr(sp + 1));
  std::string name, value;
  while (true) {
    r.skip_ws_commas();
    if (r.done()) break;
    if (!r.next(name, value)) return make_error("digest.syntax", "malformed auth-param near '" + name + "'");
    ch.params[name] = value;
  }
  auto get = [&](const char* k) { auto it = ch.params.find(k); return it == ch.params.end() ? std::string() : it->second; };
  ch.realm = get("realm");
  ch.nonce = get("nonce");
  ch.opaque = get("opaque");
  ch.algorithm_name = get("algorithm");
  ch.qop = split_qop(get("qop"));
  ch.stale = lower(get("stale")) == "true";
  if (!ch.params.contains("realm")) return make_error("digest.no-realm", "challenge has no realm");
  if (ch.nonce.empty()) return make_error("digest.no-nonce", "challenge has no nonce");
  return ch;
}

std::string digest_hash_hex(DigestAlgorithm alg, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, md_for(alg), nullptr);
  return to_hex(ByteView(md, len));
}

Result<std::string> digest_response(const DigestChallenge& ch, const DigestRequest& req) {
  auto alg = ch.algorithm();
  if (!alg) return make_error("digest.algorithm", "unsupported algorithm " + ch.algorithm_name);
  bool auth_int = !ch.offers_qop_auth() &&
                  std::find(ch.qop.begin(), ch.qop.end(), "auth-int") != ch.qop.end();
  bool use_qop = !ch.qop.empty();
  if (use_qop && !ch.offers_qop_auth() && !auth_int)
    return make_error("digest.qop", "no supported qop offered");
  if ((use_qop || is_sess(*alg)) && req.cnonce.empty())
    return make_error("digest.cnonce", "a client nonce is required");
  // RFC 7616 §3.4.2: A1 = user:realm:pass, then H(A1):nonce:cnonce for -sess.
  std::string ha1 = digest_hash_hex(*alg, req.username + ":" + ch.realm + ":" + req.password);
  if (is_sess(*alg)) ha1 = digest_hash_hex(*alg, ha1 + ":" + ch.nonce + ":" + req.cnonce);
  // §3.4.3: A2 = method:uri (auth-int adds H(body)).
  std::string a2 = req.method + ":" + req.uri;
  if (auth_int) a2 += ":" + digest_hash_hex(*alg, req.body);
  std::string ha2 = digest_hash_hex(*alg, a2);
  if (!use_qop) return digest_hash_hex(*alg, ha1 + ":" + ch.nonce + ":" + ha2);
  char nc[9];
  std::snprintf(nc, sizeof nc, "%08x", req.nc);
  return digest_hash_hex(*alg, ha1 + ":" + ch.nonce + ":" + nc + ":" + req.cnonce + ":" +
                                   (auth_int ? "auth-int" : "auth") + ":" + ha2);
}

Result<std::string> digest_authorization(const DigestChallenge& ch, const DigestRequest& req) {
  auto response = digest_response(ch, req);
  if (!response) return response.error();
  std::string out = "Digest username=" + quote(req.username) + ", realm=" + quote(ch.realm) +
                    ", nonce=" + quote(ch.nonce) + ", uri=" + quote(req.uri) +
                    ", response=" + quote(*response);
  if (!ch.algorithm_name.empty()) out += ", algorithm=" + ch.algorithm_name;
  if (!ch.opaque.empty()) out += ", opaque=" + quote(ch.opaque);
  if (!ch.qop.empty()) {
    char nc[9];
    std::snprintf(nc, sizeof nc, "%08x", req.nc);
    bool auth = ch.offers_qop_auth();
    out += std::string(", qop=") + (auth ? "auth" : "auth-int") + ", nc=" + nc +
           ", cnonce=" + quote(req.cnonce);
  }
  return out;
}

bool is_rfc8760(DigestAlgorithm alg) {
  return alg != DigestAlgorithm::md5 && alg != DigestAlgorithm::md5_sess;
}

std::optional<std::string> rfc8760_authorization(const std::vector<std::string>& challenges,
                                                 std::string_view realm, const DigestRequest& req) {
  for (const auto& text : challenges) {
    auto ch = parse_digest_challenge(text);
    if (!ch || !ch->algorithm() || !is_rfc8760(*ch->algorithm())) continue;
    if (!realm.empty() && ch->realm != realm) continue;
    if (auto header = digest_authorization(*ch, req)) return *header;
  }
  return std::nullopt;
}

Result<std::string> sofia_auth_string(std::string_view scheme, std::string_view realm,
                                      std::string_view user, std::string_view password) {
  if (realm.find('"') != std::string_view::npos)
    return make_error("digest.realm", "realm contains a double quote");
  if (user.find(':') != std::string_view::npos)
    return make_error("digest.user", "user name contains ':'");
  return std::string(scheme) + ":\"" + std::string(realm) + "\":" + std::string(user) + ":" +
         std::string(password);
}

}  // namespace gw::sip
