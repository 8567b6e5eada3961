// SDP for the gateway's browser legs (JSEP, RFC 8829) and what each leg's
// media needs from it. The gateway is ICE-lite (RFC 8445 §2.5) on its shard
// port, offers/answers one audio section with rtcp-mux and BUNDLE:
// - built-in targets: answer the caller's offer (echo: its preferred codec;
//   tone: G.711 only, the tone is G.711);
// - a call between two browsers: an offer to the agent carrying the caller's
//   codecs with the caller's payload types (so media passes unchanged), then
//   the caller's answer with the codecs the agent chose.
// Thread: any (pure functions).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dtls/certificate.hpp"
#include "dtls/endpoint.hpp"
#include "gateway/api_message.hpp"
#include "sdp/candidate.hpp"
#include "sdp/session_description.hpp"
#include "util/result.hpp"

namespace gw::gateway {

struct LocalIce {
  std::string ufrag, pwd;
};
// Random credentials: ufrag 8 and pwd 24 ice-chars (RFC 8839 §5.4 asks >= 4 and >= 22).
LocalIce make_local_ice();

// Our side of one leg in the SDP.
struct LocalMedia {
  LocalIce ice;
  std::vector<sdp::Candidate> candidates;
  dtls::Fingerprint fingerprint;
};

struct TelephoneEventFormat {
  std::uint8_t pt = 101;
  std::uint32_t clock_rate = 8000;
  friend bool operator==(const TelephoneEventFormat&, const TelephoneEventFormat&) = default;
};

// What a leg needs from the negotiation.
struct NegotiatedLeg {
  std::string local_sdp;                   // the SDP we send this browser
  dtls::Role dtls_role = dtls::Role::passive;
  dtls::Fingerprint remote_fingerprint;
  std::string remote_ufrag;
  std::string codec;                       // "opus/48000/2"
  std::uint8_t pt = 0;
  std::uint32_t clock_rate = 8000;
  // Every negotiated telephone-event format (RFC 4733): a browser may send
  // DTMF on the 8 kHz one even when its audio codec runs at 48 kHz.
  std::vector<TelephoneEventFormat> telephone_events;
};

// The answer to a browser's offer for `echo` or `tone`. Errors carry
// ErrorCode::bad_sdp with a sentence saying what is wrong.
Result<NegotiatedLeg> answer_builtin(std::string_view offer, Target::Kind kind, const LocalMedia& local);

struct AgentOffer {
  std::string offer_sdp;                   // for the agent's incoming-call event
  sdp::SessionDescription caller_offer;
  sdp::SessionDescription avp_offer;       // the caller's codecs, as a plain offer
};
Result<AgentOffer> offer_to_agent(std::string_view caller_offer, const LocalMedia& agent_side);

struct BridgedLegs {
  NegotiatedLeg caller;                    // caller.local_sdp: the answer for the caller
  NegotiatedLeg agent;                     // agent.local_sdp: empty (the agent had our offer)
};
// From the agent's answer to offer_to_agent's offer.
Result<BridgedLegs> complete_bridge(const AgentOffer& offer, std::string_view agent_answer,
                                    const LocalMedia& caller_side);

}  // namespace gw::gateway
