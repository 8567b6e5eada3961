#include "sdp/webrtc_answer.hpp"

#include <gtest/gtest.h>

#include "sdp/media_view.hpp"
#include "sdp_test_util.hpp"

namespace gw::sdp {
namespace {

using testing::kChromeAudio;
using testing::kChromeAudioVideo;
using testing::kSippOffer;
using testing::parse_file;

const char* kFp =
    "sha-256 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";

WebrtcAnswerParams gateway() {
  WebrtcAnswerParams p;
  p.ice_ufrag = "gw01";
  p.ice_pwd = "abcdefghijklmnopqrstuvwx";
  p.candidates = {*parse_candidate("1 1 udp 2130706431 203.0.113.20 40000 typ host"),
                  *parse_candidate("2 1 tcp 1694498815 203.0.113.20 40001 typ host tcptype passive")};
  p.fingerprint = *parse_fingerprint(kFp);
  return p;
}

TEST(SdpWebrtcAnswer, AnswersChromiumAudioOffer) {
  auto offer = parse_file(kChromeAudio);
  auto answer = answer_webrtc_audio(offer, gateway());
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  // Reparse the text to check what goes on the wire.
  auto sd = parse(serialize(*answer));
  ASSERT_TRUE(sd.ok()) << sd.error().message;
  auto v = make_view(*sd);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->bundle(), std::vector<std::string>{"0"});
  EXPECT_FALSE(v->ice_lite);
  ASSERT_EQ(v->media.size(), 1u);
  const MediaView& a = v->media[0];
  EXPECT_EQ(a.media, "audio");
  EXPECT_EQ(a.port, 40000);
  EXPECT_EQ(a.proto, "UDP/TLS/RTP/SAVPF");
  EXPECT_EQ(a.connection->address, "203.0.113.20");
  EXPECT_EQ(a.mid, "0");
  EXPECT_EQ(a.direction, Direction::sendrecv);
  EXPECT_TRUE(a.rtcp_mux);
  EXPECT_TRUE(a.rtcp_rsize);
  EXPECT_EQ(a.ice_ufrag, "gw01");
  EXPECT_EQ(a.ice_pwd, "abcdefghijklmnopqrstuvwx");
  EXPECT_TRUE(a.ice_options.empty());
  ASSERT_EQ(a.candidates.size(), 2u);
  EXPECT_EQ(a.candidates[1].tcptype, TcpType::passive);
  EXPECT_TRUE(a.end_of_candidates);
  EXPECT_EQ(format_fingerprint(*a.fingerprint), kFp);
  EXPECT_EQ(a.setup, Setup::passive);  // default answer to actpass
  // opus, PCMU, PCMA, G722 with the offer's PTs, + telephone-event at 48000 and 8000.
  EXPECT_EQ(sd->media[0].formats, (std::vector<std::string>{"111", "0", "8", "9", "110", "126"}));
  EXPECT_EQ(a.codec(111)->fmtp, "minptime=10;useinbandfec=1");
  EXPECT_TRUE(a.codec(111)->rtcp_fb.empty());
  EXPECT_EQ(a.codec(110)->clock, 48000u);
  EXPECT_EQ(a.codec(126)->clock, 8000u);
  EXPECT_TRUE(a.ssrcs.empty());
  EXPECT_TRUE(a.extmaps.empty());
}

TEST(SdpWebrtcAnswer, OptionsLiteActiveSingleCodecSsrc) {
  WebrtcAnswerParams p = gateway();
  p.ice_lite = true;
  p.trickle = true;
  p.end_of_candidates = false;
  p.setup = Setup::active;
  p.codecs = *parse_codec_list("PCMA,telephone-event");
  p.single_codec = true;
  p.ssrc = 12345;
  p.address = "198.51.100.1";
  p.port = 50000;
  p.direction = Direction::recvonly;
  auto answer = answer_webrtc_audio(parse_file(kChromeAudio), p);
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  auto v = make_view(*answer);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ice_lite);
  EXPECT_EQ(v->msid_semantic, "WMS webrtc-gw");
  const MediaView& a = v->media[0];
  EXPECT_EQ(a.setup, Setup::active);
  EXPECT_EQ(a.ice_options, std::vector<std::string>{"trickle"});
  EXPECT_FALSE(a.end_of_candidates);
  EXPECT_EQ(a.port, 50000);
  EXPECT_EQ(a.connection->address, "198.51.100.1");
  EXPECT_EQ(answer->media[0].formats, (std::vector<std::string>{"8", "126"}));
  EXPECT_EQ(a.direction, Direction::recvonly);
  ASSERT_EQ(a.ssrcs.size(), 1u);
  EXPECT_EQ(a.ssrcs[0].ssrc, 12345u);
  EXPECT_EQ(a.msids[0].track_id, "audio0");
}

