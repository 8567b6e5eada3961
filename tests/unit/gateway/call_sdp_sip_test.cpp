// The gateway's SDP for calls to and from SIP (gateway/call_sdp.hpp), on
// captured SDP: Chromium's offer carried to SIP as RTP/AVP and answered by a
// PBX that renumbers telephone-event; baresip's offer carried to a browser
// and answered.
#include <gtest/gtest.h>

#include <algorithm>

#include "gateway/call_sdp.hpp"
#include "sdp/avp_offer_answer.hpp"
#include "sip_test_util.hpp"

namespace gw::gateway {
namespace {

using namespace gw::gateway::testing;

sdp::SipSideParams private_side() {
  sdp::SipSideParams p;
  p.address = "10.0.0.5";
  p.port = 30000;
  return p;
}

bool has_te(const std::vector<TelephoneEventFormat>& v, std::uint8_t pt, std::uint32_t clock) {
  return std::find(v.begin(), v.end(), TelephoneEventFormat{pt, clock}) != v.end();
}

// ---- offer_to_sip

TEST(CallSdpToSip, ChromiumOfferBecomesAPlainOffer) {
  auto offer = offer_to_sip(read_data(kChromeAudio), private_side());
  ASSERT_TRUE(offer.ok()) << offer.error().message;
  const std::string& text = offer->avp_offer_sdp;
  for (const char* gone : {"a=ice-", "a=candidate", "a=fingerprint", "a=setup", "a=rtcp-mux", "BUNDLE", "a=mid",
                           "a=extmap", "SAVPF", "198.51.100.7", "red/", "a=end-of-candidates"})
    EXPECT_EQ(text.find(gone), std::string::npos) << gone << " in\n" << text;
  auto o = parse_sdp(text);
  ASSERT_NE(o.audio, nullptr);
  EXPECT_EQ(o.audio->proto, "RTP/AVP");
  EXPECT_EQ(o.audio->port, 30000);
  ASSERT_TRUE(o.audio->connection.has_value());
  EXPECT_EQ(o.audio->connection->address, "10.0.0.5");
  EXPECT_EQ(o.sd.origin.address, "10.0.0.5");
  EXPECT_FALSE(o.audio->rtcp_mux);
  EXPECT_TRUE(o.audio->ice_ufrag.empty());
  EXPECT_FALSE(o.audio->fingerprint.has_value());
  // The browser's PTs, RED (63) left out, both telephone-events kept.
  EXPECT_EQ(formats(o), (std::vector<std::string>{"111", "9", "0", "8", "13", "110", "126"}));
  ASSERT_NE(o.audio->codec(126), nullptr);
  EXPECT_EQ(o.audio->codec(126)->encoding(), "telephone-event/8000");
  ASSERT_NE(o.audio->codec(110), nullptr);
  EXPECT_EQ(o.audio->codec(110)->encoding(), "telephone-event/48000");
  EXPECT_EQ(o.audio->codec(111)->encoding(), "opus/48000/2");
  // The caller's offer is kept for the answer.
  EXPECT_EQ(offer->caller_offer.media.size(), 1u);
  EXPECT_EQ(offer->caller_offer.origin.session_id, "2787325773143971670");
}

TEST(CallSdpToSip, VideoAndItsRtxAndRedAreLeftOut) {
  auto offer = offer_to_sip(read_data(kChromeAudioVideo), private_side());
  ASSERT_TRUE(offer.ok()) << offer.error().message;
  auto o = parse_sdp(offer->avp_offer_sdp);
  ASSERT_EQ(o.sd.media.size(), 1u);
  EXPECT_EQ(o.sd.media[0].media, "audio");
  for (const auto& c : o.audio->codecs) {
    EXPECT_FALSE(c.is_auxiliary()) << c.encoding();
    EXPECT_NE(c.name, "rtx");
    EXPECT_NE(c.name, "red");
  }
  for (const char* gone : {"m=video", "rtx", "red/", "ulpfec", "VP8"})
    EXPECT_EQ(offer->avp_offer_sdp.find(gone), std::string::npos) << gone;
}

TEST(CallSdpToSip, AllowedCodecsAndSessionFields) {
  auto p = private_side();
  p.allowed = *sdp::parse_codec_list("PCMA,PCMU,telephone-event");
  p.session_id = "4711";
  p.session_version = 3;
  auto offer = offer_to_sip(read_data(kChromeAudio), p);
  ASSERT_TRUE(offer.ok()) << offer.error().message;
  auto o = parse_sdp(offer->avp_offer_sdp);
  EXPECT_EQ(formats(o), (std::vector<std::string>{"0", "8", "110", "126"}));
  EXPECT_EQ(o.sd.origin.session_id, "4711");
  EXPECT_EQ(o.sd.origin.session_version, 3u);
  p.allowed = *sdp::parse_codec_list("G729");
  auto none = offer_to_sip(read_data(kChromeAudio), p);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, "bad-sdp");
}

TEST(CallSdpToSip, NonWebrtcOffersAreBadSdp) {
  for (const std::string& bad : {read_data(kSippOffer), std::string("hello"), std::string()}) {
    auto offer = offer_to_sip(bad, private_side());
    ASSERT_FALSE(offer.ok());
    EXPECT_EQ(offer.error().code, "bad-sdp");
    EXPECT_FALSE(offer.error().message.empty());
  }
}

// ---- complete_to_sip

TEST(CallSdpToSip, PbxAnswerPcmuWithTelephoneEvent101) {
  auto offer = offer_to_sip(read_data(kChromeAudio), private_side());
  ASSERT_TRUE(offer.ok()) << offer.error().message;
  auto caller_side = local_media("CallrSd1", "CallerSidePassword01234567");
  auto bridge = complete_to_sip(*offer, sip_answer_pcmu_101(), caller_side);
  ASSERT_TRUE(bridge.ok()) << bridge.error().message;

  // The browser's answer: PCMU and the browser's own telephone-event PT.
  const NegotiatedLeg& b = bridge->browser;
  EXPECT_EQ(b.codec, "PCMU/8000");
  EXPECT_EQ(b.pt, 0);
  EXPECT_EQ(b.clock_rate, 8000u);
  EXPECT_TRUE(has_te(b.telephone_events, 126, 8000));
  // No RTP header extension towards SIP: the browser is not asked for one.
  EXPECT_EQ(b.audio_level_ext, 0);
  EXPECT_EQ(b.local_sdp.find("a=extmap"), std::string::npos);
  EXPECT_EQ(b.telephone_events.size(), 1u);
  EXPECT_EQ(b.dtls_role, dtls::Role::passive) << "the browser offered actpass";
  EXPECT_EQ(b.remote_ufrag, "vm/D");
  EXPECT_EQ(b.remote_fingerprint.hex().substr(0, 8), "70:7A:9A");
  auto a = parse_sdp(b.local_sdp);
  ASSERT_NE(a.audio, nullptr);
  EXPECT_EQ(formats(a), (std::vector<std::string>{"0", "126"}));
  EXPECT_EQ(a.audio->proto, "UDP/TLS/RTP/SAVPF");
  EXPECT_TRUE(a.view.ice_lite);
  EXPECT_EQ(a.audio->ice_ufrag, "CallrSd1");
  EXPECT_EQ(a.audio->setup, sdp::Setup::passive);
  EXPECT_TRUE(a.audio->rtcp_mux);
  ASSERT_TRUE(a.audio->fingerprint.has_value());
  EXPECT_EQ(a.audio->fingerprint->bytes, caller_side.fingerprint.digest);
  EXPECT_EQ(a.audio->direction, sdp::Direction::sendrecv);
  EXPECT_EQ(b.local_sdp.find("10.0.0.20"), std::string::npos) << "the SIP side's address stays private";

  // The RTP leg: where to send, and 126 <-> 101.
  const SipMedia& s = bridge->sip;
  EXPECT_EQ(s.rtp, *SocketAddress::parse("10.0.0.20:6000"));
  EXPECT_EQ(s.rtcp, *SocketAddress::parse("10.0.0.20:6001")) << "RFC 3605 §2.1: port + 1";
  EXPECT_FALSE(s.rtcp_mux);
  EXPECT_TRUE(s.telephone_event);
  EXPECT_FALSE(s.remote_hold);
  EXPECT_FALSE(s.pt_map.identity());
  EXPECT_EQ(s.pt_map.to_sip(126), 101);
  EXPECT_EQ(s.pt_map.to_browser(101), 126);
  EXPECT_EQ(s.pt_map.to_sip(0), 0);
  EXPECT_EQ(s.pt_map.to_browser(0), 0);
  EXPECT_FALSE(s.pt_map.to_sip(111).has_value()) << "opus was not answered";
  EXPECT_FALSE(s.pt_map.to_sip(110).has_value()) << "48 kHz telephone-event was not answered";
  EXPECT_TRUE(bridge->sip_answer_sdp.empty()) << "outgoing calls have no SIP answer to send";
}

TEST(CallSdpToSip, RtcpAttributeIsHonoured) {
  auto offer = offer_to_sip(read_data(kChromeAudio), private_side());
  ASSERT_TRUE(offer.ok());
  auto port_only = complete_to_sip(*offer, sip_answer_pcmu_101("10.0.0.20", 6000, "a=rtcp:7011\r\n"), local_media());
  ASSERT_TRUE(port_only.ok()) << port_only.error().message;
  EXPECT_EQ(port_only->sip.rtcp, *SocketAddress::parse("10.0.0.20:7011"));
  EXPECT_EQ(port_only->sip.rtp, *SocketAddress::parse("10.0.0.20:6000"));

  auto with_ip =
      complete_to_sip(*offer, sip_answer_pcmu_101("10.0.0.20", 6000, "a=rtcp:7011 IN IP4 10.0.0.21\r\n"), local_media());
  ASSERT_TRUE(with_ip.ok()) << with_ip.error().message;
  EXPECT_EQ(with_ip->sip.rtcp, *SocketAddress::parse("10.0.0.21:7011"));
}

TEST(CallSdpToSip, RtcpMuxIsHonoured) {
  auto offer = offer_to_sip(read_data(kChromeAudio), private_side());
  ASSERT_TRUE(offer.ok());
  auto bridge = complete_to_sip(*offer, sip_answer_pcmu_101("10.0.0.20", 6000, "a=rtcp-mux\r\n"), local_media());
  ASSERT_TRUE(bridge.ok()) << bridge.error().message;
  EXPECT_TRUE(bridge->sip.rtcp_mux);
  EXPECT_EQ(bridge->sip.rtcp, *SocketAddress::parse("10.0.0.20:6000"));
}

TEST(CallSdpToSip, AnswerWithoutTelephoneEvent) {
  auto offer = offer_to_sip(read_data(kChromeAudio), private_side());
  ASSERT_TRUE(offer.ok());
  std::string answer =
      "v=0\r\no=- 1 1 IN IP4 10.0.0.20\r\ns=-\r\nc=IN IP4 10.0.0.20\r\nt=0 0\r\n"
      "m=audio 6000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n";
  auto bridge = complete_to_sip(*offer, answer, local_media());
  ASSERT_TRUE(bridge.ok()) << bridge.error().message;
  EXPECT_EQ(bridge->browser.codec, "PCMA/8000");
  EXPECT_EQ(bridge->browser.pt, 8);
  EXPECT_FALSE(bridge->sip.telephone_event) << "DTMF goes by SIP INFO";
  EXPECT_TRUE(bridge->sip.pt_map.identity());
  EXPECT_EQ(formats(parse_sdp(bridge->browser.local_sdp)), std::vector<std::string>{"8"});
}

TEST(CallSdpToSip, HoldingAnswerIsRemoteHold) {
  auto offer = offer_to_sip(read_data(kChromeAudio), private_side());
  ASSERT_TRUE(offer.ok());
  auto bridge = complete_to_sip(*offer, replace(sip_answer_pcmu_101(), "a=sendrecv", "a=sendonly"), local_media());
  ASSERT_TRUE(bridge.ok()) << bridge.error().message;
  EXPECT_TRUE(bridge->sip.remote_hold);
  // The gateway passes the SIP side's direction to the browser.
  EXPECT_EQ(parse_sdp(bridge->browser.local_sdp).audio->direction, sdp::Direction::sendonly);
}

TEST(CallSdpToSip, NoCommonCodecIsBadSdp) {
  auto offer = offer_to_sip(read_data(kChromeAudio), private_side());
  ASSERT_TRUE(offer.ok());
  std::string g729 =
      "v=0\r\no=- 1 1 IN IP4 10.0.0.20\r\ns=-\r\nc=IN IP4 10.0.0.20\r\nt=0 0\r\n"
      "m=audio 6000 RTP/AVP 18 101\r\na=rtpmap:18 G729/8000\r\na=rtpmap:101 telephone-event/8000\r\n";
  std::string rejected =
      "v=0\r\no=- 1 1 IN IP4 10.0.0.20\r\ns=-\r\nc=IN IP4 10.0.0.20\r\nt=0 0\r\n"
      "m=audio 0 RTP/AVP 0\r\n";
  for (const std::string& bad : {g729, rejected, std::string("garbage"), std::string()}) {
    auto bridge = complete_to_sip(*offer, bad, local_media());
    ASSERT_FALSE(bridge.ok()) << bad;
    EXPECT_EQ(bridge.error().code, "bad-sdp") << bad;
    EXPECT_FALSE(bridge.error().message.empty());
  }
  auto g = complete_to_sip(*offer, g729, local_media());
  EXPECT_NE(g.error().message.find("No codec in common"), std::string::npos) << g.error().message;
}

// ---- offer_from_sip

TEST(CallSdpFromSip, BaresipOfferBecomesAJsepOffer) {
  auto agent_side = local_media("AgentSd1", "AgentSidePassword012345678");
  auto offer = offer_from_sip(read_data(kBaresipOffer), agent_side);
  ASSERT_TRUE(offer.ok()) << offer.error().message;
  auto o = parse_sdp(offer->browser_offer_sdp);
  ASSERT_NE(o.audio, nullptr);
  EXPECT_TRUE(o.view.ice_lite);
  EXPECT_EQ(o.view.bundle(), std::vector<std::string>{"0"});
  EXPECT_EQ(o.audio->mid, "0");
  EXPECT_EQ(o.audio->proto, "UDP/TLS/RTP/SAVPF");
  EXPECT_EQ(o.audio->setup, sdp::Setup::actpass) << "RFC 8842 §5.1";
  EXPECT_TRUE(o.audio->rtcp_mux);
  EXPECT_EQ(o.audio->ice_ufrag, "AgentSd1");
  EXPECT_EQ(o.audio->ice_pwd, "AgentSidePassword012345678");
  ASSERT_TRUE(o.audio->fingerprint.has_value());
  EXPECT_EQ(o.audio->fingerprint->algorithm, "sha-256");
  EXPECT_EQ(o.audio->fingerprint->bytes, agent_side.fingerprint.digest);
  ASSERT_EQ(o.audio->candidates.size(), 1u);
  EXPECT_EQ(o.audio->candidates[0].address, "203.0.113.20");
  EXPECT_EQ(o.audio->port, 40000);
  EXPECT_EQ(o.audio->direction, sdp::Direction::sendrecv);
  // The SIP side's codecs with its PTs.
  EXPECT_EQ(formats(o), (std::vector<std::string>{"0", "8", "9", "96", "101"}));
  ASSERT_NE(o.audio->codec(96), nullptr);
  EXPECT_EQ(o.audio->codec(96)->encoding(), "opus/48000/2");
  EXPECT_EQ(o.audio->codec(96)->fmtp, "stereo=1;sprop-stereo=1");
  ASSERT_NE(o.audio->codec(101), nullptr);
  EXPECT_TRUE(o.audio->codec(101)->is_telephone_event());
  EXPECT_EQ(o.audio->codec(101)->fmtp, "0-15");
  EXPECT_EQ(offer->browser_offer_sdp.find("192.0.2.2"), std::string::npos) << "baresip's address stays private";
  EXPECT_EQ(offer->sip_offer.media.size(), 1u);
}

TEST(CallSdpFromSip, SippOfferAndBadOffers) {
  auto offer = offer_from_sip(read_data(kSippOffer), local_media());
  ASSERT_TRUE(offer.ok()) << offer.error().message;
  EXPECT_EQ(formats(parse_sdp(offer->browser_offer_sdp)), std::vector<std::string>{"0"});

  std::string video_only = replace(read_data(kBaresipOffer), "m=audio 41014", "m=video 41014");
  std::string rejected = replace(read_data(kBaresipOffer), "m=audio 41014", "m=audio 0");
  for (const std::string& bad : {std::string("garbage"), std::string(), video_only, rejected}) {
    auto r = offer_from_sip(bad, local_media());
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "bad-sdp");
  }
}

