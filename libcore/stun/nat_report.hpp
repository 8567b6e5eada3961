// The result of NAT behaviour discovery (RFC 5780 §4) in RFC 4787 terms,
// with the old RFC 3489 name and what it means for WebRTC.
// Thread: any (value type).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "util/socket_address.hpp"

namespace gw::stun {

// RFC 4787 §4.1 (mapping) and §5 (filtering).
enum class Behaviour { unknown, endpoint_independent, address_dependent, address_and_port_dependent };
std::string_view behaviour_name(Behaviour b);  // "endpoint-independent", ..., "unknown"

enum class Tri { untested, yes, no };
std::string_view tri_name(Tri t);  // "untested", "yes", "no"

struct NatReport {
  bool server_reachable = false;  // false: UDP blocked (or server down)
  Tri nat = Tri::untested;        // no: mapped address == local address
  Behaviour mapping = Behaviour::unknown;
  Behaviour filtering = Behaviour::unknown;
  Tri hairpinning = Tri::untested;
  Tri port_preserved = Tri::untested;
  Tri alg_detected = Tri::untested;   // MAPPED-ADDRESS != XOR-MAPPED-ADDRESS
  Tri large_packets = Tri::untested;  // a > 1500-byte request was answered

  std::optional<SocketAddress> local;
  std::optional<SocketAddress> mapped;          // XOR-MAPPED-ADDRESS of test I
  std::optional<SocketAddress> plain_mapped;    // MAPPED-ADDRESS of test I
  std::optional<SocketAddress> response_origin;
  std::optional<SocketAddress> other_address;   // OTHER-ADDRESS
  std::optional<SocketAddress> changed_address; // RFC 3489 CHANGED-ADDRESS
  std::string software;

  std::vector<std::string> not_run;  // tests that could not run, with why
  std::vector<std::string> notes;    // anomalies seen along the way

  // Mapping and filtering both known (or no NAT and filtering known).
  [[nodiscard]] bool conclusive() const;
  // "open internet", "full cone", "restricted cone", "port-restricted cone",
  // "symmetric", "symmetric UDP firewall", "UDP blocked", "inconclusive".
  [[nodiscard]] std::string rfc3489_name() const;
  // One sentence on what the result means for browsers and the gateway.
  [[nodiscard]] std::string webrtc_verdict() const;
  [[nodiscard]] boost::json::object to_json() const;
};

}  // namespace gw::stun
