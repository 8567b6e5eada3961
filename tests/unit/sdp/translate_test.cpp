#include "sdp/translate.hpp"

#include <gtest/gtest.h>

#include "sdp/media_view.hpp"
#include "sdp_test_util.hpp"

namespace gw::sdp {
namespace {

using testing::kChromeAudio;
using testing::kChromeAudioVideo;
using testing::parse_file;

SipSideParams private_side() {
  SipSideParams p;
  p.address = "10.0.0.5";
  p.port = 30000;
  return p;
}

WebrtcAnswerParams ice_dtls() {
  WebrtcAnswerParams p;
  p.ice_ufrag = "gw01";
  p.ice_pwd = "abcdefghijklmnopqrstuvwx";
  p.candidates = {*parse_candidate("1 1 udp 2130706431 203.0.113.20 40000 typ host")};
  p.fingerprint = *parse_fingerprint("sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF");
  return p;
}

TEST(SdpTranslate, BrowserOfferToAvpOffer) {
  auto offer = avp_offer_from_webrtc(parse_file(kChromeAudioVideo), private_side());
  ASSERT_TRUE(offer.ok()) << offer.error().message;
  std::string text = serialize(*offer);
  for (const char* gone : {"ice-", "candidate", "fingerprint", "setup", "BUNDLE", "rtcp-mux", "mid",
                           "extmap", "ssrc", "msid", "rtcp-fb", "SAVPF", "m=video", "red/", "198.51.100.7"})
    EXPECT_EQ(text.find(gone), std::string::npos) << gone << " in\n" << text;
  ASSERT_EQ(offer->media.size(), 1u);
  const MediaDescription& m = offer->media[0];
  EXPECT_EQ(m.proto, "RTP/AVP");
  EXPECT_EQ(m.port, 30000);
  EXPECT_EQ(offer->connection->address, "10.0.0.5");
  // Same PTs as the browser, RED left out.
  EXPECT_EQ(m.formats, (std::vector<std::string>{"111", "9", "0", "8", "13", "110", "126"}));
  auto v = make_view(*offer);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->media[0].codec(111)->fmtp, "minptime=10;useinbandfec=1");
  EXPECT_EQ(v->media[0].direction, Direction::sendrecv);
}

TEST(SdpTranslate, AllowedCodecsRestrictTheSipOffer) {
  SipSideParams p = private_side();
  p.allowed = *parse_codec_list("PCMA,PCMU,telephone-event");
  auto offer = avp_offer_from_webrtc(parse_file(kChromeAudio), p);
  ASSERT_TRUE(offer.ok());
  EXPECT_EQ(offer->media[0].formats, (std::vector<std::string>{"0", "8", "110", "126"}));
  p.allowed = *parse_codec_list("G729");
  auto none = avp_offer_from_webrtc(parse_file(kChromeAudio), p);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, "sdp.no-common-codec");
}

TEST(SdpTranslate, SipAnswerWithSamePtsGivesIdentityMap) {
  auto browser = parse_file(kChromeAudio);
  auto sip_offer = avp_offer_from_webrtc(browser, private_side());
  ASSERT_TRUE(sip_offer.ok());
  AvpParams agent;
  agent.address = "10.0.0.20";
  agent.port = 6000;
  agent.codecs = *parse_codec_list("PCMU,telephone-event");
  agent.single_codec = true;
  auto sip_answer = answer_avp_offer(*sip_offer, agent);
  ASSERT_TRUE(sip_answer.ok());
  auto plan = plan_browser_answer(browser, *sip_answer);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_TRUE(plan->pt_map.identity());
  EXPECT_EQ(plan->sip.address, "10.0.0.20");
  EXPECT_EQ(plan->sip.port, 6000);
  EXPECT_EQ(plan->sip.rtcp_port, 6001);
  EXPECT_EQ(plan->sip.telephone_event->pt, 126);
  ASSERT_EQ(plan->codecs.size(), 2u);
  EXPECT_EQ(plan->codecs[0].pt, 0);
  EXPECT_EQ(plan->codecs[1].pt, 126);

  auto answer = webrtc_answer_from_plan(browser, *plan, ice_dtls());
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(answer->media[0].formats, (std::vector<std::string>{"0", "126"}));
  EXPECT_TRUE(has_attribute(answer->media[0].attributes, "rtcp-mux"));
}

