#include "sdp/security_attributes.hpp"

#include "sdp/text_util.hpp"

namespace gw::sdp {
namespace {

Error bad(std::string_view attr, std::string_view what) {
  return make_error("sdp.bad-attribute", "a=" + std::string(attr) + ": " + std::string(what));
}

bool is_base64(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/' || c == '=';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<Fingerprint> parse_fingerprint(std::string_view value) {
  auto f = text::split_ws(value);
  if (f.size() != 2) return bad("fingerprint", "expected '<hash> <XX:XX:...>'");
  // RFC 8122 §5: each byte is two hex digits, bytes separated by ':'.
  std::string_view hex = f[1];
  if (hex.size() % 3 != 2) return bad("fingerprint", "malformed hex " + text::quote(hex));
  for (std::size_t i = 2; i < hex.size(); i += 3)
    if (hex[i] != ':') return bad("fingerprint", "malformed hex " + text::quote(hex));
  Fingerprint fp{text::to_lower(f[0]), {}};
  if (!from_hex(hex, fp.bytes) || fp.bytes.size() < 16 || fp.bytes.size() > 64)
    return bad("fingerprint", "malformed hex " + text::quote(hex));
  return fp;
}

std::string format_fingerprint(const Fingerprint& f) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string s = f.algorithm + " ";
  for (std::size_t i = 0; i < f.bytes.size(); ++i) {
    if (i > 0) s += ':';
    s += kHex[f.bytes[i] >> 4];
    s += kHex[f.bytes[i] & 0x0f];
  }
  return s;
}

std::string_view to_string(Setup s) {
  switch (s) {
    case Setup::active: return "active";
    case Setup::passive: return "passive";
    case Setup::actpass: return "actpass";
    case Setup::holdconn: return "holdconn";
  }
  return "actpass";
}

std::optional<Setup> parse_setup(std::string_view value) {
  value = text::trim(value);
  if (value == "active") return Setup::active;
  if (value == "passive") return Setup::passive;
  if (value == "actpass") return Setup::actpass;
  if (value == "holdconn") return Setup::holdconn;
  return std::nullopt;
}

Result<Crypto> parse_crypto(std::string_view value) {
  auto f = text::split_ws(value);
  if (f.size() < 3) return bad("crypto", "expected '<tag> <suite> inline:<key>'");
  auto tag = text::to_uint<std::uint32_t>(f[0], 999999999);
  if (!tag) return bad("crypto", "tag " + text::quote(f[0]) + " is not a number");
  Crypto c;
  c.tag = *tag;
  c.suite = std::string(f[1]);
  std::string_view kp = f[2];
  if (kp.substr(0, 7) != "inline:") return bad("crypto", "key method must be 'inline:'");
  auto parts = text::split(kp.substr(7), '|');
  if (!is_base64(parts[0])) return bad("crypto", "key is not base64");
  c.key_salt = std::string(parts[0]);
  for (std::size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].find(':') != std::string_view::npos && c.mki.empty())
      c.mki = std::string(parts[i]);
    else if (c.lifetime.empty() && c.mki.empty() && !parts[i].empty())
      c.lifetime = std::string(parts[i]);
    else
      return bad("crypto", "unexpected key parameter " + text::quote(parts[i]));
  }
  for (std::size_t i = 3; i < f.size(); ++i) {
    if (!c.session_params.empty()) c.session_params += ' ';
    c.session_params += f[i];
  }
  return c;
}

std::string format_crypto(const Crypto& c) {
  std::string s = std::to_string(c.tag) + " " + c.suite + " inline:" + c.key_salt;
  if (!c.lifetime.empty()) s += "|" + c.lifetime;
  if (!c.mki.empty()) s += "|" + c.mki;
  if (!c.session_params.empty()) s += " " + c.session_params;
  return s;
}

}  // namespace gw::sdp
