#include "sdp/session_description.hpp"

#include <gtest/gtest.h>

#include "sdp_test_util.hpp"

namespace gw::sdp {
namespace {

using testing::kChromeAudio;
using testing::kChromeAudioVideo;
using testing::kSippOffer;
using testing::read_data;

TEST(SdpModel, ParsesChromiumAudioOffer) {
  auto sd = parse(read_data(kChromeAudio));
  ASSERT_TRUE(sd.ok()) << sd.error().message;
  EXPECT_EQ(sd->origin.username, "-");
  EXPECT_EQ(sd->origin.session_id, "2787325773143971670");
  EXPECT_EQ(sd->origin.session_version, 2u);
  EXPECT_EQ(sd->origin.address, "127.0.0.1");
  EXPECT_EQ(sd->session_name, "-");
  ASSERT_EQ(sd->timings.size(), 1u);
  EXPECT_EQ(sd->timings[0].start, 0u);
  ASSERT_EQ(sd->attributes.size(), 3u);
  EXPECT_EQ(sd->attributes[0].name, "group");
  EXPECT_EQ(*sd->attributes[0].value, "BUNDLE 0");
  EXPECT_FALSE(sd->attributes[1].value.has_value());  // a=extmap-allow-mixed
  ASSERT_EQ(sd->media.size(), 1u);
  const auto& m = sd->media[0];
  EXPECT_EQ(m.media, "audio");
  EXPECT_EQ(m.port, 53787);
  EXPECT_EQ(m.proto, "UDP/TLS/RTP/SAVPF");
  EXPECT_EQ(m.formats, (std::vector<std::string>{"111", "63", "9", "0", "8", "13", "110", "126"}));
  EXPECT_EQ(m.line, 8);
  ASSERT_EQ(m.connections.size(), 1u);
  EXPECT_EQ(m.connections[0].address, "198.51.100.7");
  EXPECT_EQ(m.attributes.size(), 31u);
  const Attribute* mid = find_attribute(m.attributes, "mid");
  ASSERT_NE(mid, nullptr);
  EXPECT_EQ(*mid->value, "0");
  EXPECT_EQ(mid->line, 18);
  EXPECT_EQ(find_attributes(m.attributes, "rtpmap").size(), 8u);
  EXPECT_EQ(find_attribute(m.attributes, "rtcp-xr")->value, "rcvr-rtt=all");  // unknown, kept
}

TEST(SdpModel, ParsesSippOfferWithLfEnds) {
  auto sd = parse(read_data(kSippOffer));
  ASSERT_TRUE(sd.ok()) << sd.error().message;
  EXPECT_EQ(sd->origin.username, "user1");
  EXPECT_EQ(sd->origin.session_version, 2353687637u);
  ASSERT_TRUE(sd->connection.has_value());
  EXPECT_EQ(sd->connection->address, "127.0.0.1");
  ASSERT_EQ(sd->media.size(), 1u);
  EXPECT_EQ(sd->media[0].port, 36290);
  EXPECT_EQ(sd->media[0].proto, "RTP/AVP");
  EXPECT_EQ(effective_connection(*sd, sd->media[0])->address, "127.0.0.1");
}

class SdpRoundTrip : public ::testing::TestWithParam<const char*> {};

TEST_P(SdpRoundTrip, ParseSerializeParseIsEqual) {
  std::string text = read_data(GetParam());
  auto first = parse(text);
  ASSERT_TRUE(first.ok()) << first.error().message;
  std::string out = serialize(*first);
  auto second = parse(out);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(*first, *second);
  EXPECT_EQ(serialize(*second), out);
}

TEST_P(SdpRoundTrip, CanonicalCaptureIsByteExactWithCrlf) {
  std::string text = read_data(GetParam());
  std::string crlf;
  for (char c : text) {
    if (c == '\r') continue;
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  auto sd = parse(text);
  ASSERT_TRUE(sd.ok());
  EXPECT_EQ(serialize(*sd), crlf);
}

INSTANTIATE_TEST_SUITE_P(SdpCaptures, SdpRoundTrip,
                         ::testing::Values(kChromeAudio, kChromeAudioVideo, kSippOffer));

TEST(SdpModel, KeepsOptionalLinesThroughRoundTrip) {
  const char* text =
      "v=0\r\no=alice 1 1 IN IP6 ::1\r\ns=call\r\ni=info\r\nu=http://x\r\ne=a@b\r\np=+1\r\n"
      "c=IN IP6 ::1\r\nb=AS:64\r\nt=1 2\r\nr=7d 1h 0 25h\r\nz=2882844526 -1h\r\nk=prompt\r\n"
      "a=foo: bar \r\nm=audio 5004/2 RTP/AVP 0\r\ni=media\r\nc=IN IP4 224.2.1.1/127/3\r\n"
      "b=TIAS:64000\r\nk=clear:x\r\na=sendonly\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n";
  auto sd = parse(text);
  ASSERT_TRUE(sd.ok()) << sd.error().message;
  EXPECT_EQ(serialize(*sd), text);
  EXPECT_EQ(*sd->attributes[0].value, " bar ");
  EXPECT_EQ(sd->media[0].port_count, 2u);
  EXPECT_EQ(sd->media[0].connections[0].address, "224.2.1.1/127/3");
  EXPECT_EQ(sd->media[1].formats[0], "webrtc-datachannel");
}

TEST(SdpModel, ToleratesTrailingBlankLine) {
  EXPECT_TRUE(parse("v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nt=0 0\n\n").ok());
  EXPECT_TRUE(parse("v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nt=0 0").ok());  // no final newline
}

TEST(SdpModel, FuzzFindingsDoNotThrow) {
  EXPECT_FALSE(parse("\r").ok());  // lone CR without LF (was substr past the end)
  EXPECT_FALSE(parse("\n").ok());
  EXPECT_FALSE(parse("\r\n\r\n").ok());
}

struct BadCase {
  const char* text;
  const char* code;
  const char* message_part;
};

class SdpBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(SdpBadInput, FailsWithClearError) {
  auto sd = parse(GetParam().text);
  ASSERT_FALSE(sd.ok());
  EXPECT_EQ(sd.error().code, GetParam().code);
  EXPECT_NE(sd.error().message.find(GetParam().message_part), std::string::npos)
      << sd.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    SdpCases, SdpBadInput,
    ::testing::Values(
        BadCase{"", "sdp.syntax", "empty SDP"},
        BadCase{"o=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n", "sdp.syntax", "line 1: SDP must start with v="},
        BadCase{"v=1\r\n", "sdp.syntax", "line 1: unsupported version"},
        BadCase{"v=0\r\no=- 1 1 IN IP4\r\n", "sdp.syntax", "line 2: o= needs 6 fields"},
        BadCase{"v=0\r\no=- 1 x IN IP4 1.2.3.4\r\n", "sdp.syntax", "line 2: o= session version 'x'"},
        BadCase{"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio 70000 RTP/AVP 0\r\n",
                "sdp.syntax", "line 5: m= port '70000' is not a number"},
        BadCase{"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio x RTP/AVP 0\r\n",
                "sdp.syntax", "line 5: m= port 'x'"},
        BadCase{"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio 5000 RTP/AVP\r\n",
                "sdp.syntax", "line 5: m= needs"},
        BadCase{"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio 5000/0 RTP/AVP 0\r\n",
                "sdp.syntax", "line 5: m= port count"},
        BadCase{"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio 1 RTP/AVP 0\r\nt=0 0\r\n",
                "sdp.syntax", "line 6: t= is not allowed inside a media section"},
        BadCase{"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nx=1\r\n", "sdp.syntax",
                "line 5: unknown line type 'x='"},
        BadCase{"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n\r\nt=0 0\r\n", "sdp.syntax", "line 4: empty line"},
        BadCase{"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nhello\r\n", "sdp.syntax",
                "line 5: expected '<letter>=<value>'"},
        BadCase{"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nt=0 0\r\n", "sdp.syntax", "missing s= line"},
        BadCase{"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n", "sdp.syntax", "missing t= line"},
        BadCase{"v=0\r\ns=-\r\nt=0 0\r\n", "sdp.syntax", "missing o= line"},
        BadCase{"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4\r\nt=0 0\r\n", "sdp.syntax",
                "line 4: c= needs"},
        BadCase{"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nb=AS\r\nt=0 0\r\n", "sdp.syntax", "line 4: b= needs"},
        BadCase{"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\na=\r\n", "sdp.syntax", "line 5: empty a= line"},
        BadCase{"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\ns=x\r\nt=0 0\r\n", "sdp.syntax", "line 4: second s="},
        BadCase{"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nr=1 2 3\r\nt=0 0\r\n", "sdp.syntax",
                "line 4: r= before any t="}));

TEST(SdpModel, RefusesAbsurdSizes) {
  std::string big = "v=0\r\n" + std::string(kMaxSdpBytes, 'a');
  auto sd = parse(big);
  ASSERT_FALSE(sd.ok());
  EXPECT_EQ(sd.error().code, "sdp.too-large");

  std::string many = "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n";
  for (int i = 0; i < 2100; ++i) many += "a=x\r\n";
  sd = parse(many);
  ASSERT_FALSE(sd.ok());
  EXPECT_EQ(sd.error().code, "sdp.too-large");
  EXPECT_NE(sd.error().message.find("2000 lines"), std::string::npos);
}

TEST(SdpModel, RejectsNulInsideLine) {
  std::string text = "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-";
  text += '\0';
  text += "\r\nt=0 0\r\n";
  auto sd = parse(text);
  ASSERT_FALSE(sd.ok());
  EXPECT_NE(sd.error().message.find("line 3"), std::string::npos);
}

TEST(SdpModel, AttributeHelpers) {
  Attributes list{{"a", "1"}, {"b"}, {"a", "2"}};
  EXPECT_TRUE(has_attribute(list, "b"));
  EXPECT_EQ(find_attributes(list, "a").size(), 2u);
  remove_attributes(list, "a");
  EXPECT_EQ(list.size(), 1u);
  EXPECT_EQ(find_attribute(list, "a"), nullptr);
}

}  // namespace
}  // namespace gw::sdp
