// Endpoint URIs shared by every tool (design brief §5, fixed contract):
//   udp:HOST:PORT   tcp:HOST:PORT   tls:HOST:PORT   unix:PATH
//   HOST:PORT   [IPv6]:PORT   HOST   (transport and port from defaults)
// Thread: any (pure functions).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace gw {

enum class Transport { udp, tcp, tls, unix_dgram };

std::string_view transport_name(Transport t);

struct HostPort {
  std::string host;                 // name, IPv4 or IPv6 literal (no brackets)
  std::optional<std::uint16_t> port;
};

// "host", "host:port", "[v6]", "[v6]:port", or a bare IPv6 literal.
Result<HostPort> parse_host_port(std::string_view text);
// Puts brackets around IPv6 literals: "[::1]:3478".
std::string format_host_port(std::string_view host, std::uint16_t port);
bool is_ipv6_literal(std::string_view host);

struct Endpoint {
  Transport transport = Transport::udp;
  std::string host;          // empty for unix
  std::uint16_t port = 0;    // 0 for unix, or "any port" when binding
  std::string path;          // unix only

  [[nodiscard]] bool is_unix() const { return transport == Transport::unix_dgram; }
  [[nodiscard]] std::string to_string() const;  // canonical URI form
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

struct EndpointDefaults {
  Transport transport = Transport::udp;
  std::optional<std::uint16_t> port;  // required in the text when unset
};

Result<Endpoint> parse_endpoint(std::string_view text, EndpointDefaults defaults = {});

}  // namespace gw