// ---- complete_from_sip

TEST(CallSdpFromSip, BrowserAnswerBecomesTheSipAnswer) {
  auto offer = offer_from_sip(read_data(kBaresipOffer), local_media());
  ASSERT_TRUE(offer.ok()) << offer.error().message;
  std::string answer = browser_answer_to(offer->browser_offer_sdp, "PCMA/8000,telephone-event/8000", sdp::Setup::active);
  ASSERT_FALSE(answer.empty());
  sdp::AvpParams plain;
  plain.address = "10.0.0.5";
  plain.port = 30000;
  auto bridge = complete_from_sip(*offer, answer, plain);
  ASSERT_TRUE(bridge.ok()) << bridge.error().message;

  auto s = parse_sdp(bridge->sip_answer_sdp);
  ASSERT_NE(s.audio, nullptr);
  EXPECT_EQ(s.audio->proto, "RTP/AVP");
  EXPECT_EQ(s.audio->port, 30000);
  ASSERT_TRUE(s.audio->connection.has_value());
  EXPECT_EQ(s.audio->connection->address, "10.0.0.5");
  EXPECT_EQ(formats(s), (std::vector<std::string>{"8", "101"}));
  for (const char* gone : {"a=ice-", "a=fingerprint", "a=setup", "a=candidate", "198.51.100.50", "SAVPF"})
    EXPECT_EQ(bridge->sip_answer_sdp.find(gone), std::string::npos) << gone;

  EXPECT_EQ(bridge->browser.codec, "PCMA/8000");
  EXPECT_EQ(bridge->browser.pt, 8);
  EXPECT_TRUE(has_te(bridge->browser.telephone_events, 101, 8000));
  EXPECT_TRUE(bridge->browser.local_sdp.empty()) << "the browser had our offer";
  EXPECT_EQ(bridge->browser.dtls_role, dtls::Role::passive) << "the browser answered active";
  EXPECT_EQ(bridge->browser.remote_ufrag, "AgNt");
  EXPECT_EQ(bridge->browser.remote_fingerprint.digest, Bytes(32, 0xAB));

  EXPECT_EQ(bridge->sip.rtp, *SocketAddress::parse("192.0.2.2:41014"));
  EXPECT_EQ(bridge->sip.rtcp, *SocketAddress::parse("192.0.2.2:41015"));
  EXPECT_FALSE(bridge->sip.rtcp_mux);
  EXPECT_TRUE(bridge->sip.telephone_event);
  EXPECT_FALSE(bridge->sip.remote_hold);
  EXPECT_TRUE(bridge->sip.pt_map.identity());
  EXPECT_EQ(bridge->sip.pt_map.to_sip(8), 8);
  EXPECT_EQ(bridge->sip.pt_map.to_sip(101), 101);
  EXPECT_EQ(bridge->sip.pt_map.to_browser(101), 101);
  EXPECT_FALSE(bridge->sip.pt_map.to_sip(0).has_value()) << "the browser did not take PCMU";
}

