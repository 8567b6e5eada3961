#include "ice/remote_description.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace gw::ice {
namespace {

std::string read_sdp(const std::string& name) {
  std::ifstream in(std::string(GW_TEST_DATA) + "/sdp/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(IceRemoteDescription, ChromiumAudioOffer) {
  auto r = remote_from_sdp(read_sdp("chromium156-offer-audio.sdp"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->credentials.ufrag, "vm/D");
  EXPECT_EQ(r->credentials.pwd, "NId3q1tTCyHk9nxZ24sAkndz");
  EXPECT_TRUE(r->trickle);
  EXPECT_FALSE(r->end_of_candidates);  // trickle, and no a=end-of-candidates
  EXPECT_FALSE(r->ice_lite);
  EXPECT_EQ(r->mid, "0");
  ASSERT_EQ(r->candidates.size(), 2u);
  EXPECT_EQ(r->candidates[0].address, "198.51.100.7");
  EXPECT_EQ(r->candidates[0].port, 53787);
  EXPECT_EQ(r->candidates[1].transport, sdp::CandidateTransport::tcp);
  EXPECT_EQ(r->candidates[1].tcptype, sdp::TcpType::active);
}

TEST(IceRemoteDescription, BundleTakesTheFirstBundledSection) {
  auto r = remote_from_sdp(read_sdp("chromium156-offer-audio-video.sdp"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->mid, "0");
  EXPECT_FALSE(r->credentials.ufrag.empty());
}

TEST(IceRemoteDescription, LiteAnswerWithoutTrickleEndsCandidates) {
  const char* sdp =
      "v=0\r\no=- 1 1 IN IP4 203.0.113.5\r\ns=-\r\nt=0 0\r\na=ice-lite\r\n"
      "m=audio 40000 UDP/TLS/RTP/SAVPF 0\r\nc=IN IP4 203.0.113.5\r\na=mid:audio\r\n"
      "a=ice-ufrag:gw01\r\na=ice-pwd:0123456789abcdefghijkl\r\n"
      "a=candidate:1 1 udp 2130706431 203.0.113.5 40000 typ host\r\n"
      "a=rtcp-mux\r\n";
  auto r = remote_from_sdp(sdp);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->ice_lite);
  EXPECT_FALSE(r->trickle);
  EXPECT_TRUE(r->end_of_candidates);  // RFC 8838 §4.1: not trickling = complete
  EXPECT_EQ(r->mid, "audio");
  ASSERT_EQ(r->candidates.size(), 1u);
}

TEST(IceRemoteDescription, Errors) {
  EXPECT_FALSE(remote_from_sdp("").ok());
  EXPECT_FALSE(remote_from_sdp("hello\r\n").ok());
  const char* no_ice = "v=0\r\no=- 1 1 IN IP4 198.51.100.1\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
  auto r = remote_from_sdp(no_ice);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "ice.bad-ufrag");
  const char* rejected = "v=0\r\no=- 1 1 IN IP4 198.51.100.1\r\ns=-\r\nt=0 0\r\nm=audio 0 RTP/AVP 0\r\n";
  auto r2 = remote_from_sdp(rejected);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().code, "ice.no-section");
}

}  // namespace
}  // namespace gw::ice
