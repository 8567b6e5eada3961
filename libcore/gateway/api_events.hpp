// Server -> browser frames of the signaling protocol (docs/API.md):
// responses ({"id","ok":true,...} / {"id","ok":false,"error":{...}}) and
// events ({"type":"event","event":name,...}), each serialized as one
// compact JSON text frame.
// Thread: any (pure functions).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/json.hpp>

#include "gateway/api_message.hpp"
#include "gateway/turn_credentials.hpp"
#include "sdp/candidate.hpp"
#include "util/result.hpp"

namespace gw::gateway {

// Why a call ended; each has a wire name and a sentence for a person.
enum class EndReason : std::uint8_t {
  hangup, remote_hangup, cancelled, busy, no_answer, not_found, rejected,
  unavailable, peer_gone, consent_lost, ice_failed, media_timeout,
  server_shutdown, error,
};
std::string_view to_string(EndReason r);
std::string_view describe(EndReason r);  // "The other side is busy."
std::optional<EndReason> end_reason_from_string(std::string_view s);

enum class HoldOrigin : std::uint8_t { local, remote };  // who asked for it
std::string_view to_string(HoldOrigin o);

// Live statistics of one call's browser leg (absent values are omitted).
struct CallStats {
  std::string codec;                   // "opus/48000/2", "PCMU/8000"
  std::optional<double> rtt_ms;
  double jitter_ms = 0;
  std::uint64_t packets_sent = 0;
  std::uint64_t packets_received = 0;
  std::int64_t packets_lost = 0;       // RFC 3550 cumulative, may be negative
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
  std::optional<double> audio_level;   // 0..1, received audio
  std::uint64_t duration_ms = 0;       // since answer
  friend bool operator==(const CallStats&, const CallStats&) = default;
};

struct IncomingCallEvent { std::string call_id, from, display_name, sdp; };
struct RingingEvent { std::string call_id; };
struct EarlyMediaEvent { std::string call_id, sdp; };
struct AnsweredEvent { std::string call_id; std::optional<std::string> sdp; };
struct EndedEvent {
  std::string call_id;
  EndReason reason = EndReason::hangup;
  std::string message;             // empty: describe(reason)
  std::optional<int> sip_status;   // the SIP final response, when there was one
};
struct HeldEvent { std::string call_id; HoldOrigin by = HoldOrigin::remote; };
struct ResumedEvent { std::string call_id; HoldOrigin by = HoldOrigin::remote; };
struct DtmfEvent { std::string call_id, digits; int duration_ms = 100; };
struct IceCandidateEvent {
  std::string call_id;
  std::optional<sdp::Candidate> candidate;  // nullopt: end-of-candidates
  std::string mid;
};
struct StatsEvent { std::string call_id; CallStats stats; };
struct SignedOutEvent { std::string reason, message; };  // e.g. "signed-in-elsewhere"
// SIP mode: the state of the signed-in DN's registration at the SIP server.
struct RegistrationEvent {
  std::string dn, state;         // "registering", "registered", "failed", "lost", "unregistered"
  std::string message;
  std::optional<int> sip_status;
};

using Event = std::variant<IncomingCallEvent, RingingEvent, EarlyMediaEvent, AnsweredEvent,
                           EndedEvent, HeldEvent, ResumedEvent, DtmfEvent, IceCandidateEvent,
                           StatsEvent, SignedOutEvent, RegistrationEvent>;

std::string_view event_name(const Event& e);  // "incoming-call", ...
std::string serialize_event(const Event& e);

// What the hello response tells the browser.
struct HelloReply {
  int version = kProtocolVersion;
  std::string server = "webrtc-gw";
  std::string session_id;
  std::vector<IceServer> ice_servers;
  Limits limits;
};

// Responses. `fields` are merged into {"id","ok":true}.
std::string ok_response(const RequestId& id, boost::json::object fields = {});
std::string error_response(const std::optional<RequestId>& id, const Error& e);
std::string hello_response(const RequestId& id, const HelloReply& reply);
std::string signin_response(const RequestId& id, std::string_view dn);
std::string call_response(const RequestId& id, std::string_view call_id);
std::string stats_response(const RequestId& id, std::string_view call_id, const CallStats& s);
std::string ping_response(const RequestId& id, std::uint64_t now_unix_ms);

// Pieces, for the HTTP endpoint and for tests.
boost::json::value id_to_json(const RequestId& id);
boost::json::object stats_to_json(const CallStats& s);

}  // namespace gw::gateway
