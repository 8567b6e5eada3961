#include "stun/nat_report.hpp"

namespace gw::stun {

std::string_view behaviour_name(Behaviour b) {
  switch (b) {
    case Behaviour::unknown: return "unknown";
    case Behaviour::endpoint_independent: return "endpoint-independent";
    case Behaviour::address_dependent: return "address-dependent";
    case Behaviour::address_and_port_dependent: return "address-and-port-dependent";
  }
  return "?";
}

std::string_view tri_name(Tri t) {
  switch (t) {
    case Tri::untested: return "untested";
    case Tri::yes: return "yes";
    case Tri::no: return "no";
  }
  return "?";
}

bool NatReport::conclusive() const {
  if (!server_reachable) return true;  // "UDP blocked" is a conclusion
  return mapping != Behaviour::unknown && filtering != Behaviour::unknown;
}

std::string NatReport::rfc3489_name() const {
  if (!server_reachable) return "UDP blocked";
  if (nat == Tri::no) {
    if (filtering == Behaviour::endpoint_independent) return "open internet";
    if (filtering == Behaviour::unknown) return "inconclusive";
    return "symmetric UDP firewall";
  }
  if (mapping == Behaviour::address_dependent || mapping == Behaviour::address_and_port_dependent) {
    return "symmetric";  // RFC 3489's "symmetric" is any endpoint-dependent mapping
  }
  if (mapping != Behaviour::endpoint_independent) return "inconclusive";
  switch (filtering) {
    case Behaviour::endpoint_independent: return "full cone";
    case Behaviour::address_dependent: return "restricted cone";
    case Behaviour::address_and_port_dependent: return "port-restricted cone";
    case Behaviour::unknown: break;
  }
  return "inconclusive";
}

std::string NatReport::webrtc_verdict() const {
  if (!server_reachable) {
    return "UDP blocked: browsers here need TURN over TCP/TLS (443) or a gateway reachable over TCP";
  }
  if (mapping == Behaviour::address_dependent || mapping == Behaviour::address_and_port_dependent) {
    return std::string(behaviour_name(mapping)) +
           " mapping: browsers behind this NAT need TURN or a gateway with a public address";
  }
  if (nat == Tri::no) {
    return filtering == Behaviour::endpoint_independent
               ? "no NAT and no filtering: host candidates work directly"
               : "no NAT: host candidates work; inbound traffic may be filtered, so peers "
                 "should reach this host through ICE checks it starts itself";
  }
  if (mapping == Behaviour::endpoint_independent) {
    if (filtering == Behaviour::endpoint_independent || filtering == Behaviour::address_dependent) {
      return "endpoint-independent mapping: server-reflexive candidates work for direct media";
    }
    return "endpoint-independent mapping with " + std::string(behaviour_name(filtering)) +
           " filtering: server-reflexive candidates work once ICE checks open the path; "
           "a gateway with a public address always works";
  }
  std::string why = "inconclusive: the NAT could not be classified";
  if (!not_run.empty()) why += " (" + not_run.front() + ")";
  return why + "; use a STUN server with RFC 5780 support (two IP addresses)";
}

namespace {

boost::json::value addr_json(const std::optional<SocketAddress>& a) {
  if (!a) return nullptr;
  return boost::json::value(a->to_string());
}

}  // namespace

boost::json::object NatReport::to_json() const {
  boost::json::array nr;
  for (const auto& s : not_run) nr.emplace_back(s);
  boost::json::array nt;
  for (const auto& s : notes) nt.emplace_back(s);
  return boost::json::object{
      {"server_reachable", server_reachable},
      {"nat", tri_name(nat)},
      {"mapping", behaviour_name(mapping)},
      {"filtering", behaviour_name(filtering)},
      {"hairpinning", tri_name(hairpinning)},
      {"port_preserved", tri_name(port_preserved)},
      {"alg_detected", tri_name(alg_detected)},
      {"large_packets", tri_name(large_packets)},
      {"conclusive", conclusive()},
      {"rfc3489", rfc3489_name()},
      {"verdict", webrtc_verdict()},
      {"local", addr_json(local)},
      {"mapped", addr_json(mapped)},
      {"mapped_address_attr", addr_json(plain_mapped)},
      {"response_origin", addr_json(response_origin)},
      {"other_address", addr_json(other_address)},
      {"changed_address", addr_json(changed_address)},
      {"software", software},
      {"not_run", std::move(nr)},
      {"notes", std::move(nt)},
  };
}

}  // namespace gw::stun
