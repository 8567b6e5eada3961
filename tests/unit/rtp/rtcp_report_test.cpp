// RTCP SR/RR fields (RFC 3550 §6.4.1), our SR+SDES, NTP time and the RTT
// from LSR/DLSR; the RFC 6464 audio level in RFC 8285 header extensions.
#include "rtp/rtcp_report.hpp"

#include <gtest/gtest.h>

#include "rtp/audio_level.hpp"

namespace gw::rtp {
namespace {

using namespace std::chrono_literals;

TEST(RtcpReport, SenderReportRoundTripsThroughTheParser) {
  SenderInfo info{0x0123456789abcdefULL, 160000, 250, 43000};
  Bytes sr = build_sender_report(0xdeadbeef, info, "webrtc-gw");
  ASSERT_EQ(sr.size() % 4, 0U);
  EXPECT_TRUE(is_valid_rtcp(sr));
  auto packets = parse_rtcp_compound(sr);
  ASSERT_TRUE(packets.ok()) << packets.error().message;
  ASSERT_EQ(packets->size(), 2U);  // SR, then SDES (RFC 3550 §6.1)
  EXPECT_EQ((*packets)[0].packet_type(), 200);
  EXPECT_EQ((*packets)[0].ssrc(), 0xdeadbeefU);
  auto got = sender_info((*packets)[0]);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->ntp, info.ntp);
  EXPECT_EQ(got->rtp_timestamp, 160000U);
  EXPECT_EQ(got->packets, 250U);
  EXPECT_EQ(got->octets, 43000U);
  EXPECT_TRUE(report_blocks((*packets)[0]).empty());
  EXPECT_EQ((*packets)[1].packet_type(), 202);
  ByteView sdes = (*packets)[1].body();  // SSRC, CNAME item, terminator
  EXPECT_EQ(sdes[4], 1);                 // CNAME
  EXPECT_EQ(sdes[5], 9);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(sdes.data() + 6), 9), "webrtc-gw");
  EXPECT_EQ(sdes[15], 0);
}

TEST(RtcpReport, ReceiverReportBlocks) {
  // RR from SSRC 0x11111111 with one block on 0x22222222: 2 % lost (5/256),
  // cumulative -3 (24-bit signed), highest 0x00010064, jitter 40,
  // LSR 0xabcd1234, DLSR 1.5 s (98304 / 65536).
  const Bytes rr = {0x81, 201, 0x00, 0x07, 0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22, 0x05, 0xff,
                    0xff, 0xfd, 0x00, 0x01, 0x00, 0x64, 0x00, 0x00, 0x00, 0x28, 0xab, 0xcd, 0x12, 0x34,
                    0x00, 0x01, 0x80, 0x00};
  auto packets = parse_rtcp_compound(rr);
  ASSERT_TRUE(packets.ok()) << packets.error().message;
  auto blocks = report_blocks((*packets)[0]);
  ASSERT_EQ(blocks.size(), 1U);
  EXPECT_EQ(blocks[0].ssrc, 0x22222222U);
  EXPECT_EQ(blocks[0].fraction_lost, 5);
  EXPECT_EQ(blocks[0].cumulative_lost, -3);
  EXPECT_EQ(blocks[0].highest_sequence, 0x00010064U);
  EXPECT_EQ(blocks[0].jitter, 40U);
  EXPECT_EQ(blocks[0].lsr, 0xabcd1234U);
  EXPECT_EQ(blocks[0].dlsr, 98304U);
  EXPECT_FALSE(sender_info((*packets)[0]));

  // A count larger than the length holds: only the blocks present.
  Bytes lying = rr;
  lying[0] = 0x83;
  auto p2 = parse_rtcp_compound(lying);
  ASSERT_TRUE(p2.ok());
  EXPECT_EQ(report_blocks((*p2)[0]).size(), 1U);
}

TEST(RtcpReport, NtpTime) {
  // RFC 5905 §6: the Unix epoch is 2208988800 s after the NTP epoch.
  auto epoch = std::chrono::system_clock::time_point{};
  EXPECT_EQ(to_ntp(epoch), 2208988800ULL << 32);
  EXPECT_EQ(to_ntp(epoch + 500ms), (2208988800ULL << 32) | 0x80000000ULL);
  EXPECT_EQ(ntp_middle(0x0123456789abcdefULL), 0x456789abU);
}

