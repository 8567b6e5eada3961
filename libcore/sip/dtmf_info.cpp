#include "sip/dtmf_info.hpp"

#include <cctype>
#include <charconv>

namespace gw::sip {
namespace {

std::string lower(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<char> normalize_dtmf(char c) {
  if ((c >= '0' && c <= '9') || c == '*' || c == '#') return c;
  if (c >= 'a' && c <= 'd') return static_cast<char>(c - 'a' + 'A');
  if (c >= 'A' && c <= 'D') return c;
  return std::nullopt;
}

std::optional<DtmfDigit> parse_dtmf_info(std::string_view content_type, std::string_view body) {
  std::string ct = lower(trim(content_type.substr(0, content_type.find(';'))));
  if (ct == "application/dtmf") {
    auto t = trim(body);
    if (t.size() != 1) return std::nullopt;
    auto d = normalize_dtmf(t[0]);
    if (!d) return std::nullopt;
    return DtmfDigit{*d, 0};
  }
  if (ct != "application/dtmf-relay") return std::nullopt;
  DtmfDigit out;
  bool have_signal = false;
  while (!body.empty()) {
    auto eol = body.find('\n');
    std::string_view line = body.substr(0, eol);
    body = eol == std::string_view::npos ? std::string_view{} : body.substr(eol + 1);
    auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string key = lower(trim(line.substr(0, eq)));
    std::string_view value = trim(line.substr(eq + 1));
    if (key == "signal" && value.size() == 1) {
      auto d = normalize_dtmf(value[0]);
      if (!d) return std::nullopt;
      out.digit = *d;
      have_signal = true;
    } else if (key == "signal" && value == "10") {  // some phones send 10/11 for * and #
      out.digit = '*', have_signal = true;
    } else if (key == "signal" && value == "11") {
      out.digit = '#', have_signal = true;
    } else if (key == "duration") {
      unsigned ms = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
      if (ec == std::errc() && ms <= 60000) out.duration_ms = ms;
    }
  }
  if (!have_signal) return std::nullopt;
  return out;
}

std::string format_dtmf_relay(char digit, unsigned duration_ms) {
  return std::string("Signal=") + digit + "\r\nDuration=" + std::to_string(duration_ms) + "\r\n";
}

}  // namespace gw::sip
