// The gateway's browser-leg SDP on captured Chromium offers (tests/data/sdp):
// built-in answers, the offer to an agent and the bridge of both answers.
#include <gtest/gtest.h>

#include <algorithm>

#include "../sdp/sdp_test_util.hpp"
#include "gateway/call_sdp.hpp"
#include "sdp/media_view.hpp"
#include "sdp/webrtc_answer.hpp"

namespace gw::gateway {
namespace {

using sdp::testing::kChromeAudio;
using sdp::testing::kChromeAudioVideo;
using sdp::testing::kSippOffer;
using sdp::testing::read_data;

LocalMedia local(std::string ufrag = "GwUf1234", std::string pwd = "GatewayPassword0123456789") {
  LocalMedia m;
  m.ice = {std::move(ufrag), std::move(pwd)};
  sdp::Candidate c;
  c.foundation = "1";
  c.priority = 2130706431;
  c.address = "127.0.0.1";
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

Parsed parse(const std::string& text) {
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
  EXPECT_NE(p.audio, nullptr);
  return p;
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

std::vector<std::string> names(const sdp::MediaView& m) {
  std::vector<std::string> out;
  for (const auto& c : m.codecs) out.push_back(c.encoding());
  return out;
}

bool has_codec(const sdp::MediaView& m, std::string_view name) {
  return std::any_of(m.codecs.begin(), m.codecs.end(), [&](const sdp::Codec& c) { return c.name == name; });
}

void expect_our_ice_dtls(const Parsed& a, const LocalMedia& l) {
  ASSERT_NE(a.audio, nullptr);
  EXPECT_TRUE(a.view.ice_lite) << "a=ice-lite";
  EXPECT_EQ(a.audio->ice_ufrag, l.ice.ufrag);
  EXPECT_EQ(a.audio->ice_pwd, l.ice.pwd);
  ASSERT_EQ(a.audio->candidates.size(), 1u);
  EXPECT_EQ(a.audio->candidates[0].address, "127.0.0.1");
  EXPECT_EQ(a.audio->candidates[0].port, 40000);
  ASSERT_TRUE(a.audio->fingerprint.has_value());
  EXPECT_EQ(a.audio->fingerprint->algorithm, "sha-256");
  EXPECT_EQ(a.audio->fingerprint->bytes, l.fingerprint.digest);
  EXPECT_TRUE(a.audio->rtcp_mux);
}

TEST(CallSdp, MakeLocalIceIsRandomIceChars) {
  auto a = make_local_ice(), b = make_local_ice();
  EXPECT_EQ(a.ufrag.size(), 8u);
  EXPECT_EQ(a.pwd.size(), 24u);
  EXPECT_NE(a.ufrag, b.ufrag);
  EXPECT_NE(a.pwd, b.pwd);
  for (char c : a.ufrag + a.pwd)
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/');
}

TEST(CallSdp, EchoAnswerToChromium) {
  auto l = local();
  auto leg = answer_builtin(read_data(kChromeAudio), Target::Kind::echo, l);
  ASSERT_TRUE(leg.ok()) << leg.error().message;
  auto a = parse(leg->local_sdp);
  expect_our_ice_dtls(a, l);
  EXPECT_EQ(a.audio->setup, sdp::Setup::passive);
  EXPECT_TRUE(a.audio->end_of_candidates);
  EXPECT_EQ(leg->codec, "opus/48000/2");
  EXPECT_EQ(leg->pt, 111);
  EXPECT_EQ(leg->clock_rate, 48000u);
  ASSERT_FALSE(a.audio->codecs.empty());
  EXPECT_EQ(a.audio->codecs[0].encoding(), "opus/48000/2");
  EXPECT_EQ(a.audio->codecs[0].pt, 111);
  EXPECT_FALSE(has_codec(*a.audio, "PCMU")) << "single codec";
  // Our side: the offer was actpass, we answered passive.
  EXPECT_EQ(leg->dtls_role, dtls::Role::passive);
  EXPECT_EQ(leg->remote_ufrag, "vm/D");
  EXPECT_EQ(leg->remote_fingerprint.algorithm, "sha-256");
  EXPECT_EQ(leg->remote_fingerprint.hex().substr(0, 8), "70:7A:9A");
  // Every telephone-event of the answer is listed, with its PT and clock.
  for (const auto& c : a.audio->codecs) {
    if (!c.is_telephone_event()) continue;
    EXPECT_NE(std::find(leg->telephone_events.begin(), leg->telephone_events.end(),
                        TelephoneEventFormat{c.pt, c.clock}),
              leg->telephone_events.end())
        << c.encoding();
  }
  EXPECT_FALSE(leg->telephone_events.empty());
}

// Full-ICE mode (RFC 8445 full agent, RFC 8838 trickle): no a=ice-lite, our
// host candidates without end-of-candidates, and the browser's ICE
// parameters handed to the leg's agent.
TEST(CallSdp, FullIceAnswerTricklesAndCarriesTheBrowsersIce) {
  auto l = local();
  l.ice_lite = false;
  auto leg = answer_builtin(read_data(kChromeAudio), Target::Kind::echo, l);
  ASSERT_TRUE(leg.ok()) << leg.error().message;
  auto a = parse(leg->local_sdp);
  EXPECT_FALSE(a.view.ice_lite);
  EXPECT_FALSE(a.audio->end_of_candidates);
  EXPECT_NE(std::find(a.audio->ice_options.begin(), a.audio->ice_options.end(), "trickle"), a.audio->ice_options.end());
  ASSERT_EQ(a.audio->candidates.size(), 1u);
  auto offer = parse(read_data(kChromeAudio));
  EXPECT_EQ(leg->remote_ufrag, offer.audio->ice_ufrag);
  EXPECT_EQ(leg->remote_pwd, offer.audio->ice_pwd);
  EXPECT_EQ(leg->remote_candidates, offer.audio->candidates);
  // Chromium offers trickle: more candidates may follow.
  EXPECT_EQ(leg->remote_end_of_candidates, offer.audio->end_of_candidates);
}

TEST(CallSdp, EchoAnswerRejectsVideoKeepsMid) {
  auto leg = answer_builtin(read_data(kChromeAudioVideo), Target::Kind::echo, local());
  ASSERT_TRUE(leg.ok()) << leg.error().message;
  auto a = parse(leg->local_sdp);
  ASSERT_EQ(a.view.media.size(), 2u);
  EXPECT_EQ(a.view.media[1].media, "video");
  EXPECT_TRUE(a.view.media[1].rejected());
  EXPECT_EQ(a.view.media[1].mid, "1");
  EXPECT_EQ(a.view.bundle(), std::vector<std::string>{"0"});
}

TEST(CallSdp, DtlsRoleFollowsTheOfferedSetup) {
  std::string offer = read_data(kChromeAudio);
  auto passive =
      answer_builtin(replace(offer, "a=setup:actpass", "a=setup:passive"), Target::Kind::echo, local());
  ASSERT_TRUE(passive.ok()) << passive.error().message;
  EXPECT_EQ(passive->dtls_role, dtls::Role::active);
  EXPECT_EQ(parse(passive->local_sdp).audio->setup, sdp::Setup::active);
  auto active =
      answer_builtin(replace(offer, "a=setup:actpass", "a=setup:active"), Target::Kind::echo, local());
  ASSERT_TRUE(active.ok()) << active.error().message;
  EXPECT_EQ(active->dtls_role, dtls::Role::passive);
  EXPECT_EQ(parse(active->local_sdp).audio->setup, sdp::Setup::passive);
}

TEST(CallSdp, ToneAnswerIsG711Only) {
  auto l = local();
  auto leg = answer_builtin(read_data(kChromeAudio), Target::Kind::tone, l);
  ASSERT_TRUE(leg.ok()) << leg.error().message;
  auto a = parse(leg->local_sdp);
  expect_our_ice_dtls(a, l);
  EXPECT_EQ(leg->codec, "PCMU/8000");
  EXPECT_EQ(leg->pt, 0);
  EXPECT_EQ(leg->clock_rate, 8000u);
  for (const auto& c : a.audio->codecs) {
    EXPECT_TRUE(c.name == "PCMU" || c.name == "PCMA" || c.is_telephone_event() || c.is_comfort_noise())
        << c.encoding();
    if (c.is_telephone_event()) {
      EXPECT_EQ(c.clock, 8000u) << "G.711 runs at 8 kHz";
    }
  }
  // PCMA when the browser offers no PCMU.
  std::string no_pcmu = replace(read_data(kChromeAudio), "111 63 9 0 8 13 110 126", "111 63 9 8 13 110 126");
  no_pcmu = replace(no_pcmu, "a=rtpmap:0 PCMU/8000\r\n", "");
  leg = answer_builtin(no_pcmu, Target::Kind::tone, l);
  ASSERT_TRUE(leg.ok()) << leg.error().message;
  EXPECT_EQ(leg->codec, "PCMA/8000");
  EXPECT_EQ(leg->pt, 8);
  // No G.711 at all: refused.
  std::string opus_only = replace(read_data(kChromeAudio), "111 63 9 0 8 13 110 126", "111 110");
  leg = answer_builtin(opus_only, Target::Kind::tone, l);
  ASSERT_FALSE(leg.ok());
  EXPECT_EQ(leg.error().code, "bad-sdp");
  // ... which echo accepts.
  EXPECT_TRUE(answer_builtin(opus_only, Target::Kind::echo, l).ok());
}

TEST(CallSdp, NonWebrtcOffersAreBadSdp) {
  for (const auto& [what, text] : std::vector<std::pair<std::string, std::string>>{
           {"sipp", read_data(kSippOffer)},
           {"garbage", "hello"},
           {"empty", ""},
           {"no ice", replace(read_data(kChromeAudio), "a=ice-pwd:NId3q1tTCyHk9nxZ24sAkndz\r\n", "")},
           {"no fingerprint", replace(read_data(kChromeAudio),
                                      "a=fingerprint:sha-256 "
                                      "70:7A:9A:C1:90:0E:45:05:C4:83:F6:D5:F8:CA:35:76:49:F8:48:5B:61:E5:BC:"
                                      "31:22:3F:DF:D9:77:A7:42:54\r\n",
                                      "")},
           {"video only", replace(read_data(kChromeAudio), "m=audio 53787", "m=video 53787")},
       }) {
    auto leg = answer_builtin(text, Target::Kind::echo, local());
    ASSERT_FALSE(leg.ok()) << what;
    EXPECT_EQ(leg.error().code, "bad-sdp") << what;
    EXPECT_FALSE(leg.error().message.empty()) << what;
    auto offer = offer_to_agent(text, local());
    ASSERT_FALSE(offer.ok()) << what;
    EXPECT_EQ(offer.error().code, "bad-sdp") << what;
  }
}

// What a browser answers to the gateway's offer (JSEP answerer, full ICE,
// DTLS active), with its own codec preference.
std::string browser_answer(const std::string& offer, const std::string& codecs, sdp::Setup setup) {
  auto sd = sdp::parse(offer);
  EXPECT_TRUE(sd.ok());
  sdp::WebrtcAnswerParams p;
  p.ice_ufrag = "AgNt";
  p.ice_pwd = "agentpasswordagentpassword";
  sdp::Candidate c;
  c.foundation = "9";
  c.priority = 2122260223;
  c.address = "192.0.2.50";
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

TEST(CallSdp, OfferToAgentKeepsCallerPayloadTypes) {
  auto agent_side = local("AgentSd1", "AgentSidePassword012345678");
  auto offer = offer_to_agent(read_data(kChromeAudio), agent_side);
  ASSERT_TRUE(offer.ok()) << offer.error().message;
  auto o = parse(offer->offer_sdp);
  expect_our_ice_dtls(o, agent_side);
  EXPECT_EQ(o.audio->setup, sdp::Setup::actpass) << "RFC 8842 §5.1: an offer is actpass";
  EXPECT_TRUE(o.audio->is_dtls());
  auto caller = parse(read_data(kChromeAudio));
  ASSERT_FALSE(o.audio->codecs.empty());
  EXPECT_EQ(o.audio->codecs[0].encoding(), "opus/48000/2");
  EXPECT_EQ(o.audio->codecs[0].pt, 111);
  for (const auto& c : o.audio->codecs) {
    const auto* same = caller.audio->codec(c.pt);
    ASSERT_NE(same, nullptr) << "PT " << int(c.pt) << " is not the caller's";
    EXPECT_TRUE(same->same_format(c)) << c.encoding() << " vs " << same->encoding();
  }
  for (std::string_view n : {"opus", "PCMU", "PCMA"}) EXPECT_TRUE(has_codec(*o.audio, n)) << n;
  EXPECT_NE(o.sd.media.size(), 0u);
}

bool has_audio_level(const sdp::MediaView& m, std::uint16_t id) {
  return std::any_of(m.extmaps.begin(), m.extmaps.end(), [&](const sdp::Extmap& e) {
    return e.id == id && e.uri == "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
  });
}

// RFC 6464 through RFC 8285: Chromium offers the audio level as extmap 1;
// the echo answer accepts it with that id, no other extension; the offer to
// an agent carries it with the caller's id.
TEST(CallSdp, AudioLevelExtensionIsNegotiated) {
  auto leg = answer_builtin(read_data(kChromeAudio), Target::Kind::echo, local());
  ASSERT_TRUE(leg.ok()) << leg.error().message;
  auto a = parse(leg->local_sdp);
  EXPECT_TRUE(has_audio_level(*a.audio, 1));
  EXPECT_EQ(a.audio->extmaps.size(), 1U);
  EXPECT_EQ(leg->audio_level_ext, 1);
  auto offer = offer_to_agent(read_data(kChromeAudio), local("AgentSd1", "AgentSidePassword012345678"));
  ASSERT_TRUE(offer.ok()) << offer.error().message;
  auto o = parse(offer->offer_sdp);
  EXPECT_TRUE(has_audio_level(*o.audio, 1));
  EXPECT_EQ(o.audio->extmaps.size(), 1U);
}

TEST(CallSdp, BridgeUsesTheAgentsChoice) {
  auto agent_side = local("AgentSd1", "AgentSidePassword012345678");
  auto caller_side = local("CallrSd1", "CallerSidePassword01234567");
  auto offer = offer_to_agent(read_data(kChromeAudio), agent_side);
  ASSERT_TRUE(offer.ok()) << offer.error().message;
  std::string answer = browser_answer(offer->offer_sdp, "PCMA/8000,telephone-event/8000", sdp::Setup::active);
  ASSERT_FALSE(answer.empty());
  auto legs = complete_bridge(*offer, answer, caller_side);
  ASSERT_TRUE(legs.ok()) << legs.error().message;

  EXPECT_EQ(legs->agent.codec, "PCMA/8000");
  EXPECT_EQ(legs->agent.pt, 8);
  EXPECT_EQ(legs->caller.codec, "PCMA/8000");
  EXPECT_EQ(legs->caller.pt, 8);
  EXPECT_TRUE(legs->agent.local_sdp.empty());
  // The agent answered active: the agent leg is passive; the caller offered actpass: passive.
  EXPECT_EQ(legs->agent.dtls_role, dtls::Role::passive);
  EXPECT_EQ(legs->caller.dtls_role, dtls::Role::passive);
  EXPECT_EQ(legs->agent.remote_ufrag, "AgNt");
  EXPECT_EQ(legs->agent.remote_fingerprint.digest, Bytes(32, 0xAB));
  EXPECT_EQ(legs->caller.remote_ufrag, "vm/D");

  auto c = parse(legs->caller.local_sdp);
  expect_our_ice_dtls(c, caller_side);
  EXPECT_EQ(c.audio->setup, sdp::Setup::passive);
  for (const auto& codec : c.audio->codecs) {
    EXPECT_TRUE(codec.name == "PCMA" || codec.is_telephone_event() || codec.is_comfort_noise())
        << codec.encoding() << " in the caller's answer; the agent chose PCMA";
  }
  EXPECT_EQ(c.audio->codecs.at(0).pt, 8);
  EXPECT_TRUE(std::any_of(legs->agent.telephone_events.begin(), legs->agent.telephone_events.end(),
                          [](const TelephoneEventFormat& t) { return t.pt == 126 && t.clock_rate == 8000; }));
}

TEST(CallSdp, BridgeOpusBothWaysAndAgentPassive) {
  auto offer = offer_to_agent(read_data(kChromeAudio), local());
  ASSERT_TRUE(offer.ok()) << offer.error().message;
  std::string answer =
      browser_answer(offer->offer_sdp, "opus/48000/2,telephone-event/48000", sdp::Setup::passive);
  auto legs = complete_bridge(*offer, answer, local());
  ASSERT_TRUE(legs.ok()) << legs.error().message;
  EXPECT_EQ(legs->caller.codec, "opus/48000/2");
  EXPECT_EQ(legs->agent.codec, "opus/48000/2");
  EXPECT_EQ(legs->caller.pt, legs->agent.pt);
  EXPECT_EQ(legs->agent.dtls_role, dtls::Role::active) << "the agent answered passive: we connect";
  EXPECT_EQ(names(*parse(legs->caller.local_sdp).audio).at(0), "opus/48000/2");
}

TEST(CallSdp, BridgeRefusesBadAgentAnswers) {
  auto offer = offer_to_agent(read_data(kChromeAudio), local());
  ASSERT_TRUE(offer.ok()) << offer.error().message;
  for (const std::string& bad : {std::string("v=0\r\n"), std::string("nonsense"), read_data(kSippOffer)}) {
    auto legs = complete_bridge(*offer, bad, local());
    ASSERT_FALSE(legs.ok());
    EXPECT_EQ(legs.error().code, "bad-sdp");
  }
}

}  // namespace
}  // namespace gw::gateway
