#include "sdp/candidate.hpp"

#include "sdp/text_util.hpp"

namespace gw::sdp {
namespace {

using text::quote;
using text::to_uint;

Error bad(std::string_view what) {
  return make_error("sdp.bad-candidate", "a=candidate: " + std::string(what));
}

std::optional<CandidateType> candidate_type(std::string_view s) {
  if (s == "host") return CandidateType::host;
  if (s == "srflx") return CandidateType::srflx;
  if (s == "prflx") return CandidateType::prflx;
  if (s == "relay") return CandidateType::relay;
  return std::nullopt;
}

std::optional<TcpType> tcp_type(std::string_view s) {
  if (s == "active") return TcpType::active;
  if (s == "passive") return TcpType::passive;
  if (s == "so") return TcpType::so;
  return std::nullopt;
}

bool valid_foundation(std::string_view s) {
  // RFC 8839 §5.1: 1*32 ice-char (ALPHA / DIGIT / "+" / "/")
  if (s.empty() || s.size() > 32) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
          c == '+' || c == '/'))
      return false;
  return true;
}

// The "name value" pairs after "typ <type>".
Status parse_tail(Candidate& c, const std::vector<std::string_view>& f, std::size_t i) {
  for (; i < f.size(); i += 2) {
    if (i + 1 >= f.size()) return bad("'" + std::string(f[i]) + "' has no value");
    std::string_view name = f[i], value = f[i + 1];
    if (name == "raddr") {
      c.raddr = std::string(value);
    } else if (name == "rport") {
      auto p = to_uint<std::uint16_t>(value);
      if (!p) return bad("rport " + quote(value) + " is not in 0..65535");
      c.rport = *p;
    } else if (name == "tcptype") {
      auto t = tcp_type(value);
      if (!t) return bad("tcptype " + quote(value) + " is not active/passive/so");
      c.tcptype = *t;
    } else {
      c.extensions.emplace_back(std::string(name), std::string(value));
    }
  }
  return {};
}

}  // namespace

std::string_view to_string(CandidateType t) {
  switch (t) {
    case CandidateType::host: return "host";
    case CandidateType::srflx: return "srflx";
    case CandidateType::prflx: return "prflx";
    case CandidateType::relay: return "relay";
  }
  return "host";
}

std::string_view to_string(CandidateTransport t) {
  return t == CandidateTransport::tcp ? "tcp" : "udp";
}

std::string_view to_string(TcpType t) {
  switch (t) {
    case TcpType::none: return "";
    case TcpType::active: return "active";
    case TcpType::passive: return "passive";
    case TcpType::so: return "so";
  }
  return "";
}

Result<Candidate> parse_candidate(std::string_view text) {
  if (text.substr(0, 2) == "a=") text.remove_prefix(2);
  if (text.substr(0, 10) == "candidate:") text.remove_prefix(10);
  auto f = text::split_ws(text);
  if (f.size() < 8) return bad("expected at least 8 fields, got " + std::to_string(f.size()));
  Candidate c;
  if (!valid_foundation(f[0])) return bad("foundation " + quote(f[0]) + " is invalid");
  c.foundation = std::string(f[0]);
  auto comp = to_uint<std::uint16_t>(f[1], 256);
  if (!comp || *comp == 0) return bad("component " + quote(f[1]) + " is not in 1..256");
  c.component = *comp;
  if (text::iequals(f[2], "udp"))
    c.transport = CandidateTransport::udp;
  else if (text::iequals(f[2], "tcp"))
    c.transport = CandidateTransport::tcp;
  else
    return bad("transport " + quote(f[2]) + " is not udp or tcp");
  auto prio = to_uint<std::uint32_t>(f[3]);
  if (!prio) return bad("priority " + quote(f[3]) + " is not a 32-bit number");
  c.priority = *prio;
  c.address = std::string(f[4]);
  auto port = to_uint<std::uint16_t>(f[5]);
  if (!port) return bad("port " + quote(f[5]) + " is not in 0..65535");
  c.port = *port;
  if (f[6] != "typ") return bad("expected 'typ' as 7th field, got " + quote(f[6]));
  auto type = candidate_type(f[7]);
  if (!type) return bad("type " + quote(f[7]) + " is not host/srflx/prflx/relay");
  c.type = *type;
  Status st = parse_tail(c, f, 8);
  if (!st) return st.error();
  return c;
}

std::optional<std::uint32_t> Candidate::generation() const {
  for (const auto& [k, v] : extensions)
    if (k == "generation") return text::to_uint<std::uint32_t>(v);
  return std::nullopt;
}

std::string Candidate::to_value() const {
  std::string s = foundation + " " + std::to_string(component) + " " +
                  std::string(sdp::to_string(transport)) + " " + std::to_string(priority) +
                  " " + address + " " + std::to_string(port) + " typ " +
                  std::string(sdp::to_string(type));
  if (raddr) s += " raddr " + *raddr;
  if (rport) s += " rport " + std::to_string(*rport);
  if (tcptype != TcpType::none) s += " tcptype " + std::string(sdp::to_string(tcptype));
  for (const auto& [k, v] : extensions) s += " " + k + " " + v;
  return s;
}

std::string Candidate::to_sdp_string() const { return "candidate:" + to_value(); }

std::uint32_t candidate_priority(CandidateType type, std::uint16_t local_preference,
                                 std::uint16_t component) {
  std::uint32_t type_pref = 0;
  switch (type) {
    case CandidateType::host: type_pref = 126; break;
    case CandidateType::prflx: type_pref = 110; break;
    case CandidateType::srflx: type_pref = 100; break;
    case CandidateType::relay: type_pref = 0; break;
  }
  std::uint32_t comp = component > 256 ? 256 : component;
  return (type_pref << 24) + (std::uint32_t{local_preference} << 8) + (256 - comp);
}

}  // namespace gw::sdp
