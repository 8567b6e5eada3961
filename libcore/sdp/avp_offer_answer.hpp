// Plain RTP/AVP offer/answer (RFC 3264) for a SIP user agent: make an offer,
// answer an offer (codecs intersected, the offerer's payload types kept,
// direction per RFC 3264 §6.1), read the negotiated media of the remote SDP
// (address, RTP/RTCP ports per RFC 3605, codecs, telephone-event PT,
// direction), and hold/resume re-offers (RFC 3264 §8.4).
// Thread: any (pure functions).
//
// Usage (sip-leg):
//   auto codecs = gw::sdp::parse_codec_list("PCMU,PCMA,telephone-event/8000");
//   gw::sdp::AvpOfferParams p{.address = "192.0.2.10", .port = 40000, .codecs = *codecs};
//   std::string body = gw::sdp::serialize(gw::sdp::make_avp_offer(p));
//   ... 200 OK arrives ...
//   auto remote = gw::sdp::parse(answer_body);
//   auto media = gw::sdp::negotiated_audio(*remote);  // media->address, ->port, ->codecs
//   // incoming INVITE:
//   auto answer = gw::sdp::answer_avp_offer(*offer, {.address=..., .port=..., .codecs=*codecs});
//   if (!answer && answer.error().code == "sdp.no-common-codec") reply 488;
//   // hold: serialize(gw::sdp::hold_offer(last_local_sdp))
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sdp/codec.hpp"
#include "sdp/media_attributes.hpp"
#include "sdp/session_description.hpp"
#include "util/result.hpp"

namespace gw::sdp {

// What make_avp_offer and answer_avp_offer need to describe our side.
struct AvpParams {
  std::string address;  // our RTP address for c= and o= (IPv4 or IPv6 literal)
  std::uint16_t port = 0;
  std::vector<Codec> codecs;  // offer: what we offer; answer: our preference order
  Direction direction = Direction::sendrecv;
  std::optional<std::uint32_t> ptime;
  std::optional<std::uint16_t> rtcp_port;  // written as a=rtcp when set (RFC 3605)
  std::string session_id = "0";            // o= sess-id (caller picks it, e.g. random)
  std::uint64_t session_version = 0;
  std::string username = "-";
  bool single_codec = false;  // answers only: one media codec (+ telephone-event/CN)
};
using AvpOfferParams = AvpParams;
using AvpAnswerParams = AvpParams;

// A one-audio-section RTP/AVP offer.
SessionDescription make_avp_offer(const AvpOfferParams& p);

// Answers the first audio RTP/AVP section and rejects the others (port 0).
// Errors: "sdp.no-audio" (nothing to accept) and "sdp.no-common-codec" —
// both map to SIP 488 Not Acceptable Here.
Result<SessionDescription> answer_avp_offer(const SessionDescription& offer,
                                            const AvpAnswerParams& p);

// RFC 3264 §6.1: the direction to answer to `offered`, given what we want.
Direction answer_direction(Direction offered, Direction local);

// The audio stream described by the remote side's SDP (offer or answer).
struct NegotiatedMedia {
  std::size_t media_index = 0;
  std::string address;  // remote RTP address
  std::uint16_t port = 0;
  std::string rtcp_address;  // a=rtcp address, else the RTP address
  std::uint16_t rtcp_port = 0;  // a=rtcp port, else port + 1 (RFC 3605 §2.1)
  bool rtcp_mux = false;
  std::vector<Codec> codecs;  // in the remote's order
  std::optional<Codec> telephone_event;  // at the primary codec's clock if possible
  Direction direction = Direction::sendrecv;  // as written by the remote
  bool remote_hold = false;  // sendonly/inactive, or c=0.0.0.0 (RFC 2543 style)
  std::optional<std::uint32_t> ptime;

  // First codec that is not telephone-event, CN or RED/RTX/FEC.
  [[nodiscard]] const Codec* primary() const;
};
Result<NegotiatedMedia> negotiated_audio(const SessionDescription& remote);

// Hold re-offer from our last SDP (RFC 3264 §8.4): sendrecv -> sendonly,
// recvonly -> inactive; the o= version is incremented.
SessionDescription hold_offer(const SessionDescription& last_local);
// Resume: offers our full intent again (sendrecv unless told otherwise) and
// lets the answer restrict it (RFC 3264 §6.1); version incremented.
SessionDescription resume_offer(const SessionDescription& last_local,
                                Direction intent = Direction::sendrecv);
// Same SDP with every RTP section's direction set to d; version incremented.
SessionDescription with_direction(const SessionDescription& last_local, Direction d);

}  // namespace gw::sdp
