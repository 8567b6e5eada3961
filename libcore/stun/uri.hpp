// STUN server URIs (RFC 7064): stun:host[:port], stuns:host[:port], with an
// optional ?transport=udp|tcp, and bare host, host:port, [v6]:port.
// Thread: any (pure functions).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/endpoint.hpp"
#include "util/result.hpp"

namespace gw::stun {

struct StunUri {
  Transport transport = Transport::udp;  // udp, tcp or tls
  std::string host;                      // name or IP literal, no brackets
  std::uint16_t port = 3478;             // 3478, or 5349 for stuns (RFC 7064 §3.2)
  [[nodiscard]] std::string to_string() const;  // canonical "stun:host:port?transport=tcp"
  friend bool operator==(const StunUri&, const StunUri&) = default;
};

// Errors: stun-uri.scheme, stun-uri.transport, stun-uri.host (and those of
// parse_host_port). "stuns:...?transport=udp" (DTLS) is not supported.
Result<StunUri> parse_stun_uri(std::string_view text);

}  // namespace gw::stun