TEST(SdpTranslate, DifferentPayloadTypesAreMapped) {
  auto browser = parse_file(kChromeAudio);
  auto sip_answer = parse(
      "v=0\r\no=agent 1 1 IN IP4 10.0.0.20\r\ns=-\r\nc=IN IP4 10.0.0.20\r\nt=0 0\r\n"
      "m=audio 6000 RTP/AVP 96 101\r\na=rtpmap:96 opus/48000/2\r\na=rtpmap:101 telephone-event/48000\r\n"
      "a=sendonly\r\n");
  ASSERT_TRUE(sip_answer.ok());
  auto plan = plan_browser_answer(browser, *sip_answer);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_FALSE(plan->pt_map.identity());
  EXPECT_EQ(plan->pt_map.to_sip(111), 96);
  EXPECT_EQ(plan->pt_map.to_browser(96), 111);
  EXPECT_EQ(plan->pt_map.to_sip(110), 101);
  EXPECT_EQ(plan->pt_map.to_browser(101), 110);
  EXPECT_FALSE(plan->pt_map.to_sip(0).has_value());
  EXPECT_EQ(plan->direction, Direction::sendonly);  // the SIP side holds
  auto answer = webrtc_answer_from_plan(browser, *plan, ice_dtls());
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(answer->media[0].formats, (std::vector<std::string>{"111", "110"}));
  EXPECT_EQ(direction_of(answer->media[0].attributes), Direction::sendonly);
}

TEST(SdpTranslate, SipAnswerWithForeignCodecFails) {
  auto sip_answer = parse(
      "v=0\r\no=agent 1 1 IN IP4 10.0.0.20\r\ns=-\r\nc=IN IP4 10.0.0.20\r\nt=0 0\r\n"
      "m=audio 6000 RTP/AVP 18\r\n");
  auto plan = plan_browser_answer(parse_file(kChromeAudio), *sip_answer);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code, "sdp.no-common-codec");
  auto rejected = parse(
      "v=0\r\no=agent 1 1 IN IP4 10.0.0.20\r\ns=-\r\nc=IN IP4 10.0.0.20\r\nt=0 0\r\n"
      "m=audio 0 RTP/AVP 0\r\n");
  EXPECT_EQ(plan_browser_answer(parse_file(kChromeAudio), *rejected).error().code, "sdp.no-audio");
}

}  // namespace
}  // namespace gw::sdp

namespace gw::sdp {
namespace {

TEST(SdpTranslateReverse, SipOfferToBrowserOfferAndBack) {
  auto sip_offer = parse(
      "v=0\r\no=agent 1 1 IN IP4 10.0.0.20\r\ns=-\r\nc=IN IP4 10.0.0.20\r\nt=0 0\r\n"
      "m=audio 6000 RTP/AVP 8 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
      "a=ptime:20\r\na=sendrecv\r\n");
  ASSERT_TRUE(sip_offer.ok());
  WebrtcAnswerParams ice;
  ice.ice_ufrag = "gw01";
  ice.ice_pwd = "abcdefghijklmnopqrstuvwx";
  ice.candidates = {*parse_candidate("1 1 udp 2130706431 203.0.113.20 40000 typ host")};
  ice.fingerprint = *parse_fingerprint("sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF");
  ice.ice_lite = true;
  auto offer = webrtc_offer_from_avp(*sip_offer, ice);
  ASSERT_TRUE(offer.ok()) << offer.error().message;
  auto v = make_view(*parse(serialize(*offer)));
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_TRUE(v->ice_lite);
  EXPECT_EQ(v->bundle(), std::vector<std::string>{"0"});
  const MediaView& a = v->media[0];
  EXPECT_EQ(a.proto, "UDP/TLS/RTP/SAVPF");
  EXPECT_EQ(a.setup, Setup::actpass);
  EXPECT_TRUE(a.rtcp_mux);
  EXPECT_EQ(a.mid, "0");
  EXPECT_EQ(a.port, 40000);
  EXPECT_EQ(offer->media[0].formats, (std::vector<std::string>{"8", "0", "101"}));
  EXPECT_EQ(a.codec(101)->fmtp, "0-16");
  EXPECT_EQ(a.ptime, 20u);

  // A browser answering PCMA + telephone-event, recvonly.
  auto browser_answer = parse(
      "v=0\r\no=- 5 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
      "m=audio 9 UDP/TLS/RTP/SAVPF 8 101\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=recvonly\r\n"
      "a=rtcp-mux\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n");
  ASSERT_TRUE(browser_answer.ok());
  AvpParams priv;
  priv.address = "10.0.0.5";
  priv.port = 30000;
  auto sip_answer = avp_answer_from_webrtc(*sip_offer, *browser_answer, priv);
  ASSERT_TRUE(sip_answer.ok()) << sip_answer.error().message;
  EXPECT_EQ(sip_answer->media[0].formats, (std::vector<std::string>{"8", "101"}));
  EXPECT_EQ(sip_answer->media[0].port, 30000);
  EXPECT_EQ(direction_of(sip_answer->media[0].attributes), Direction::recvonly);
  EXPECT_EQ(sip_answer->connection->address, "10.0.0.5");
}

}  // namespace
}  // namespace gw::sdp
