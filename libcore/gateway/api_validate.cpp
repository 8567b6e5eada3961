#include "gateway/api_validate.hpp"

#include <algorithm>

namespace gw::gateway {
namespace {

bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
           return lower(x) == lower(y);
         });
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

}  // namespace

Status check_dn(std::string_view dn) {
  if (dn.empty() || dn.size() > 64) {
    return make_api_error(ErrorCode::bad_dn, "dn must be 1..64 characters");
  }
  if (!is_alnum(dn[0]) && dn[0] != '+') {
    return make_api_error(ErrorCode::bad_dn, "dn must start with a letter, a digit or '+'");
  }
  for (char c : dn.substr(1)) {
    if (!is_alnum(c) && c != '.' && c != '_' && c != '-') {
      return make_api_error(ErrorCode::bad_dn,
                            "dn may hold only letters, digits, '.', '_' and '-' after its first character");
    }
  }
  if (iequals(dn, "echo") || iequals(dn, "tone")) {
    return make_api_error(ErrorCode::bad_dn, "dn '" + std::string(dn) + "' is reserved for a built-in target");
  }
  return {};
}

Status check_call_id(std::string_view id) {
  if (id.empty() || id.size() > 64) {
    return make_api_error(ErrorCode::bad_call_id, "call_id must be 1..64 characters");
  }
  for (char c : id) {
    if (!is_alnum(c) && c != '_' && c != '-') {
      return make_api_error(ErrorCode::bad_call_id, "call_id may hold only letters, digits, '_' and '-'");
    }
  }
  return {};
}

Result<std::string> normalize_digits(std::string_view digits) {
  if (digits.empty() || digits.size() > 32) {
    return make_api_error(ErrorCode::bad_digits, "digits must be 1..32 characters");
  }
  std::string out(digits);
  for (char& c : out) {
    if (c >= 'a' && c <= 'd') c = static_cast<char>(c - 'a' + 'A');
    bool ok = (c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D');
    if (!ok) {
      return make_api_error(ErrorCode::bad_digits, "digits may hold only 0-9, *, # and A-D");
    }
  }
  return out;
}

Result<Target> parse_target(std::string_view text) {
  if (text == "echo") return Target{Target::Kind::echo, "echo"};
  if (text == "tone") return Target{Target::Kind::tone, "tone"};
  if (starts_with_ci(text, "sip:") || starts_with_ci(text, "sips:")) {
    std::size_t scheme = text[3] == ':' ? 4 : 5;
    if (text.size() > 256 || text.size() == scheme) {
      return make_api_error(ErrorCode::bad_target, "a SIP URI target must be 5..256 characters");
    }
    for (char c : text) {
      auto u = static_cast<unsigned char>(c);
      if (u <= 0x20 || u >= 0x7f || c == '<' || c == '>' || c == '"') {
        return make_api_error(ErrorCode::bad_target,
                              "a SIP URI target may not hold spaces, control characters, quotes or <>");
      }
    }
    return Target{Target::Kind::sip_uri, std::string(text)};
  }
  if (auto st = check_dn(text); !st) {
    return make_api_error(ErrorCode::bad_target,
                          "target must be \"echo\", \"tone\", a DN or a sip: URI (" + st.error().message + ")");
  }
  return Target{Target::Kind::dn, std::string(text)};
}

Status check_sdp(std::string_view sdp, std::size_t max_bytes) {
  if (sdp.size() > max_bytes) {
    return make_api_error(ErrorCode::too_large,
                          "sdp is " + std::to_string(sdp.size()) + " bytes, the limit is " + std::to_string(max_bytes));
  }
  if (sdp.substr(0, 3) != "v=0") {
    return make_api_error(ErrorCode::bad_sdp, "sdp must start with \"v=0\"");
  }
  if (sdp.find('\0') != std::string_view::npos) {
    return make_api_error(ErrorCode::bad_sdp, "sdp may not hold NUL characters");
  }
  return {};
}

}  // namespace gw::gateway
