#include "sdp/avp_offer_answer.hpp"

#include <gtest/gtest.h>

#include "sdp/media_view.hpp"
#include "sdp_test_util.hpp"

namespace gw::sdp {
namespace {

using testing::kSippOffer;
using testing::parse_file;

AvpParams local(const char* codecs, Direction dir = Direction::sendrecv) {
  AvpParams p;
  p.address = "192.0.2.10";
  p.port = 40000;
  p.codecs = *parse_codec_list(codecs);
  p.direction = dir;
  p.session_id = "42";
  return p;
}

SessionDescription offer_with(const std::string& media_lines) {
  auto sd = parse("v=0\r\no=- 1 1 IN IP4 203.0.113.9\r\ns=-\r\nc=IN IP4 203.0.113.9\r\nt=0 0\r\n" +
                  media_lines);
  if (!sd) throw std::runtime_error(sd.error().message);
  return *sd;
}

TEST(SdpAvpOffer, MakesOfferFromCodecList) {
  AvpParams p = local("PCMU,PCMA,opus/48000/2,telephone-event/8000");
  p.ptime = 20;
  std::string text = serialize(make_avp_offer(p));
  EXPECT_EQ(text,
            "v=0\r\no=- 42 0 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
            "m=audio 40000 RTP/AVP 0 8 111 101\r\n"
            "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:111 opus/48000/2\r\n"
            "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n");
  auto back = parse(text);
  ASSERT_TRUE(back.ok());
  auto n = negotiated_audio(*back);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->codecs.size(), 4u);
  EXPECT_EQ(n->telephone_event->pt, 101);
}

TEST(SdpAvpOffer, Ipv6AndRtcpPort) {
  AvpParams p = local("PCMA");
  p.address = "2001:db8::10";
  p.rtcp_port = 40003;
  SessionDescription sd = make_avp_offer(p);
  EXPECT_EQ(sd.connection->addr_type, "IP6");
  EXPECT_EQ(sd.origin.addr_type, "IP6");
  auto n = negotiated_audio(sd);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->rtcp_port, 40003);
  EXPECT_EQ(n->address, "2001:db8::10");
}

TEST(SdpAvpAnswer, AnswersSippOffer) {
  auto answer = answer_avp_offer(parse_file(kSippOffer), local("PCMA,PCMU,telephone-event"));
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  ASSERT_EQ(answer->media.size(), 1u);
  EXPECT_EQ(answer->media[0].port, 40000);
  EXPECT_EQ(answer->media[0].formats, std::vector<std::string>{"0"});  // no te offered
  EXPECT_EQ(answer->connection->address, "192.0.2.10");
  EXPECT_EQ(direction_of(answer->media[0].attributes), Direction::sendrecv);
  auto n = negotiated_audio(parse_file(kSippOffer));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->address, "127.0.0.1");
  EXPECT_EQ(n->port, 36290);
  EXPECT_EQ(n->rtcp_port, 36291);  // port + 1
  EXPECT_EQ(n->primary()->name, "PCMU");
  EXPECT_FALSE(n->telephone_event.has_value());
  EXPECT_FALSE(n->remote_hold);
}

TEST(SdpAvpAnswer, KeepsOfferPayloadTypesAndOrderOfPreference) {
  auto offer = offer_with(
      "m=audio 5000 RTP/AVP 0 8 96 97\r\na=rtpmap:96 opus/48000/2\r\na=fmtp:96 useinbandfec=1\r\n"
      "a=rtpmap:97 telephone-event/8000\r\na=fmtp:97 0-15\r\na=rtcp:5005\r\n");
  auto answer = answer_avp_offer(offer, local("opus,PCMA,telephone-event/8000"));
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(answer->media[0].formats, (std::vector<std::string>{"96", "8", "97"}));
  auto view = make_view(*answer);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->media[0].codec(96)->fmtp, "useinbandfec=1");
  EXPECT_EQ(view->media[0].codec(97)->fmtp, "0-15");
  auto n = negotiated_audio(offer);
  EXPECT_EQ(n->rtcp_port, 5005);  // RFC 3605
  EXPECT_EQ(n->telephone_event->pt, 97);

  AvpParams single = local("PCMA,opus,telephone-event/8000");
  single.single_codec = true;
  auto one = answer_avp_offer(offer, single);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->media[0].formats, (std::vector<std::string>{"8", "97"}));
}

TEST(SdpAvpAnswer, NoCommonCodecMapsTo488) {
  auto answer = answer_avp_offer(parse_file(kSippOffer), local("G729,opus"));
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, "sdp.no-common-codec");
  EXPECT_NE(answer.error().message.find("the offer has PCMU/8000"), std::string::npos)
      << answer.error().message;
}

