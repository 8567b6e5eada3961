// JSEP answer (RFC 8829 §5.3) to a browser's offer for a gateway endpoint
// that carries one audio stream: ICE (RFC 8839), DTLS role (RFC 8842),
// rtcp-mux (RFC 5761), BUNDLE of the accepted mid (RFC 8843), codecs chosen
// from a preference list with the offer's payload types kept. Every other
// section is rejected with port 0 and keeps its mid.
// Thread: any (pure functions).
//
// Usage (ice-session + srtp-rtp-bridge echo, issue 4):
//   gw::sdp::WebrtcAnswerParams p;
//   p.ice_ufrag = "abcd"; p.ice_pwd = "...22+ chars..."; p.candidates = {...};
//   p.fingerprint = *gw::sdp::parse_fingerprint("sha-256 AB:...");
//   auto answer = gw::sdp::answer_webrtc_audio(*offer, p);   // Result<SessionDescription>
//   std::string text = gw::sdp::serialize(*answer);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sdp/candidate.hpp"
#include "sdp/codec.hpp"
#include "sdp/media_attributes.hpp"
#include "sdp/security_attributes.hpp"
#include "sdp/session_description.hpp"
#include "util/result.hpp"

namespace gw::sdp {

// Default preferences: opus/48000/2, PCMU, PCMA, G722, telephone-event.
std::vector<Codec> default_webrtc_audio_codecs();

struct WebrtcAnswerParams {
  // ICE (RFC 8839 §5.4): ufrag 4..256 chars, pwd 22..256 chars.
  std::string ice_ufrag;
  std::string ice_pwd;
  std::vector<Candidate> candidates;  // may be empty when trickling
  bool ice_lite = false;               // a=ice-lite at session level
  bool trickle = false;                // a=ice-options:trickle
  bool end_of_candidates = true;       // a=end-of-candidates after the candidates
  // DTLS (RFC 8842): our certificate fingerprint and the role we take to an
  // actpass offer (active or passive; an active/passive offer fixes it).
  Fingerprint fingerprint;
  Setup setup = Setup::passive;
  // c= and m= port; default: the first candidate's, else 0.0.0.0 and 9.
  std::optional<std::string> address;
  std::optional<std::uint16_t> port;
  std::vector<Codec> codecs = default_webrtc_audio_codecs();  // PTs ignored
  bool single_codec = false;
  // Answer exactly `codecs` (each must be in the offer, same PT), no selection:
  // used by translation, where the SIP answer already chose.
  bool exact_codecs = false;
  Direction direction = Direction::sendrecv;  // our wish; the answer follows RFC 3264 §6.1
  // Our media stream (RFC 8830 msid, RFC 5576 ssrc/cname), written when ssrc != 0.
  std::uint32_t ssrc = 0;
  std::string cname = "webrtc-gw";
  std::string msid_stream = "webrtc-gw";
  std::string msid_track = "audio0";
  std::string session_id = "0";
  std::uint64_t session_version = 2;
  // RTP header extensions (RFC 8285): an answer accepts each offered extmap
  // whose URI is listed here, with the offer's id (§6); an offer
  // (webrtc_offer_from_avp) carries these as they are.
  std::vector<Extmap> extmaps;
};

// Errors: "sdp.not-webrtc" (no ICE credentials, fingerprint or setup on the
// audio section, or setup:holdconn), "sdp.no-audio", "sdp.no-common-codec".
Result<SessionDescription> answer_webrtc_audio(const SessionDescription& offer,
                                               const WebrtcAnswerParams& p);

// The DTLS role to answer to an offered setup (RFC 8842 §5.2); nullopt for holdconn.
std::optional<Setup> answer_setup(Setup offered, Setup preferred);

}  // namespace gw::sdp
