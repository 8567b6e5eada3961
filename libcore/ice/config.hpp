// What an ICE agent is asked to do (RFC 8445): role, full or lite, trickle
// (RFC 8838), consent freshness (RFC 7675), transports (UDP, ICE-TCP per
// RFC 6544), the address plan (bind and advertised addresses), STUN and TURN
// servers, port range. Plain values: the libnice adapter reads them.
// Thread: any (value types).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"
#include "util/socket_address.hpp"

namespace gw::ice {

enum class Role : std::uint8_t { controlling, controlled };
std::string_view to_string(Role r);

// One advertised address (the gateway's address plan, design brief §6): host
// candidates on `local` (any local address of that family when unset) are
// announced with `advertised` instead, e.g. behind a 1:1 NAT.
struct AddressMapping {
  std::optional<IpAddress> local;
  IpAddress advertised;
};
// "PUBLIC" or "LOCAL=PUBLIC" (IP literals).
Result<AddressMapping> parse_address_mapping(std::string_view text);
// The address to announce for a host candidate on `local`: the first mapping
// whose local address equals it, else the first of the same family without one.
std::optional<IpAddress> advertised_for(const std::vector<AddressMapping>& plan, const IpAddress& local);

// TURN server for relayed candidates (RFC 8656). The address is numeric:
// resolve names before (libnice takes literals only).
struct RelayServer {
  enum class Transport : std::uint8_t { udp, tcp, tls };
  SocketAddress server;
  std::string username, password;
  Transport transport = Transport::udp;
};

struct AgentConfig {
  Role role = Role::controlling;
  bool lite = false;               // RFC 8445 §2.5: host candidates only, controlled
  bool trickle = true;             // RFC 8838
  bool consent_freshness = true;   // RFC 7675
  bool regular_nomination = true;  // RFC 8445 §8.1.1 (aggressive is deprecated)
  bool udp = true;
  bool tcp = false;                // RFC 6544 host candidates (active + passive)
  bool tcp_active = false;         // also announce tcptype active candidates
  unsigned components = 1;         // 1 with rtcp-mux (RFC 5761), 2 without
  std::vector<IpAddress> bind;     // gather on these only; empty = all interfaces;
                                   // 0.0.0.0 / :: = every address of that family
  std::vector<AddressMapping> advertise;
  std::optional<SocketAddress> stun;  // server-reflexive candidates (RFC 8489)
  std::optional<RelayServer> turn;
  std::uint16_t port_min = 0, port_max = 0;  // 0, 0: any port
  // Our ufrag/pwd (RFC 8839 §5.4) when they are already in our SDP; empty:
  // libnice makes them up.
  std::string local_ufrag, local_pwd;
};

// RFC 8839 §5.4: ufrag 4..256 ice-chars, pwd 22..256 ice-chars
// (ice-char = ALPHA / DIGIT / "+" / "/").
Status check_credentials(std::string_view ufrag, std::string_view pwd);

}  // namespace gw::ice
