#include "sdp/media_view.hpp"

#include <gtest/gtest.h>

#include "sdp_test_util.hpp"

namespace gw::sdp {
namespace {

using testing::kChromeAudio;
using testing::kChromeAudioVideo;
using testing::kSippOffer;
using testing::parse_file;

TEST(SdpView, ChromiumAudioOffer) {
  auto v = make_view(parse_file(kChromeAudio));
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_FALSE(v->ice_lite);
  EXPECT_EQ(v->bundle(), std::vector<std::string>{"0"});
  EXPECT_EQ(v->msid_semantic, "WMS 997d0ff1-1b09-4412-99d6-3b0ba0e91c06");
  ASSERT_EQ(v->media.size(), 1u);
  const MediaView& a = v->media[0];
  EXPECT_EQ(a.media, "audio");
  EXPECT_EQ(a.port, 53787);
  EXPECT_TRUE(a.is_rtp());
  EXPECT_TRUE(a.is_dtls());
  EXPECT_EQ(a.connection->address, "198.51.100.7");
  EXPECT_EQ(a.mid, "0");
  EXPECT_EQ(a.direction, Direction::sendrecv);
  EXPECT_TRUE(a.rtcp_mux);
  EXPECT_TRUE(a.rtcp_rsize);
  ASSERT_TRUE(a.rtcp.has_value());
  EXPECT_EQ(a.rtcp->port, 9);
  EXPECT_EQ(a.ice_ufrag, "vm/D");
  EXPECT_EQ(a.ice_pwd, "NId3q1tTCyHk9nxZ24sAkndz");
  EXPECT_EQ(a.ice_options, std::vector<std::string>{"trickle"});
  EXPECT_FALSE(a.end_of_candidates);
  ASSERT_TRUE(a.fingerprint.has_value());
  EXPECT_EQ(a.fingerprint->algorithm, "sha-256");
  ASSERT_EQ(a.fingerprint->bytes.size(), 32u);
  EXPECT_EQ(a.fingerprint->bytes[0], 0x70);
  EXPECT_EQ(a.fingerprint->bytes[1], 0x7A);
  EXPECT_EQ(a.setup, Setup::actpass);

  ASSERT_EQ(a.candidates.size(), 2u);
  EXPECT_EQ(a.candidates[0].transport, CandidateTransport::udp);
  EXPECT_EQ(a.candidates[0].port, 53787);
  EXPECT_EQ(a.candidates[0].priority, 2122260223u);
  EXPECT_EQ(a.candidates[1].transport, CandidateTransport::tcp);
  EXPECT_EQ(a.candidates[1].tcptype, TcpType::active);
  EXPECT_EQ(a.candidates[1].port, 9);

  ASSERT_EQ(a.codecs.size(), 8u);
  const Codec* opus = a.codec(111);
  ASSERT_NE(opus, nullptr);
  EXPECT_EQ(opus->name, "opus");
  EXPECT_EQ(opus->clock, 48000u);
  EXPECT_EQ(opus->channels, 2);
  EXPECT_EQ(opus->fmtp, "minptime=10;useinbandfec=1");
  EXPECT_EQ(opus->rtcp_fb, std::vector<std::string>{"transport-cc"});
  EXPECT_EQ(a.codec(63)->name, "red");
  EXPECT_EQ(a.codec(63)->fmtp, "111/111");
  EXPECT_EQ(a.codec(9)->name, "G722");
  EXPECT_EQ(a.codec(0)->name, "PCMU");
  EXPECT_EQ(a.codec(8)->name, "PCMA");
  EXPECT_EQ(a.codec(13)->name, "CN");
  EXPECT_EQ(a.codec(110)->name, "telephone-event");
  EXPECT_EQ(a.codec(110)->clock, 48000u);
  EXPECT_EQ(a.codec(126)->name, "telephone-event");
  EXPECT_EQ(a.codec(126)->clock, 8000u);
  Codec te8k;
  te8k.name = "telephone-event";
  EXPECT_EQ(a.find_codec(te8k)->pt, 126);

  ASSERT_EQ(a.ssrcs.size(), 2u);
  EXPECT_EQ(a.ssrcs[0].ssrc, 1769921802u);
  EXPECT_EQ(a.ssrcs[0].attribute, "cname");
  EXPECT_EQ(a.ssrcs[0].value, "lvIeH/anlLAStdGq");
  ASSERT_EQ(a.msids.size(), 1u);
  EXPECT_EQ(a.msids[0].stream_id, "997d0ff1-1b09-4412-99d6-3b0ba0e91c06");
  EXPECT_EQ(a.msids[0].track_id, "e14affa0-4351-4c21-8d2e-ca34362a39f8");
  ASSERT_EQ(a.extmaps.size(), 4u);
  EXPECT_EQ(a.extmaps[3].id, 4);
  EXPECT_EQ(a.extmaps[3].uri, "urn:ietf:params:rtp-hdrext:sdes:mid");
}

TEST(SdpView, ChromiumAudioVideoOffer) {
  auto v = make_view(parse_file(kChromeAudioVideo));
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->bundle(), (std::vector<std::string>{"0", "1"}));
  ASSERT_EQ(v->media.size(), 2u);
  const MediaView& video = v->media[1];
  EXPECT_EQ(video.media, "video");
  EXPECT_EQ(video.mid, "1");
  EXPECT_EQ(v->find_mid("1"), &v->media[1]);
  EXPECT_EQ(video.ice_ufrag, "BsOW");
  EXPECT_EQ(video.codecs.size(), 23u);
  EXPECT_EQ(video.codec(96)->name, "VP8");
  EXPECT_EQ(video.codec(96)->clock, 90000u);
  EXPECT_EQ(video.codec(96)->rtcp_fb.size(), 5u);
  EXPECT_EQ(video.codec(97)->fmtp, "apt=96");
  EXPECT_EQ(video.codec(45)->name, "AV1");
  ASSERT_EQ(video.ssrc_groups.size(), 1u);
  EXPECT_EQ(video.ssrc_groups[0].semantics, "FID");
  EXPECT_EQ(video.ssrc_groups[0].ssrcs, (std::vector<std::uint32_t>{296690381, 3633519900}));
  EXPECT_EQ(v->first_active("audio"), &v->media[0]);
  EXPECT_EQ(v->media[0].codec(111)->name, "opus");
}

TEST(SdpView, SippOfferUsesStaticPayloadTable) {
  auto v = make_view(parse_file(kSippOffer));
  ASSERT_TRUE(v.ok());
  const MediaView& a = v->media[0];
  EXPECT_FALSE(a.is_dtls());
  EXPECT_EQ(a.connection->address, "127.0.0.1");
  ASSERT_EQ(a.codecs.size(), 1u);
  EXPECT_EQ(a.codecs[0].name, "PCMU");
  EXPECT_EQ(a.codecs[0].clock, 8000u);
  EXPECT_EQ(a.ice_ufrag, "");
  EXPECT_FALSE(a.fingerprint.has_value());
}

TEST(SdpView, StaticPayloadWithoutRtpmap) {
  auto sd = parse("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\n"
                  "m=audio 4000 RTP/AVP 8 18 96\r\na=ptime:30\r\na=recvonly\r\n");
  ASSERT_TRUE(sd.ok());
  auto v = make_view(*sd);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->media[0].codecs[0].name, "PCMA");
  EXPECT_EQ(v->media[0].codecs[1].name, "G729");
  EXPECT_EQ(v->media[0].codecs[2].name, "");  // dynamic, no rtpmap
  EXPECT_EQ(v->media[0].ptime, 30u);
  EXPECT_EQ(v->media[0].direction, Direction::recvonly);
}