TEST(CallSdpFromSip, OpusAndAPassiveBrowser) {
  auto offer = offer_from_sip(read_data(kBaresipOffer), local_media());
  ASSERT_TRUE(offer.ok());
  std::string answer =
      browser_answer_to(offer->browser_offer_sdp, "opus/48000/2,telephone-event/8000", sdp::Setup::passive);
  sdp::AvpParams plain;
  plain.address = "10.0.0.5";
  plain.port = 30002;
  auto bridge = complete_from_sip(*offer, answer, plain);
  ASSERT_TRUE(bridge.ok()) << bridge.error().message;
  EXPECT_EQ(bridge->browser.codec, "opus/48000/2");
  EXPECT_EQ(bridge->browser.pt, 96);
  EXPECT_EQ(bridge->browser.dtls_role, dtls::Role::active);
  EXPECT_EQ(formats(parse_sdp(bridge->sip_answer_sdp)).at(0), "96");
  EXPECT_EQ(bridge->sip.pt_map.to_sip(96), 96);
}

TEST(CallSdpFromSip, BadBrowserAnswersAreBadSdp) {
  auto offer = offer_from_sip(read_data(kBaresipOffer), local_media());
  ASSERT_TRUE(offer.ok());
  sdp::AvpParams plain;
  plain.address = "10.0.0.5";
  plain.port = 30000;
  for (const std::string& bad : {std::string("nonsense"), std::string("v=0\r\n"), read_data(kSippOffer)}) {
    auto r = complete_from_sip(*offer, bad, plain);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "bad-sdp");
  }
}