TEST(SdpWebrtcAnswer, RejectsVideoWithPortZeroKeepingMid) {
  auto answer = answer_webrtc_audio(parse_file(kChromeAudioVideo), gateway());
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  ASSERT_EQ(answer->media.size(), 2u);
  const MediaDescription& video = answer->media[1];
  EXPECT_EQ(video.media, "video");
  EXPECT_EQ(video.port, 0);
  EXPECT_EQ(video.proto, "UDP/TLS/RTP/SAVPF");
  EXPECT_EQ(*find_attribute(video.attributes, "mid")->value, "1");
  EXPECT_FALSE(has_attribute(video.attributes, "ice-ufrag"));
  auto v = make_view(*parse(serialize(*answer)));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->bundle(), std::vector<std::string>{"0"});  // video left out of BUNDLE
  EXPECT_TRUE(v->media[1].rejected());
  EXPECT_EQ(v->media[0].port, 40000);
}

TEST(SdpWebrtcAnswer, SetupRoles) {
  EXPECT_EQ(answer_setup(Setup::actpass, Setup::passive), Setup::passive);
  EXPECT_EQ(answer_setup(Setup::actpass, Setup::active), Setup::active);
  EXPECT_EQ(answer_setup(Setup::active, Setup::active), Setup::passive);
  EXPECT_EQ(answer_setup(Setup::passive, Setup::passive), Setup::active);
  EXPECT_FALSE(answer_setup(Setup::holdconn, Setup::passive).has_value());
}

TEST(SdpWebrtcAnswer, Errors) {
  auto sipp = answer_webrtc_audio(parse_file(kSippOffer), gateway());
  ASSERT_FALSE(sipp.ok());
  EXPECT_EQ(sipp.error().code, "sdp.not-webrtc");
  EXPECT_NE(sipp.error().message.find("line 6"), std::string::npos) << sipp.error().message;

  WebrtcAnswerParams p = gateway();
  p.codecs = *parse_codec_list("G729");
  auto none = answer_webrtc_audio(parse_file(kChromeAudio), p);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, "sdp.no-common-codec");

  p = gateway();
  p.ice_pwd = "short";
  EXPECT_EQ(answer_webrtc_audio(parse_file(kChromeAudio), p).error().code, "sdp.bad-params");

  SessionDescription nomux = parse_file(kChromeAudio);
  remove_attributes(nomux.media[0].attributes, "rtcp-mux");
  auto e = answer_webrtc_audio(nomux, gateway());
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("rtcp-mux"), std::string::npos);

  SessionDescription hold = parse_file(kChromeAudio);
  hold.media[0].attributes.emplace_back("setup", "holdconn");
  EXPECT_EQ(answer_webrtc_audio(hold, gateway()).error().code, "sdp.not-webrtc");

  SessionDescription video_only = parse_file(kChromeAudioVideo);
  video_only.media.erase(video_only.media.begin());
  EXPECT_EQ(answer_webrtc_audio(video_only, gateway()).error().code, "sdp.no-audio");
}

}  // namespace
}  // namespace gw::sdp
