#include "util/endpoint.hpp"

#include <charconv>

namespace gw {

std::string_view transport_name(Transport t) {
  switch (t) {
    case Transport::udp: return "udp";
    case Transport::tcp: return "tcp";
    case Transport::tls: return "tls";
    case Transport::unix_dgram: return "unix";
  }
  return "?";
}

bool is_ipv6_literal(std::string_view host) { return host.find(':') != std::string_view::npos; }

std::string format_host_port(std::string_view host, std::uint16_t port) {
  std::string s;
  if (is_ipv6_literal(host)) {
    s.append("[").append(host).append("]");
  } else {
    s.append(host);
  }
  s.append(":").append(std::to_string(port));
  return s;
}

namespace {
Result<std::uint16_t> parse_port(std::string_view text, std::string_view whole) {
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size() || value > 65535) {
    return make_error("endpoint.bad-port",
                      "bad port '" + std::string(text) + "' in '" + std::string(whole) + "'");
  }
  return static_cast<std::uint16_t>(value);
}

bool valid_host_chars(std::string_view host) {
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_' || c == ':' || c == '%';
    if (!ok) return false;
  }
  return true;
}
}  // namespace

Result<HostPort> parse_host_port(std::string_view text) {
  HostPort hp;
  if (text.empty()) return make_error("endpoint.empty", "empty address");
  if (text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) {
      return make_error("endpoint.bad-ipv6", "missing ']' in '" + std::string(text) + "'");
    }
    hp.host = std::string(text.substr(1, close - 1));
    auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        return make_error("endpoint.bad-ipv6", "expected ':PORT' after ']' in '" + std::string(text) + "'");
      }
      auto port = parse_port(rest.substr(1), text);
      if (!port) return port.error();
      hp.port = *port;
    }
  } else {
    auto first = text.find(':');
    auto last = text.rfind(':');
    if (first != last) {
      hp.host = std::string(text);  // bare IPv6 literal, no port
    } else if (first != std::string_view::npos) {
      hp.host = std::string(text.substr(0, first));
      auto port = parse_port(text.substr(first + 1), text);
      if (!port) return port.error();
      hp.port = *port;
    } else {
      hp.host = std::string(text);
    }
  }
  if (hp.host.empty()) return make_error("endpoint.no-host", "no host in '" + std::string(text) + "'");
  if (!valid_host_chars(hp.host)) {
    return make_error("endpoint.bad-host", "bad host '" + hp.host + "'");
  }
  return hp;
}

Result<Endpoint> parse_endpoint(std::string_view text, EndpointDefaults defaults) {
  Endpoint ep;
  ep.transport = defaults.transport;
  std::string_view rest = text;
  struct Scheme { std::string_view prefix; Transport transport; };
  static constexpr Scheme kSchemes[] = {{"udp:", Transport::udp}, {"tcp:", Transport::tcp},
                                        {"tls:", Transport::tls}, {"unix:", Transport::unix_dgram}};
  for (const auto& s : kSchemes) {
    if (rest.starts_with(s.prefix)) {
      ep.transport = s.transport;
      rest.remove_prefix(s.prefix.size());
      break;
    }
  }
  if (ep.transport == Transport::unix_dgram) {
    if (rest.empty()) return make_error("endpoint.no-path", "unix: needs a path, as in unix:/run/x.sock");
    if (rest.size() >= 108) return make_error("endpoint.path-too-long", "unix socket path over 107 bytes");
    ep.path = std::string(rest);
    return ep;
  }
  auto hp = parse_host_port(rest);
  if (!hp) return hp.error();
  ep.host = hp->host;
  if (hp->port) {
    ep.port = *hp->port;
  } else if (defaults.port) {
    ep.port = *defaults.port;
  } else {
    return make_error("endpoint.no-port", "no port in '" + std::string(text) + "' (use HOST:PORT)");
  }
  return ep;
}

std::string Endpoint::to_string() const {
  if (is_unix()) return "unix:" + path;
  return std::string(transport_name(transport)) + ":" + format_host_port(host, port);
}

}  // namespace gw