TEST(SdpAvpAnswer, RejectsVideoAndSecondAudioWithPortZero) {
  auto offer = offer_with(
      "m=video 6000 RTP/AVP 34\r\na=mid:v\r\nm=audio 5000 RTP/AVP 0\r\nm=audio 5002 RTP/AVP 0\r\n"
      "m=audio 5004 RTP/SAVP 0\r\n");
  auto answer = answer_avp_offer(offer, local("PCMU"));
  ASSERT_TRUE(answer.ok());
  ASSERT_EQ(answer->media.size(), 4u);
  EXPECT_EQ(answer->media[0].port, 0);
  EXPECT_EQ(answer->media[0].media, "video");
  EXPECT_EQ(*find_attribute(answer->media[0].attributes, "mid")->value, "v");
  EXPECT_EQ(answer->media[1].port, 40000);
  EXPECT_EQ(answer->media[2].port, 0);
  EXPECT_EQ(answer->media[3].port, 0);
  EXPECT_EQ(answer->media[3].proto, "RTP/SAVP");
  EXPECT_TRUE(parse(serialize(*answer)).ok());

  auto none = answer_avp_offer(offer_with("m=video 6000 RTP/AVP 34\r\n"), local("PCMU"));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, "sdp.no-audio");
}

struct DirCase {
  Direction offered, local, expected;
};

class SdpAvpDirection : public ::testing::TestWithParam<DirCase> {};

TEST_P(SdpAvpDirection, Rfc3264Section61) {
  const DirCase& c = GetParam();
  EXPECT_EQ(answer_direction(c.offered, c.local), c.expected);
  auto offer = offer_with("m=audio 5000 RTP/AVP 0\r\na=" + std::string(to_string(c.offered)) + "\r\n");
  auto answer = answer_avp_offer(offer, local("PCMU", c.local));
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(direction_of(answer->media[0].attributes), c.expected);
}

using D = Direction;
INSTANTIATE_TEST_SUITE_P(
    SdpMatrix, SdpAvpDirection,
    ::testing::Values(DirCase{D::sendrecv, D::sendrecv, D::sendrecv},
                      DirCase{D::sendrecv, D::sendonly, D::sendonly},
                      DirCase{D::sendrecv, D::recvonly, D::recvonly},
                      DirCase{D::sendrecv, D::inactive, D::inactive},
                      DirCase{D::sendonly, D::sendrecv, D::recvonly},
                      DirCase{D::sendonly, D::sendonly, D::inactive},
                      DirCase{D::sendonly, D::recvonly, D::recvonly},
                      DirCase{D::recvonly, D::sendrecv, D::sendonly},
                      DirCase{D::recvonly, D::recvonly, D::inactive},
                      DirCase{D::recvonly, D::sendonly, D::sendonly},
                      DirCase{D::inactive, D::sendrecv, D::inactive},
                      DirCase{D::inactive, D::sendonly, D::inactive}));

TEST(SdpAvpHold, HoldAndResumeReoffers) {
  SessionDescription offer = make_avp_offer(local("PCMU"));
  SessionDescription held = hold_offer(offer);
  EXPECT_EQ(held.origin.session_version, offer.origin.session_version + 1);
  EXPECT_EQ(direction_of(held.media[0].attributes), Direction::sendonly);
  EXPECT_EQ(find_attributes(held.media[0].attributes, "sendonly").size(), 1u);
  EXPECT_FALSE(has_attribute(held.media[0].attributes, "sendrecv"));
  // Held while the peer holds us (our last SDP recvonly) -> inactive.
  SessionDescription both = hold_offer(with_direction(offer, Direction::recvonly));
  EXPECT_EQ(direction_of(both.media[0].attributes), Direction::inactive);
  SessionDescription resumed = resume_offer(held);
  EXPECT_EQ(direction_of(resumed.media[0].attributes), Direction::sendrecv);
  EXPECT_EQ(resumed.origin.session_version, offer.origin.session_version + 2);
}

TEST(SdpAvpHold, DetectsRemoteHold) {
  auto n = negotiated_audio(offer_with("m=audio 5000 RTP/AVP 0\r\na=sendonly\r\n"));
  ASSERT_TRUE(n.ok());
  EXPECT_TRUE(n->remote_hold);
  EXPECT_EQ(n->direction, Direction::sendonly);
  auto old = parse("v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n");
  ASSERT_TRUE(old.ok());
  EXPECT_TRUE(negotiated_audio(*old)->remote_hold);  // RFC 2543 hold
  auto inactive = negotiated_audio(offer_with("m=audio 5000 RTP/AVP 0\r\na=inactive\r\n"));
  EXPECT_TRUE(inactive->remote_hold);
}

TEST(SdpAvpNegotiated, Errors) {
  auto n = negotiated_audio(offer_with("m=audio 0 RTP/AVP 0\r\n"));
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().code, "sdp.no-audio");
  auto noc = parse("v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n");
  auto e = negotiated_audio(*noc);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().message, "line 5: audio stream has no c= line");
  auto mux = negotiated_audio(offer_with("m=audio 5000 RTP/AVP 0\r\na=rtcp-mux\r\n"));
  EXPECT_EQ(mux->rtcp_port, 5000);
}

}  // namespace
}  // namespace gw::sdp
