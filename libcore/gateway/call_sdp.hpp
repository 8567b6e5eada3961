// SDP for the gateway's browser legs (JSEP, RFC 8829) and what each leg's
// media needs from it. The gateway is ICE-lite (RFC 8445 §2.5) on its shard
// port, or a full agent in full-ICE mode (LocalMedia::ice_lite), offers/answers one audio section with rtcp-mux and BUNDLE:
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
#include "sdp/translate.hpp"
#include "util/result.hpp"
#include "util/socket_address.hpp"

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
  // ICE-lite with every candidate; false (full-ICE mode): a full agent whose
  // reflexive/relayed candidates are trickled (RFC 8838), no end-of-candidates.
  bool ice_lite = true;
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
  std::string remote_pwd;                  // full-ICE mode: the browser's
  std::vector<sdp::Candidate> remote_candidates;
  bool remote_end_of_candidates = false;
  std::string codec;                       // "opus/48000/2"
  std::uint8_t pt = 0;
  std::uint32_t clock_rate = 8000;
  // Every negotiated telephone-event format (RFC 4733): a browser may send
  // DTMF on the 8 kHz one even when its audio codec runs at 48 kHz.
  std::vector<TelephoneEventFormat> telephone_events;
  // RFC 6464 audio level the browser sends in an RTP header extension with
  // this id (RFC 8285); 0: not negotiated (calls to and from SIP leave it out).
  std::uint8_t audio_level_ext = 0;
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

// ---- Calls to and from SIP (issue 7): one browser leg, one plain RTP leg.

// The SIP side's media as the gateway's RTP leg needs it: where to send RTP
// and RTCP (RFC 3605 a=rtcp, else port+1; RFC 5761 mux when offered back),
// and the payload type numbers on each side (RFC 3264 §6.1 lets them differ).
struct SipMedia {
  SocketAddress rtp, rtcp;
  bool rtcp_mux = false;
  sdp::PayloadMap pt_map;            // browser PT <-> SIP PT
  bool telephone_event = false;      // the SIP side takes RFC 4733 (else SIP INFO)
  bool remote_hold = false;          // the SIP side will not send (RFC 3264 §8.4)
};

// A browser's offer, carried to SIP as a plain RTP/AVP offer.
struct SipOffer {
  sdp::SessionDescription caller_offer;
  std::string avp_offer_sdp;         // the INVITE's body
};
Result<SipOffer> offer_to_sip(std::string_view browser_offer, const sdp::SipSideParams& plain);

struct SipBridge {
  NegotiatedLeg browser;             // browser.local_sdp: its answer (outgoing calls)
  SipMedia sip;
  std::string sip_answer_sdp;        // incoming calls: the 200 OK's body
};
// From the SIP answer (a 183 or the 200) to offer_to_sip's offer.
Result<SipBridge> complete_to_sip(const SipOffer& offer, std::string_view sip_answer, const LocalMedia& caller_side);

// A SIP INVITE's offer, carried to a browser agent as a JSEP offer.
struct SipIncomingOffer {
  sdp::SessionDescription sip_offer;
  std::string browser_offer_sdp;     // for the incoming-call event
};
Result<SipIncomingOffer> offer_from_sip(std::string_view sip_offer, const LocalMedia& agent_side);
// From the browser's answer: the browser leg, the RTP leg, and the SIP answer.
Result<SipBridge> complete_from_sip(const SipIncomingOffer& offer, std::string_view browser_answer,
                                    const sdp::AvpParams& plain);

// The SIP side's media from any later SDP of theirs (a re-INVITE or UPDATE),
// keeping the payload map of the call.
Result<SipMedia> sip_media_of(std::string_view remote_sdp, const sdp::PayloadMap& pt_map);

}  // namespace gw::gateway