TEST(SdpView, SessionLevelIceAndDtlsAreInherited) {
  auto sd = parse("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\na=ice-lite\r\n"
                  "a=ice-ufrag:sess\r\na=ice-pwd:sessionpassword12345678\r\n"
                  "a=fingerprint:sha-1 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33\r\n"
                  "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:media\r\n"
                  "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\nc=IN IP4 0.0.0.0\r\n"
                  "a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n"
                  "a=end-of-candidates\r\n");
  ASSERT_TRUE(sd.ok()) << sd.error().message;
  auto v = make_view(*sd);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_TRUE(v->ice_lite);
  EXPECT_EQ(v->media[0].ice_ufrag, "media");
  EXPECT_EQ(v->media[0].ice_pwd, "sessionpassword12345678");
  EXPECT_EQ(v->media[0].fingerprint->algorithm, "sha-1");
  EXPECT_EQ(v->media[1].ice_ufrag, "sess");
  EXPECT_EQ(v->media[1].fingerprint->algorithm, "sha-256");
  EXPECT_TRUE(v->media[1].end_of_candidates);
}

struct BadView {
  const char* media_lines;
  const char* message_part;
};

class SdpViewBad : public ::testing::TestWithParam<BadView> {};

TEST_P(SdpViewBad, NamesTheLine) {
  std::string text = std::string("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n") +
                     GetParam().media_lines;
  auto sd = parse(text);
  ASSERT_TRUE(sd.ok()) << sd.error().message;
  auto v = make_view(*sd);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find(GetParam().message_part), std::string::npos) << v.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    SdpCases, SdpViewBad,
    ::testing::Values(
        BadView{"m=audio 1 RTP/AVP 0\r\na=candidate:1 1 udp 1 1.2.3.4 x typ host\r\n",
                "line 6: a=candidate: port 'x'"},
        BadView{"m=audio 1 RTP/AVP 0\r\na=mid:0\r\na=candidate:1 1 udp 1 1.2.3.4 5\r\n",
                "line 7: a=candidate: expected at least 8 fields"},
        BadView{"m=audio 1 RTP/AVP 0\r\na=rtpmap:0 PCMU\r\n", "line 6: a=rtpmap"},
        BadView{"m=audio 1 RTP/AVP 0\r\na=fingerprint:sha-256 zz\r\n", "line 6: a=fingerprint"},
        BadView{"m=audio 1 RTP/AVP 0\r\na=setup:both\r\n", "line 6: a=setup"},
        BadView{"m=audio 1 RTP/AVP 0\r\na=rtcp:x\r\n", "line 6: a=rtcp"},
        BadView{"m=audio 1 RTP/AVP abc\r\n", "line 5: m= format 'abc'"},
        BadView{"m=audio 1 RTP/AVP 200\r\n", "line 5: m= format '200'"},
        BadView{"m=audio 1 RTP/AVP 0\r\na=ice-ufrag\r\n", "line 6: a=ice-ufrag"},
        BadView{"m=audio 1 RTP/AVP 0\r\na=ptime:abc\r\n", "line 6: a=ptime"},
        BadView{"m=audio 1 RTP/AVP 0\r\na=crypto:1 X uri:y\r\n", "line 6: a=crypto"},
        BadView{"m=audio 1 RTP/AVP 0\r\na=ssrc:x cname:y\r\n", "line 6: a=ssrc"}));

}  // namespace
}  // namespace gw::sdp
