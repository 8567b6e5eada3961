#include "stun/uri.hpp"

#include <algorithm>
#include <cctype>

#include "stun/constants.hpp"

namespace gw::stun {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && lower(text.substr(0, prefix.size())) == prefix;
}

// "turn:x", "http://x": a scheme, unlike "host:3478", "[v6]:1" or "::1".
bool has_other_scheme(std::string_view s) {
  if (s.find("://") != std::string_view::npos) return true;
  const auto colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || s.front() == '[' ||
      std::count(s.begin(), s.end(), ':') > 1) {
    return false;
  }
  const auto scheme = s.substr(0, colon);
  const bool alpha = std::all_of(scheme.begin(), scheme.end(),
                                 [](unsigned char c) { return std::isalpha(c) != 0; });
  const auto after = s.substr(colon + 1);
  return alpha && (after.empty() || std::isdigit(static_cast<unsigned char>(after[0])) == 0);
}

}  // namespace

std::string StunUri::to_string() const {
  std::string s = transport == Transport::tls ? "stuns:" : "stun:";
  s += format_host_port(host, port);
  if (transport == Transport::tcp) s += "?transport=tcp";
  return s;
}

Result<StunUri> parse_stun_uri(std::string_view text) {
  StunUri uri;
  std::string_view rest = text;
  bool secure = false;
  if (starts_with_nocase(rest, "stuns:")) {
    secure = true;
    rest.remove_prefix(6);
  } else if (starts_with_nocase(rest, "stun:")) {
    rest.remove_prefix(5);
  } else if (has_other_scheme(rest)) {
    return make_error("stun-uri.scheme", "not a stun:/stuns: URI: '" + std::string(text) + "'");
  }
  if (rest.substr(0, 2) == "//") rest.remove_prefix(2);  // tolerate stun://host
  uri.transport = secure ? Transport::tls : Transport::udp;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    const std::string query = lower(rest.substr(q + 1));
    rest = rest.substr(0, q);
    if (query == "transport=tcp") {
      if (!secure) uri.transport = Transport::tcp;
    } else if (query != "transport=udp" || secure) {
      return make_error("stun-uri.transport", "unsupported query '" + query + "'");
    }
  }
  if (rest.empty()) return make_error("stun-uri.host", "no host in '" + std::string(text) + "'");
  auto hp = parse_host_port(rest);
  if (!hp) return hp.error();
  if (hp->host.empty()) return make_error("stun-uri.host", "no host in '" + std::string(text) + "'");
  uri.host = hp->host;
  uri.port = hp->port.value_or(secure ? kDefaultTlsPort : kDefaultPort);
  return uri;
}

}  // namespace gw::stun