TEST(RtcpReport, RoundTripFromLsrAndDlsr) {
  RoundTrip rtt;
  TimePoint t0 = TimePoint{} + 10s;
  rtt.on_sender_report_sent(0xabcd1234, t0);
  ReportBlock b;
  b.lsr = 0xabcd1234;
  b.dlsr = 32768;  // the receiver held it 0.5 s
  auto r = rtt.on_report_block(b, t0 + 620ms);
  ASSERT_TRUE(r);
  double ms = std::chrono::duration<double, std::milli>(*r).count();
  EXPECT_NEAR(ms, 120.0, 0.1);
  b.lsr = 0;  // no SR received yet
  EXPECT_FALSE(rtt.on_report_block(b, t0 + 1s));
  b.lsr = 0x11111111;  // an SR we do not know (someone else's)
  EXPECT_FALSE(rtt.on_report_block(b, t0 + 1s));
  // Eight newer SRs push it out.
  for (std::uint32_t i = 1; i <= 8; ++i) rtt.on_sender_report_sent(i, t0 + std::chrono::seconds(i));
  b.lsr = 0xabcd1234;
  EXPECT_FALSE(rtt.on_report_block(b, t0 + 9s));
}

// RTP with a header extension: profile, then `ext` (a multiple of 4 bytes).
Bytes rtp_with_extension(std::uint16_t profile, const Bytes& ext) {
  Bytes p = {0x90, 0x00, 0x00, 0x01, 0, 0, 0, 160, 0x12, 0x34, 0x56, 0x78};
  p.push_back(static_cast<std::uint8_t>(profile >> 8));
  p.push_back(static_cast<std::uint8_t>(profile));
  p.push_back(0);
  p.push_back(static_cast<std::uint8_t>(ext.size() / 4));
  p.insert(p.end(), ext.begin(), ext.end());
  p.insert(p.end(), {0xff, 0xff});  // payload
  return p;
}

TEST(AudioLevel, OneByteHeaderExtension) {
  // RFC 8285 §4.2: element id 3 with a 1-byte value, then id 1 (RFC 6464:
  // V=1, level 42), then padding.
  auto packet = rtp_with_extension(0xBEDE, {0x30, 0x07, 0x10, 0x80 | 42});
  auto view = RtpView::parse(packet);
  ASSERT_TRUE(view.ok()) << view.error().message;
  EXPECT_EQ(audio_level_dbov(*view, 1), 42);
  EXPECT_FALSE(audio_level_dbov(*view, 2));
  EXPECT_FALSE(audio_level_dbov(*view, 0));
}

TEST(AudioLevel, TwoByteHeaderExtension) {
  // RFC 8285 §4.3: id 20, length 1, level 127 (silence); padding.
  auto packet = rtp_with_extension(0x1000, {20, 1, 127, 0});
  auto view = RtpView::parse(packet);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(audio_level_dbov(*view, 20), 127);
}

TEST(AudioLevel, MalformedExtensionsAreIgnored) {
  // A one-byte element whose length runs past the extension.
  auto packet = rtp_with_extension(0xBEDE, {0x1f, 0, 0, 0});
  auto view = RtpView::parse(packet);
  ASSERT_TRUE(view.ok());
  EXPECT_FALSE(audio_level_dbov(*view, 1));
  // An unknown profile.
  auto other = rtp_with_extension(0xABCD, {0x10, 0x2a, 0, 0});
  auto v2 = RtpView::parse(other);
  ASSERT_TRUE(v2.ok());
  EXPECT_FALSE(audio_level_dbov(*v2, 1));
  // No extension at all.
  Bytes plain = {0x80, 0x00, 0x00, 0x01, 0, 0, 0, 160, 0x12, 0x34, 0x56, 0x78, 0xff};
  auto v3 = RtpView::parse(plain);
  ASSERT_TRUE(v3.ok());
  EXPECT_FALSE(audio_level_dbov(*v3, 1));
}

TEST(AudioLevel, Linear) {
  EXPECT_DOUBLE_EQ(audio_level_linear(0), 1.0);
  EXPECT_NEAR(audio_level_linear(20), 0.1, 1e-12);
  EXPECT_LT(audio_level_linear(127), 1e-6);
}

}  // namespace
}  // namespace gw::rtp
