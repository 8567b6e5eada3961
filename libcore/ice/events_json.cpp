#include "ice/events_json.hpp"

namespace gw::ice {

json::object credentials_event(const Credentials& c, bool lite, bool trickle) {
  auto ev = make_event("local-credentials");
  ev["ufrag"] = c.ufrag;
  ev["pwd"] = c.pwd;
  ev["ice_lite"] = lite;
  ev["trickle"] = trickle;
  json::array sdp;
  if (lite) sdp.emplace_back("a=ice-lite");  // session level (RFC 8839 §5.3)
  sdp.emplace_back("a=ice-ufrag:" + c.ufrag);
  sdp.emplace_back("a=ice-pwd:" + c.pwd);
  if (trickle) sdp.emplace_back("a=ice-options:trickle");  // RFC 8840 §5.1
  ev["sdp"] = std::move(sdp);
  return ev;
}

json::object candidate_summary(const sdp::Candidate& c) {
  json::object o;
  o["type"] = std::string(sdp::to_string(c.type));
  o["transport"] = std::string(sdp::to_string(c.transport));
  if (c.tcptype != sdp::TcpType::none) o["tcptype"] = std::string(sdp::to_string(c.tcptype));
  o["address"] = c.address;
  o["port"] = c.port;
  o["candidate"] = c.to_sdp_string();
  return o;
}

json::object candidate_event(const LocalCandidate& c, const std::string& mid) {
  auto ev = make_event("local-candidate");
  ev["candidate"] = c.candidate.to_sdp_string();
  ev["mid"] = mid;
  ev["mline_index"] = 0;
  ev["component"] = c.candidate.component;
  for (auto& kv : candidate_summary(c.candidate)) {
    if (kv.key() != "candidate") ev[kv.key()] = kv.value();
  }
  if (c.base_address) ev["base_address"] = *c.base_address;
  ev["sdp"] = "a=candidate:" + c.candidate.to_value();
  return ev;
}

json::object end_of_candidates_event(const std::string& mid) {
  auto ev = make_event("end-of-candidates");
  ev["mid"] = mid;
  ev["sdp"] = "a=end-of-candidates";  // RFC 8840 §8.2
  return ev;
}

json::object state_event(unsigned component, State s) {
  auto ev = make_event("state");
  ev["component"] = component;
  ev["state"] = std::string(to_string(s));
  return ev;
}

json::object selected_pair_event(const SelectedPair& p) {
  auto ev = make_event("selected-pair");
  ev["component"] = p.component;
  auto local = candidate_summary(p.local);
  if (p.local_advertised) local["advertised"] = *p.local_advertised;
  ev["local"] = std::move(local);
  ev["remote"] = candidate_summary(p.remote);
  if (p.rtt_ms) {
    ev["rtt_ms"] = *p.rtt_ms;
  } else {
    ev["rtt_ms"] = nullptr;
  }
  return ev;
}

}  // namespace gw::ice
