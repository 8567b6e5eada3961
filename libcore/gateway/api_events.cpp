#include "gateway/api_events.hpp"

#include <array>
#include <utility>

namespace gw::gateway {
namespace {

namespace json = boost::json;

struct ReasonInfo {
  EndReason reason;
  std::string_view name;
  std::string_view sentence;
};

constexpr std::array<ReasonInfo, 14> kReasons{{
    {EndReason::hangup, "hangup", "You hung up."},
    {EndReason::remote_hangup, "remote-hangup", "The other side hung up."},
    {EndReason::cancelled, "cancelled", "The caller gave up before the call was answered."},
    {EndReason::busy, "busy", "The other side is busy."},
    {EndReason::no_answer, "no-answer", "Nobody answered."},
    {EndReason::not_found, "not-found", "That number or address does not exist."},
    {EndReason::rejected, "rejected", "The call was declined."},
    {EndReason::unavailable, "unavailable", "The other side is not available right now."},
    {EndReason::peer_gone, "peer-gone", "The other side's connection was lost."},
    {EndReason::consent_lost, "consent-lost", "The media connection was lost (no ICE consent for 30 s)."},
    {EndReason::ice_failed, "ice-failed", "No media connection could be set up (ICE failed)."},
    {EndReason::media_timeout, "media-timeout", "No audio arrived for too long."},
    {EndReason::server_shutdown, "server-shutdown", "The gateway is shutting down."},
    {EndReason::error, "error", "The call failed because of an error in the gateway."},
}};

const ReasonInfo& reason_info(EndReason r) {
  for (const auto& i : kReasons) {
    if (i.reason == r) return i;
  }
  return kReasons.back();
}

json::object event_base(std::string_view name, std::string_view call_id) {
  json::object o;
  o["type"] = "event";
  o["event"] = name;
  if (!call_id.empty()) o["call_id"] = call_id;
  return o;
}

json::value candidate_json(const std::optional<sdp::Candidate>& c) {
  if (!c) return nullptr;
  return json::value(c->to_sdp_string());
}

// One JSON object builder per event type.
struct EventWriter {
  json::object operator()(const IncomingCallEvent& e) const {
    auto o = event_base("incoming-call", e.call_id);
    o["from"] = e.from;
    if (!e.display_name.empty()) o["display_name"] = e.display_name;
    o["sdp"] = e.sdp;
    return o;
  }
  json::object operator()(const RingingEvent& e) const { return event_base("ringing", e.call_id); }
  json::object operator()(const EarlyMediaEvent& e) const {
    auto o = event_base("early-media", e.call_id);
    o["sdp"] = e.sdp;
    return o;
  }
  json::object operator()(const AnsweredEvent& e) const {
    auto o = event_base("answered", e.call_id);
    if (e.sdp) o["sdp"] = *e.sdp;
    return o;
  }
  json::object operator()(const EndedEvent& e) const {
    auto o = event_base("ended", e.call_id);
    o["reason"] = to_string(e.reason);
    o["message"] = e.message.empty() ? describe(e.reason) : std::string_view(e.message);
    if (e.sip_status) o["sip_status"] = *e.sip_status;
    return o;
  }
  json::object operator()(const HeldEvent& e) const {
    auto o = event_base("held", e.call_id);
    o["by"] = to_string(e.by);
    return o;
  }
  json::object operator()(const ResumedEvent& e) const {
    auto o = event_base("resumed", e.call_id);
    o["by"] = to_string(e.by);
    return o;
  }
  json::object operator()(const DtmfEvent& e) const {
    auto o = event_base("dtmf", e.call_id);
    o["digits"] = e.digits;
    o["duration_ms"] = e.duration_ms;
    return o;
  }
  json::object operator()(const IceCandidateEvent& e) const {
    auto o = event_base("ice-candidate", e.call_id);
    o["candidate"] = candidate_json(e.candidate);
    o["mid"] = e.mid;
    return o;
  }
  json::object operator()(const StatsEvent& e) const {
    auto o = event_base("stats", e.call_id);
    o["stats"] = stats_to_json(e.stats);
    return o;
  }
  json::object operator()(const SignedOutEvent& e) const {
    auto o = event_base("signed-out", "");
    o["reason"] = e.reason;
    o["message"] = e.message;
    return o;
  }
  json::object operator()(const RegistrationEvent& e) const {
    auto o = event_base("registration", "");
    o["dn"] = e.dn;
    o["state"] = e.state;
    if (!e.message.empty()) o["message"] = e.message;
    if (e.sip_status) o["sip_status"] = *e.sip_status;
    return o;
  }
};

json::object response_base(const RequestId& id, bool ok) {
  json::object o;
  o["id"] = id_to_json(id);
  o["ok"] = ok;
  return o;
}

json::object limits_to_json(const Limits& l) {
  json::object o;
  o["max_frame_bytes"] = l.max_frame_bytes;
  o["max_sdp_bytes"] = l.max_sdp_bytes;
  return o;
}

}  // namespace

std::string_view to_string(EndReason r) { return reason_info(r).name; }
std::string_view describe(EndReason r) { return reason_info(r).sentence; }

std::optional<EndReason> end_reason_from_string(std::string_view s) {
  for (const auto& i : kReasons) {
    if (i.name == s) return i.reason;
  }
  return std::nullopt;
}

std::string_view to_string(HoldOrigin o) { return o == HoldOrigin::local ? "local" : "remote"; }

std::string_view event_name(const Event& e) {
  static constexpr std::array<std::string_view, 12> kNames{
      "incoming-call", "ringing", "early-media", "answered", "ended", "held",
      "resumed", "dtmf", "ice-candidate", "stats", "signed-out", "registration"};
  static_assert(kNames.size() == std::variant_size_v<Event>);
  return kNames[e.index()];
}

std::string serialize_event(const Event& e) { return json::serialize(std::visit(EventWriter{}, e)); }

json::value id_to_json(const RequestId& id) {
  if (const auto* n = std::get_if<std::uint64_t>(&id)) return json::value(*n);
  return json::value(std::get<std::string>(id));
}

json::object stats_to_json(const CallStats& s) {
  json::object o;
  o["codec"] = s.codec;
  if (s.rtt_ms) o["rtt_ms"] = *s.rtt_ms;
  o["jitter_ms"] = s.jitter_ms;
  o["packets_sent"] = s.packets_sent;
  o["packets_received"] = s.packets_received;
  o["packets_lost"] = s.packets_lost;
  o["bytes_sent"] = s.bytes_sent;
  o["bytes_received"] = s.bytes_received;
  if (s.audio_level) o["audio_level"] = *s.audio_level;
  o["duration_ms"] = s.duration_ms;
  return o;
}

std::string ok_response(const RequestId& id, json::object fields) {
  json::object o = response_base(id, true);
  for (auto& kv : fields) o[kv.key()] = std::move(kv.value());
  return json::serialize(o);
}

std::string error_response(const std::optional<RequestId>& id, const Error& e) {
  json::object o;
  o["id"] = id ? id_to_json(*id) : json::value(nullptr);
  o["ok"] = false;
  json::object err;
  err["code"] = e.code;
  err["message"] = e.message;
  o["error"] = std::move(err);
  return json::serialize(o);
}

std::string hello_response(const RequestId& id, const HelloReply& reply) {
  json::object f;
  f["version"] = reply.version;
  f["server"] = reply.server;
  if (!reply.session_id.empty()) f["session_id"] = reply.session_id;
  json::array servers;
  for (const auto& s : reply.ice_servers) servers.emplace_back(ice_server_to_json(s));
  f["iceServers"] = std::move(servers);
  f["limits"] = limits_to_json(reply.limits);
  return ok_response(id, std::move(f));
}

std::string signin_response(const RequestId& id, std::string_view dn) {
  json::object f;
  f["dn"] = dn;
  return ok_response(id, std::move(f));
}

std::string call_response(const RequestId& id, std::string_view call_id) {
  json::object f;
  f["call_id"] = call_id;
  return ok_response(id, std::move(f));
}

std::string stats_response(const RequestId& id, std::string_view call_id, const CallStats& s) {
  json::object f;
  f["call_id"] = call_id;
  f["stats"] = stats_to_json(s);
  return ok_response(id, std::move(f));
}

std::string ping_response(const RequestId& id, std::uint64_t now_unix_ms) {
  json::object f;
  f["now_ms"] = now_unix_ms;
  return ok_response(id, std::move(f));
}

}  // namespace gw::gateway
