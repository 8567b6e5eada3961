#include "output.hpp"

#include <cstdio>
#include <ostream>
#include <set>

#include "commands.hpp"

namespace stun_probe {

std::string ms(gw::Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f ms", gw::to_ms(d));
  return buf;
}

namespace {
void put(boost::json::object& o, const char* key, const std::optional<gw::SocketAddress>& a) {
  if (a) o[key] = a->to_string();
}
void line(std::ostream& out, const char* key, const std::optional<gw::SocketAddress>& a, const char* note = "") {
  if (a) out << "    " << key << a->to_string() << note << "\n";
}
bool in_shared_space(const gw::IpAddress& ip) {
  return ip.is_v4() && ip.bytes[0] == 100 && (ip.bytes[1] & 0xC0) == 64;  // 100.64.0.0/10
}
}  // namespace

boost::json::object to_json(const gw::net::BindingResult& r, const std::string& label) {
  boost::json::object o;
  o["server"] = label;
  o["transport"] = std::string(gw::transport_name(r.transport));
  o["address"] = r.server.to_string();
  o["ok"] = r.ok;
  o["local"] = r.local.to_string();
  put(o, "mapped", r.xor_mapped);
  put(o, "mapped_address_attr", r.mapped);
  put(o, "response_origin", r.response_origin);
  put(o, "other_address", r.other_address);
  put(o, "changed_address", r.changed_address);
  if (!r.software.empty()) o["software"] = r.software;
  if (r.ok) o["rtt_ms"] = gw::to_ms(r.rtt);
  o["transmissions"] = r.transmissions;
  if (!r.failure.empty()) {
    o["failure"] = r.failure;
    o["detail"] = r.detail;
  }
  if (r.error_response) {
    o["error_code"] = r.error_response->code;
    o["error_reason"] = r.error_response->reason;
  }
  return o;
}

void print_result(std::ostream& out, const gw::net::BindingResult& r, const std::string& label) {
  out << gw::transport_name(r.transport) << " " << label << " (" << r.server.to_string() << ")";
  if (!r.ok) {
    out << ": FAILED, " << (r.detail.empty() ? r.failure : r.detail) << "\n";
    return;
  }
  out << ": rtt " << ms(r.rtt);
  if (r.transmissions > 1) out << " after " << r.transmissions << " requests";
  out << "\n    local            " << r.local.to_string() << "\n";
  line(out, "mapped           ", r.xor_mapped, " (XOR-MAPPED-ADDRESS)");
  if (r.mapped && r.xor_mapped && !(*r.mapped == *r.xor_mapped)) {
    line(out, "MAPPED-ADDRESS   ", r.mapped, "  <- differs: a NAT ALG rewrites STUN payloads");
  }
  line(out, "response origin  ", r.response_origin);
  line(out, "other address    ", r.other_address, " (RFC 5780 capable)");
  line(out, "changed address  ", r.changed_address, " (RFC 3489)");
  if (r.source && r.response_origin && !(*r.source == *r.response_origin)) {
    line(out, "answered from    ", r.source, "  <- not the RESPONSE-ORIGIN: a NAT or relay in the path");
  }
  if (!r.software.empty()) out << "    software         " << r.software << "\n";
}

Comparison compare(const std::vector<gw::net::BindingResult>& results) {
  Comparison c;
  std::set<gw::IpAddress> public_ips;
  std::set<std::uint16_t> udp_ports;
  int udp_total = 0, udp_ok = 0, stream_ok = 0, mapped_is_local = 0;
  for (const auto& r : results) {
    bool udp = r.transport == gw::Transport::udp;
    udp_total += udp ? 1 : 0;
    if (!r.ok) {
      ++c.failed;
      if (r.error_response) ++c.error_responses;
      continue;
    }
    ++c.answered;
    (udp ? udp_ok : stream_ok) += 1;
    if (!r.xor_mapped) continue;
    public_ips.insert(r.xor_mapped->ip);
    if (udp) udp_ports.insert(r.xor_mapped->port);
    if (*r.xor_mapped == r.local) ++mapped_is_local;
    if (r.mapped && !(*r.mapped == *r.xor_mapped)) c.alg = true;
    if (in_shared_space(r.xor_mapped->ip)) c.shared_space = true;
  }
  c.udp_blocked = udp_total > 0 && udp_ok == 0 && stream_ok > 0;
  c.inconsistent_ip = public_ips.size() > 1;
  c.inconsistent_port = udp_ports.size() > 1;
  c.no_nat = c.answered > 0 && mapped_is_local == c.answered;
  if (c.no_nat) c.notes.push_back("mapped address = local address: no NAT between this host and the server(s)");
  if (c.udp_blocked) c.notes.push_back("UDP got no answer but TCP/TLS did: UDP is blocked; browsers need TURN over TCP/TLS (443) or ICE-TCP");
  if (c.inconsistent_ip) c.notes.push_back("servers saw different public IPs: several NAT exits or a load-balancing carrier-grade NAT");
  if (c.inconsistent_port) c.notes.push_back("one local UDP socket got different mapped ports per server: address-dependent mapping (symmetric NAT); browsers need TURN or a gateway with a public address");
  if (c.alg) c.notes.push_back("MAPPED-ADDRESS differs from XOR-MAPPED-ADDRESS: an ALG rewrites addresses inside packets");
  if (c.shared_space) c.notes.push_back("mapped address is in 100.64.0.0/10 (RFC 6598): a carrier-grade NAT sits between the server and the Internet");
  if (c.answered == 0) {
    c.exit_code = c.error_responses > 0 ? kErrorResponse : kUnreachable;
  } else if (c.udp_blocked) {
    c.exit_code = kUdpBlocked;
  } else if (c.inconsistent_ip || c.inconsistent_port) {
    c.exit_code = kInconsistent;
  } else if (c.failed > 0) {
    c.exit_code = kPartial;
  }
  return c;
}

}  // namespace stun_probe
