// SDP glue between SIP calls and libcore/sdp (RFC 3264 for plain RTP/AVP).
#include "sip/sdp_negotiator.hpp"

#include <gtest/gtest.h>

#include "sdp/codec.hpp"
#include "sdp/session_description.hpp"

namespace gw::sip {
namespace {

// sipp 3.6's built-in uac offer (as in ../shared/data/sdp/sipp3.6-uac-offer.sdp).
constexpr const char* kSippOffer =
    "v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
    "t=0 0\r\nm=audio 36290 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

SdpNegotiator make(const char* codecs = "PCMU,PCMA,telephone-event/8000") {
  SdpNegotiatorConfig c;
  c.address = "192.0.2.10";
  c.port = 40000;
  c.codecs = *sdp::parse_codec_list(codecs);
  return SdpNegotiator(c);
}

std::string direction_in(const std::string& sdp_text) {
  auto sd = sdp::parse(sdp_text);
  if (!sd || sd->media.empty()) return "?";
  return std::string(sdp::to_string(sdp::direction_of(sd->media[0].attributes)));
}

TEST(SdpNegotiator, OfferDescribesOurSocketAndCodecs) {
  auto n = make();
  std::string offer = n.create_offer(MediaDirection::sendrecv);
  EXPECT_NE(offer.find("c=IN IP4 192.0.2.10"), std::string::npos);
  EXPECT_NE(offer.find("m=audio 40000 RTP/AVP 0 8 101"), std::string::npos);
  EXPECT_NE(offer.find("a=rtpmap:101 telephone-event/8000"), std::string::npos);
  EXPECT_FALSE(n.negotiated().has_value());  // nothing agreed yet
}

TEST(SdpNegotiator, AnswersSippsOffer) {
  auto n = make();
  auto answer = n.create_answer(kSippOffer, MediaDirection::sendrecv);
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_NE(answer->find("m=audio 40000 RTP/AVP 0"), std::string::npos);
  auto m = n.negotiated();
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->remote_address, "127.0.0.1");
  EXPECT_EQ(m->remote_port, 36290);
  EXPECT_EQ(m->remote_rtcp_port, 36291);
  ASSERT_FALSE(m->codecs.empty());
  EXPECT_EQ(m->codecs.front().name, "PCMU");
  EXPECT_EQ(m->telephone_event_pt, -1);
  EXPECT_FALSE(m->remote_holds());
}

TEST(SdpNegotiator, KeepsTheOfferersPayloadTypes) {
  auto n = make();
  std::string offer =
      "v=0\r\no=- 1 1 IN IP4 198.51.100.5\r\ns=-\r\nc=IN IP4 198.51.100.5\r\nt=0 0\r\n"
      "m=audio 5004 RTP/AVP 8 96\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:96 telephone-event/8000\r\n"
      "a=fmtp:96 0-15\r\n";
  auto answer = n.create_answer(offer, MediaDirection::sendrecv);
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_NE(answer->find("a=rtpmap:96 telephone-event/8000"), std::string::npos);
  EXPECT_EQ(n.negotiated()->telephone_event_pt, 96);
  EXPECT_EQ(n.negotiated()->codecs.front().name, "PCMA");
}

TEST(SdpNegotiator, NoCommonCodecOrBadSdpIsAnError) {
  auto n = make();
  std::string g729 =
      "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
      "m=audio 4000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n";
  EXPECT_FALSE(n.create_answer(g729, MediaDirection::sendrecv).ok());
  EXPECT_FALSE(n.create_answer("v=0\r\nm=audio x RTP/AVP y\r\n", MediaDirection::sendrecv).ok());
  EXPECT_FALSE(n.create_answer("", MediaDirection::sendrecv).ok());
  EXPECT_FALSE(n.accept_answer("garbage").ok());
}

TEST(SdpNegotiator, HoldAndResumeReoffers) {
  auto n = make();
  std::string first = n.create_offer(MediaDirection::sendrecv);
  ASSERT_TRUE(n.accept_answer(kSippOffer).ok());  // an answer with PCMU only
  EXPECT_EQ(n.negotiated()->codecs.size(), 1u);
  std::string hold = n.create_offer(MediaDirection::sendonly);
  EXPECT_EQ(direction_in(hold), "sendonly");
  auto v1 = sdp::parse(first)->origin.session_version;
  auto v2 = sdp::parse(hold)->origin.session_version;
  EXPECT_EQ(v2, v1 + 1);  // RFC 3264 §8: same session, next version
  EXPECT_EQ(sdp::parse(hold)->origin.session_id, sdp::parse(first)->origin.session_id);
  std::string recvonly = std::string(kSippOffer) + "a=recvonly\r\n";
  ASSERT_TRUE(n.accept_answer(recvonly).ok());
  EXPECT_EQ(n.negotiated()->local_direction, MediaDirection::sendonly);
  EXPECT_FALSE(n.negotiated()->remote_holds());
  std::string resume = n.create_offer(MediaDirection::sendrecv);
  EXPECT_EQ(direction_in(resume), "sendrecv");
}

TEST(SdpNegotiator, FollowsThePeersHold) {
  auto n = make();
  std::string held_offer = std::string(kSippOffer) + "a=sendonly\r\n";
  auto answer = n.create_answer(held_offer, MediaDirection::sendrecv);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(direction_in(*answer), "recvonly");  // RFC 3264 §6.1
  EXPECT_TRUE(n.negotiated()->remote_holds());
  EXPECT_EQ(n.negotiated()->local_direction, MediaDirection::recvonly);
}

TEST(SdpNegotiator, RejectedStreamInAnswerFails) {
  auto n = make();
  n.create_offer(MediaDirection::sendrecv);
  std::string rejected =
      "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 0 RTP/AVP 0\r\n";
  EXPECT_FALSE(n.accept_answer(rejected).ok());
}

TEST(SdpNegotiator, MirrorsCodecsFromAnSdpFile) {
  auto codecs = codecs_from_sdp(
      "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
      "m=audio 4000 RTP/AVP 111 0 110\r\na=rtpmap:111 opus/48000/2\r\na=rtpmap:110 telephone-event/48000\r\n");
  ASSERT_TRUE(codecs.ok());
  ASSERT_EQ(codecs->size(), 3u);
  EXPECT_EQ((*codecs)[0].pt, 111);
  EXPECT_EQ((*codecs)[0].name, "opus");
  EXPECT_EQ((*codecs)[2].pt, 110);
  EXPECT_FALSE(codecs_from_sdp("v=0\r\n").ok());
}

}  // namespace
}  // namespace gw::sip