// ---- sip_media_of

TEST(CallSdpSipMediaOf, HoldForms) {
  sdp::PayloadMap map;
  map.entries.push_back({126, 101, *sdp::parse_codec_list("telephone-event/8000")->begin()});
  std::string base = read_data(kBaresipOffer);

  auto active = sip_media_of(base, map);
  ASSERT_TRUE(active.ok()) << active.error().message;
  EXPECT_FALSE(active->remote_hold);
  EXPECT_EQ(active->rtp, *SocketAddress::parse("192.0.2.2:41014"));
  EXPECT_EQ(active->pt_map.to_sip(126), 101) << "the call's map is kept";
  EXPECT_TRUE(active->telephone_event);

  auto zero = sip_media_of(replace(base, "c=IN IP4 192.0.2.2", "c=IN IP4 0.0.0.0"), map);
  ASSERT_TRUE(zero.ok()) << zero.error().message;
  EXPECT_TRUE(zero->remote_hold) << "RFC 2543 hold: c=0.0.0.0";

  for (const char* d : {"a=sendonly", "a=inactive"}) {
    auto held = sip_media_of(replace(base, "a=sendrecv", d), map);
    ASSERT_TRUE(held.ok()) << held.error().message;
    EXPECT_TRUE(held->remote_hold) << d;
  }
  auto recvonly = sip_media_of(replace(base, "a=sendrecv", "a=recvonly"), map);
  ASSERT_TRUE(recvonly.ok());
  EXPECT_FALSE(recvonly->remote_hold) << "recvonly answers our hold; it is not a hold of theirs";
}

TEST(CallSdpSipMediaOf, MovedAddressAndBadSdp) {
  auto moved = sip_media_of(
      "v=0\r\no=- 1 2 IN IP4 10.1.1.1\r\ns=-\r\nc=IN IP4 10.1.1.1\r\nt=0 0\r\n"
      "m=audio 7000 RTP/AVP 0\r\na=rtcp:7100\r\na=sendrecv\r\n",
      {});
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_EQ(moved->rtp, *SocketAddress::parse("10.1.1.1:7000"));
  EXPECT_EQ(moved->rtcp, *SocketAddress::parse("10.1.1.1:7100"));
  EXPECT_FALSE(moved->telephone_event);
  for (const std::string& bad : {std::string("junk"), std::string("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n"
                                                                  "m=audio 7000 RTP/AVP 0\r\n")}) {
    auto r = sip_media_of(bad, {});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "bad-sdp");
  }
}

}  // namespace
}  // namespace gw::gateway
