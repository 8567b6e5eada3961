// WebRTC <-> RTP/AVP translation for a gateway call (issue 7): a browser's
// offer becomes a plain RTP/AVP offer towards SIP (same codecs and payload
// types, telephone-event kept, no ICE/DTLS/BUNDLE/rtcp-mux, our private RTP
// address); the SIP answer becomes the plan for the browser answer (codecs
// with the browser's PTs, direction, PT mapping table, SIP RTP/RTCP address).
// Thread: any (pure functions).
//
// Usage:
//   auto sip_offer = gw::sdp::avp_offer_from_webrtc(*browser_offer, {.address = "10.0.0.5", .port = 30000});
//   ... SIP 200 OK with sip_answer ...
//   auto plan = gw::sdp::plan_browser_answer(*browser_offer, *sip_answer);
//   // plan->sip.address/port: where to send RTP; plan->pt_map: rewrite if !identity()
//   auto answer = gw::sdp::webrtc_answer_from_plan(*browser_offer, *plan, ice_dtls_params);
// The other way (a SIP call to a browser, offer from SIP):
//   auto browser_offer = gw::sdp::webrtc_offer_from_avp(*sip_offer, ice_dtls_params);
//   ... browser answers ...
//   auto sip_answer = gw::sdp::avp_answer_from_webrtc(*sip_offer, *browser_answer, avp_params);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sdp/avp_offer_answer.hpp"
#include "sdp/codec.hpp"
#include "sdp/session_description.hpp"
#include "sdp/webrtc_answer.hpp"
#include "util/result.hpp"

namespace gw::sdp {

struct SipSideParams {
  std::string address;  // the gateway's private RTP address (c=, o=)
  std::uint16_t port = 0;
  // Formats allowed towards SIP (PTs ignored); empty: every browser audio
  // codec except RED/RTX/FEC, which plain SIP peers cannot use.
  std::vector<Codec> allowed;
  std::optional<std::uint32_t> ptime;
  std::string session_id = "0";
  std::uint64_t session_version = 0;
  std::string username = "-";
};

// The RTP/AVP offer for the SIP side from the browser's first audio section.
// Errors: "sdp.no-audio", "sdp.no-common-codec", and the view's parse errors.
Result<SessionDescription> avp_offer_from_webrtc(const SessionDescription& browser_offer,
                                                 const SipSideParams& p);

// One payload format with its number on each side.
struct PtMapping {
  std::uint8_t browser_pt = 0;
  std::uint8_t sip_pt = 0;
  Codec codec;  // as the browser described it
};

struct PayloadMap {
  std::vector<PtMapping> entries;
  [[nodiscard]] std::optional<std::uint8_t> to_sip(std::uint8_t browser_pt) const;
  [[nodiscard]] std::optional<std::uint8_t> to_browser(std::uint8_t sip_pt) const;
  [[nodiscard]] bool identity() const;  // true when no rewriting is needed
};

// Matches two codec lists by format: a's PTs -> b's PTs.
PayloadMap map_payload_types(const std::vector<Codec>& browser, const std::vector<Codec>& sip);

struct BrowserAnswerPlan {
  std::vector<Codec> codecs;  // browser PTs, in the SIP answer's order
  Direction direction = Direction::sendrecv;  // the SIP answerer's direction
  PayloadMap pt_map;
  NegotiatedMedia sip;  // SIP side RTP/RTCP address, codecs, telephone-event
};

// From the browser offer and the SIP answer (to avp_offer_from_webrtc's offer).
// Errors: "sdp.no-audio", "sdp.no-common-codec".
Result<BrowserAnswerPlan> plan_browser_answer(const SessionDescription& browser_offer,
                                              const SessionDescription& sip_answer);

// answer_webrtc_audio with the plan's codecs and direction (ICE/DTLS from p).
Result<SessionDescription> webrtc_answer_from_plan(const SessionDescription& browser_offer,
                                                   const BrowserAnswerPlan& plan,
                                                   WebrtcAnswerParams p);

// A JSEP offer (RFC 8829 §5.2) to a browser carrying the SIP offer's audio
// codecs with their PTs: ICE/DTLS from p (setup actpass, RFC 8842 §5.1),
// mid "0" in a BUNDLE group, rtcp-mux, the SIP offer's direction.
// p.codecs/p.setup are not used. Errors: "sdp.no-audio", "sdp.bad-params".
Result<SessionDescription> webrtc_offer_from_avp(const SessionDescription& sip_offer,
                                                 const WebrtcAnswerParams& p);

// The RTP/AVP answer to the SIP offer from the browser's answer to
// webrtc_offer_from_avp's offer: the browser's codecs and direction, our
// private address from p (p.codecs/p.direction are replaced).
Result<SessionDescription> avp_answer_from_webrtc(const SessionDescription& sip_offer,
                                                  const SessionDescription& browser_answer,
                                                  AvpParams p);

}  // namespace gw::sdp
