#include "srtp/sdes.hpp"

#include <openssl/rand.h>

#include <cctype>
#include <charconv>

namespace gw::srtp {

namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int b64_value(char c) {
  auto pos = kAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

std::vector<std::string_view> split_ws(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    std::size_t start = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

bool starts_with_icase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

// RFC 4568 §9.1 key-info: KEY-SALT ["|" lifetime] ["|" MKI ":" length].
Status parse_key_params(std::string_view kp, CryptoAttribute& out) {
  if (kp.find(';') != std::string_view::npos) {
    return make_error("sdes.multiple-keys", "several keys in one crypto line are not supported");
  }
  if (!starts_with_icase(kp, "inline:")) {
    return make_error("sdes.key-method", "only the 'inline:' key method exists (RFC 4568 §6.1)");
  }
  kp.remove_prefix(7);
  auto bar = kp.find('|');
  auto key = base64_decode(kp.substr(0, bar));
  if (!key) return key.error();
  if (key->size() != key_salt_length(out.suite)) {
    return make_error("sdes.key-length", "key||salt for " + std::string(info(out.suite).sdes_name) + " must be " +
                                             std::to_string(key_salt_length(out.suite)) + " octets");
  }
  out.key_salt = std::move(key.value());
  while (bar != std::string_view::npos) {
    kp = kp.substr(bar + 1);
    bar = kp.find('|');
    std::string_view field = kp.substr(0, bar);
    if (field.find(':') != std::string_view::npos) {
      return make_error("sdes.mki", "MKI in crypto lines is not supported");
    }
    out.lifetime = std::string(field);
  }
  return {};
}

Status check_session_param(std::string_view p) {
  static constexpr std::string_view kRefused[] = {"UNENCRYPTED_SRTP", "UNENCRYPTED_SRTCP",
                                                  "UNAUTHENTICATED_SRTP", "KDR="};
  for (auto r : kRefused) {
    if (starts_with_icase(p, r)) {
      return make_error("sdes.session-param", "unsupported session parameter " + std::string(p));
    }
  }
  return {};
}

}  // namespace

std::string base64_encode(ByteView data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    std::uint32_t v = (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8) | data[i + 2];
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(v >> s) & 63]);
  }
  std::size_t rest = data.size() - i;
  if (rest > 0) {
    std::uint32_t v = std::uint32_t{data[i]} << 16;
    if (rest == 2) v |= std::uint32_t{data[i + 1]} << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

Result<Bytes> base64_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return make_error("sdes.base64", "base64 text has an impossible length");
  Bytes out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = b64_value(c);
    if (v < 0) return make_error("sdes.base64", "invalid base64 character");
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> bits));
      acc &= (1U << bits) - 1;
    }
  }
  return out;
}

Result<CryptoAttribute> CryptoAttribute::parse(std::string_view text) {
  if (starts_with_icase(text, "a=crypto:")) text.remove_prefix(9);
  auto fields = split_ws(text);
  CryptoAttribute out;
  std::size_t i = 0;
  if (!fields.empty() && std::isdigit(static_cast<unsigned char>(fields[0][0]))) {
    auto [p, ec] = std::from_chars(fields[0].data(), fields[0].data() + fields[0].size(), out.tag);
    if (ec != std::errc() || p != fields[0].data() + fields[0].size() || out.tag == 0 || out.tag > 999999999) {
      return make_error("sdes.tag", "bad crypto tag '" + std::string(fields[0]) + "'");
    }
    ++i;
  }
  if (fields.size() < i + 2) return make_error("sdes.syntax", "expected: [TAG] SUITE inline:KEY");
  auto suite = profile_from_name(fields[i]);
  if (!suite) return make_error("sdes.suite", "unknown crypto suite '" + std::string(fields[i]) + "'");
  out.suite = *suite;
  if (auto st = parse_key_params(fields[i + 1], out); !st) return st.error();
  for (std::size_t j = i + 2; j < fields.size(); ++j) {
    if (auto st = check_session_param(fields[j]); !st) return st.error();
    out.session_params.emplace_back(fields[j]);
  }
  return out;
}

std::string CryptoAttribute::to_string() const {
  std::string s = std::to_string(tag) + " " + std::string(info(suite).sdes_name) + " inline:" +
                  base64_encode(key_salt);
  if (!lifetime.empty()) s += "|" + lifetime;
  for (const auto& p : session_params) s += " " + p;
  return s;
}

Result<CryptoAttribute> CryptoAttribute::generate(Profile suite, unsigned tag) {
  CryptoAttribute out;
  out.tag = tag;
  out.suite = suite;
  out.key_salt.resize(key_salt_length(suite));
  if (RAND_bytes(out.key_salt.data(), static_cast<int>(out.key_salt.size())) != 1) {
    return make_error("sdes.rand", "RAND_bytes failed");
  }
  return out;
}

}  // namespace gw::srtp
