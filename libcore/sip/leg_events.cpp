#include "sip/leg_events.hpp"

#include "util/endpoint.hpp"
#include "util/json_output.hpp"

namespace gw::sip {
namespace json = boost::json;

json::object media_json(const NegotiatedMedia& m) {
  json::object o;
  if (!m.remote_address.empty()) o["remote_rtp"] = format_host_port(m.remote_address, m.remote_port);
  o["remote_rtcp_port"] = m.remote_rtcp_port;
  o["direction"] = to_string(m.local_direction);
  o["remote_direction"] = to_string(m.remote_direction);
  json::array codecs;
  for (const auto& c : m.codecs) {
    json::object co;
    co["pt"] = c.payload_type;
    co["name"] = c.name;
    co["rate"] = c.clock_rate;
    if (c.channels > 1) co["channels"] = c.channels;
    if (!c.fmtp.empty()) co["fmtp"] = c.fmtp;
    codecs.push_back(std::move(co));
  }
  if (!m.codecs.empty()) o["codec"] = m.codecs.front().name + "/" + std::to_string(m.codecs.front().clock_rate);
  o["codecs"] = std::move(codecs);
  if (m.telephone_event_pt >= 0) o["telephone_event_pt"] = m.telephone_event_pt;
  o["ptime"] = m.ptime_ms;
  return o;
}

json::object call_event_json(const CallEvent& ev) {
  json::object o = make_event(to_string(ev.kind));
  if (ev.status) o["status"] = ev.status;
  if (!ev.reason.empty() && ev.kind != CallEventKind::dtmf) o["reason"] = ev.reason;
  if (ev.kind == CallEventKind::ended) o["cause"] = to_string(ev.cause);
  if (ev.kind == CallEventKind::dtmf) {
    o["digit"] = std::string(1, ev.digit);
    o["duration"] = ev.duration_ms;
    o["via"] = ev.reason.empty() ? "info" : ev.reason;
  }
  if (!ev.target.empty()) o["target"] = ev.target;
  bool with_media = ev.kind == CallEventKind::answered || ev.kind == CallEventKind::early_media ||
                    ev.kind == CallEventKind::media_updated || ev.kind == CallEventKind::held ||
                    ev.kind == CallEventKind::resumed || ev.kind == CallEventKind::remote_held ||
                    ev.kind == CallEventKind::remote_resumed;
  if (with_media && ev.media) {
    for (auto& kv : media_json(*ev.media)) o[kv.key()] = kv.value();
  }
  return o;
}

json::object registration_json(const RegistrationEvent& ev) {
  const char* name = "registering";
  switch (ev.state) {
    case RegistrationState::registering: name = "registering"; break;
    case RegistrationState::registered: name = "registered"; break;
    case RegistrationState::failed: name = "registration_failed"; break;
    case RegistrationState::unregistered: name = "unregistered"; break;
    case RegistrationState::lost: name = "registration_lost"; break;
  }
  json::object o = make_event(name);
  if (ev.status) o["status"] = ev.status;
  if (!ev.reason.empty()) o["reason"] = ev.reason;
  if (ev.state == RegistrationState::registered) {
    o["expires"] = ev.expires;
    o["refresh"] = ev.refresh;
    if (ev.recovered) o["recovered"] = true;
    if (!ev.contact.empty()) o["contact"] = ev.contact;
  }
  if (ev.state == RegistrationState::failed) o["final"] = ev.final;
  if (ev.retry_in) o["retry_in"] = ev.retry_in;
  return o;
}

json::object rtp_counters_json(const RtpLegCounters& c) {
  json::object o;
  o["from_peer"] = c.from_peer;
  o["to_peer"] = c.to_peer;
  o["from_pipe"] = c.from_pipe;
  o["to_pipe"] = c.to_pipe;
  o["rtcp_from_peer"] = c.rtcp_from_peer;
  o["rtcp_to_peer"] = c.rtcp_to_peer;
  o["dropped_source"] = c.dropped_source;
  o["dropped_no_remote"] = c.dropped_no_remote;
  o["dropped_direction"] = c.dropped_direction;
  o["dropped_malformed"] = c.dropped_malformed;
  o["dtmf_sent"] = c.dtmf_sent;
  o["dtmf_received"] = c.dtmf_received;
  return o;
}

std::string event_text(const json::object& ev) {
  std::string out;
  if (auto* name = ev.if_contains("event"); name && name->is_string()) out = std::string(name->as_string());
  for (const auto& kv : ev) {
    if (kv.key() == "event" || kv.key() == "ts" || kv.key() == "codecs" || kv.value().is_object()) continue;
    out += " " + std::string(kv.key()) + "=";
    out += kv.value().is_string() ? std::string(kv.value().as_string()) : json::serialize(kv.value());
  }
  return out;
}

}  // namespace gw::sip
