// Helpers for the gateway's SIP-mode tests: our side of a browser leg, SDP
// parsing with a view, text replacement in captured SDP, and SIP answers as
// a SIP server or phone would write them.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "../sdp/sdp_test_util.hpp"
#include "gateway/call_sdp.hpp"
#include "sdp/media_view.hpp"
#include "sdp/webrtc_answer.hpp"

namespace gw::gateway::testing {

using sdp::testing::kChromeAudio;
using sdp::testing::kChromeAudioVideo;
using sdp::testing::kSippOffer;
using sdp::testing::read_data;

// baresip 1.0.0 (Debian) dialling a UDP listener on loopback: PCMU, PCMA,
// G722, opus/96, telephone-event/101; session-level c= on the host's address.
inline constexpr const char* kBaresipOffer = "baresip1.0-offer.sdp";

inline LocalMedia local_media(std::string ufrag = "GwUf1234", std::string pwd = "GatewayPassword0123456789") {
  LocalMedia m;
  m.ice = {std::move(ufrag), std::move(pwd)};
  sdp::Candidate c;
  c.foundation = "1";
  c.priority = 2130706431;
  c.address = "203.0.113.20";
  c.port = 40000;
  m.candidates.push_back(c);
  m.fingerprint.algorithm = "sha-256";
  for (int i = 0; i < 32; ++i) m.fingerprint.digest.push_back(static_cast<std::uint8_t>(i * 7));
  return m;
}

struct Parsed {
  sdp::SessionDescription sd;
  sdp::SessionView view;
  const sdp::MediaView* audio = nullptr;
};

inline Parsed parse_sdp(const std::string& text) {
  Parsed p;
  auto sd = sdp::parse(text);
  EXPECT_TRUE(sd.ok()) << (sd ? "" : sd.error().message) << "\n" << text;
  if (!sd) return p;
  p.sd = *sd;
  auto v = sdp::make_view(p.sd);
  EXPECT_TRUE(v.ok());
  if (!v) return p;
  p.view = *v;
  p.audio = p.view.first_active("audio");
  EXPECT_NE(p.audio, nullptr) << text;
  return p;
}

inline std::string replace(std::string s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

inline std::vector<std::string> formats(const Parsed& p) {
  return p.audio == nullptr ? std::vector<std::string>{} : p.sd.media[p.audio->index].formats;
}

// A SIP answer to offer_to_sip's offer that picks PCMU and numbers
// telephone-event 101 (as PBXes do whatever the offer said), from `ip:port`.
// `extra` lines go at the end of the audio section.
inline std::string sip_answer_pcmu_101(const std::string& ip = "10.0.0.20", std::uint16_t port = 6000,
                                       const std::string& extra = "") {
  return "v=0\r\no=pbx 8000 8001 IN IP4 " + ip + "\r\ns=-\r\nc=IN IP4 " + ip +
         "\r\nt=0 0\r\n"
         "m=audio " +
         std::to_string(port) +
         " RTP/AVP 0 101\r\n"
         "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
         "a=ptime:20\r\na=sendrecv\r\n" +
         extra;
}

// What a browser answers to a JSEP offer of the gateway (full ICE, DTLS
// `setup`), with one codec of its choice plus telephone-event.
inline std::string browser_answer_to(const std::string& offer, const std::string& codecs, sdp::Setup setup) {
  auto sd = sdp::parse(offer);
  EXPECT_TRUE(sd.ok());
  if (!sd) return {};
  sdp::WebrtcAnswerParams p;
  p.ice_ufrag = "AgNt";
  p.ice_pwd = "agentpasswordagentpassword";
  sdp::Candidate c;
  c.foundation = "9";
  c.priority = 2122260223;
  c.address = "198.51.100.50";
  c.port = 55000;
  p.candidates = {c};
  p.fingerprint = {"sha-256", Bytes(32, 0xAB)};
  p.setup = setup;
  p.codecs = *sdp::parse_codec_list(codecs);
  p.single_codec = true;
  auto answer = sdp::answer_webrtc_audio(*sd, p);
  EXPECT_TRUE(answer.ok()) << (answer ? "" : answer.error().message);
  return answer ? sdp::serialize(*answer) : std::string{};
}

}  // namespace gw::gateway::testing
