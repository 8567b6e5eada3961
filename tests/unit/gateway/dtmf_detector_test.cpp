// RFC 4733 telephone-event sequences as browsers send them (§2.5.1: a start
// packet with M set, updates every 20 ms, three end packets with E set, all
// with the event's first timestamp) into the gateway's digit detector.
#include <gtest/gtest.h>

#include "gateway/dtmf_detector.hpp"
#include "rtp/packet.hpp"
#include "rtp/telephone_event.hpp"

namespace gw::gateway {
namespace {

constexpr std::uint8_t kTePt = 101;
constexpr std::uint8_t kAudioPt = 0;
constexpr std::uint32_t kSsrc = 0xCAFE;

class Sender {
 public:
  Bytes event(std::uint32_t ts, std::uint8_t code, std::uint16_t duration, bool end, bool marker = false,
              std::uint8_t pt = kTePt) {
    rtp::TelephoneEvent ev{code, end, 10, duration};
    auto payload = rtp::encode_telephone_event(ev);
    return rtp::build_rtp(pt, seq_++, ts, kSsrc, payload, marker);
  }
  Bytes audio(std::uint32_t ts) {
    Bytes payload(160, 0xFF);
    return rtp::build_rtp(kAudioPt, seq_++, ts, kSsrc, payload);
  }
  // A whole digit: start, updates every `step`, then `ends` end packets.
  std::vector<Bytes> digit(std::uint32_t ts, std::uint8_t code, std::uint16_t total, int ends,
                           std::uint16_t step = 160) {
    std::vector<Bytes> out;
    out.push_back(event(ts, code, step, false, true));
    for (std::uint16_t d = 2 * step; d < total; d += step) out.push_back(event(ts, code, d, false));
    for (int i = 0; i < ends; ++i) out.push_back(event(ts, code, total, true));
    return out;
  }

 private:
  std::uint16_t seq_ = 1000;
};

std::vector<DetectedDigit> feed(DtmfDetector& d, const std::vector<Bytes>& packets) {
  std::vector<DetectedDigit> all;
  for (const auto& p : packets) {
    auto got = d.on_rtp(p);
    all.insert(all.end(), got.begin(), got.end());
  }
  return all;
}

TEST(DtmfDetector, DigitWithThreeEndPacketsIsReportedOnce) {
  DtmfDetector d(kTePt, 8000);
  Sender s;
  auto packets = s.digit(16000, 5, 800, 3);  // 100 ms
  // Reported exactly when the first end packet arrives.
  std::size_t first_end = packets.size() - 3;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    auto got = d.on_rtp(packets[i]);
    if (i == first_end) {
      ASSERT_EQ(got.size(), 1u);
      EXPECT_EQ(got[0], (DetectedDigit{'5', 100}));
    } else {
      EXPECT_TRUE(got.empty()) << "packet " << i;
    }
  }
  // Audio after it does not report it again.
  EXPECT_TRUE(d.on_rtp(s.audio(16000 + 960)).empty());
}

TEST(DtmfDetector, EventCodesMapToDigits) {
  DtmfDetector d(kTePt, 8000);
  Sender s;
  const std::string expected = "0123456789*#ABCD";
  std::string got;
  std::uint32_t ts = 1000;
  for (std::uint8_t code = 0; code < 16; ++code, ts += 2000) {
    for (const auto& digit : feed(d, s.digit(ts, code, 640, 3))) {
      got += digit.digit;
      EXPECT_EQ(digit.duration_ms, 80);
    }
  }
  EXPECT_EQ(got, expected);
}

TEST(DtmfDetector, LostEndPacketsReportedOnNextEvent) {
  DtmfDetector d(kTePt, 8000);
  Sender s;
  auto first = s.digit(8000, 1, 480, 0);  // no end packet arrives: last duration 320
  EXPECT_TRUE(feed(d, first).empty());
  auto got = d.on_rtp(s.event(8000 + 1600, 2, 160, false, true));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], (DetectedDigit{'1', 40}));  // 320 samples seen
  got = feed(d, {s.event(9600, 2, 480, true), s.event(9600, 2, 480, true)});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], (DetectedDigit{'2', 60}));
}

TEST(DtmfDetector, LostEndAndNewEndOnlyGivesTwoDigitsAtOnce) {
  DtmfDetector d(kTePt, 8000);
  Sender s;
  EXPECT_TRUE(d.on_rtp(s.event(100, 7, 160, false, true)).empty());
  // Every packet of the second digit but its end was lost too.
  auto got = d.on_rtp(s.event(2000, 8, 800, true));
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], (DetectedDigit{'7', 20}));
  EXPECT_EQ(got[1], (DetectedDigit{'8', 100}));
}

TEST(DtmfDetector, LostEndPacketsReportedOnLaterAudio) {
  DtmfDetector d(kTePt, 8000);
  Sender s;
  EXPECT_TRUE(feed(d, s.digit(50000, 9, 640, 0)).empty());
  // Audio with the event's own timestamp (or earlier) does not end it.
  EXPECT_TRUE(d.on_rtp(s.audio(50000)).empty());
  EXPECT_TRUE(d.on_rtp(s.audio(49840)).empty());
  auto got = d.on_rtp(s.audio(50000 + 800));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], (DetectedDigit{'9', 60}));
  EXPECT_TRUE(d.on_rtp(s.audio(50000 + 960)).empty());
}

TEST(DtmfDetector, TimestampWrapIsLater) {
  DtmfDetector d(kTePt, 8000);
  Sender s;
  EXPECT_TRUE(d.on_rtp(s.event(0xFFFFFF00u, 3, 160, false, true)).empty());
  auto got = d.on_rtp(s.audio(0x00000040u));  // wrapped: later
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].digit, '3');
}

TEST(DtmfDetector, TwoDigitsBackToBack) {
  DtmfDetector d(kTePt, 8000);
  Sender s;
  auto a = s.digit(24000, 1, 800, 3);
  auto b = s.digit(24000 + 800, 1, 960, 3);  // same digit again, next timestamp
  auto c = s.digit(24000 + 1760, 11, 400, 3);
  std::vector<Bytes> all = a;
  all.insert(all.end(), b.begin(), b.end());
  all.insert(all.end(), c.begin(), c.end());
  auto got = feed(d, all);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], (DetectedDigit{'1', 100}));
  EXPECT_EQ(got[1], (DetectedDigit{'1', 120}));
  EXPECT_EQ(got[2], (DetectedDigit{'#', 50}));
}

TEST(DtmfDetector, FlashAndUnknownEventsAreIgnored) {
  DtmfDetector d(kTePt, 8000);
  Sender s;
  EXPECT_TRUE(feed(d, s.digit(1000, 16, 800, 3)).empty());  // flash
  EXPECT_TRUE(feed(d, s.digit(3000, 32, 800, 3)).empty());  // modem tone (RFC 4734)
  EXPECT_TRUE(feed(d, s.digit(5000, 255, 800, 3)).empty());
  // A flash left open is not reported on the next digit either.
  EXPECT_TRUE(d.on_rtp(s.event(7000, 16, 160, false, true)).empty());
  auto got = feed(d, s.digit(9000, 4, 800, 3));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].digit, '4');
}

TEST(DtmfDetector, WrongPayloadTypeIsIgnored) {
  DtmfDetector d(kTePt, 8000);
  Sender s;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(d.on_rtp(s.event(4000, 5, 800, true, false, 100)).empty());
  EXPECT_TRUE(d.on_rtp(s.event(4000, 5, 800, true, false, kAudioPt)).empty());
  EXPECT_EQ(d.payload_type(), kTePt);
}

TEST(DtmfDetector, MalformedPacketsAreIgnored) {
  DtmfDetector d(kTePt, 8000);
  Sender s;
  Bytes short_payload = rtp::build_rtp(kTePt, 1, 100, kSsrc, Bytes{5, 0x80});
  EXPECT_TRUE(d.on_rtp(short_payload).empty());
  EXPECT_TRUE(d.on_rtp(Bytes{0x80, 101, 0}).empty());
  EXPECT_TRUE(d.on_rtp(Bytes{}).empty());
  // Still works afterwards.
  EXPECT_EQ(feed(d, s.digit(200, 0, 800, 3)).size(), 1u);
}

TEST(DtmfDetector, DurationUsesTheEventClock) {
  DtmfDetector wide(kTePt, 48000);
  Sender s;
  auto got = feed(wide, s.digit(480000, 12, 4800, 3, 960));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], (DetectedDigit{'A', 100}));
  DtmfDetector zero(kTePt, 0);  // 0 means 8 kHz
  got = feed(zero, s.digit(1, 13, 1600, 3));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], (DetectedDigit{'B', 200}));
}

TEST(DtmfDetector, LongEventDurationDoesNotOverflow) {
  DtmfDetector d(kTePt, 8000);
  Sender s;
  auto got = feed(d, {s.event(10, 6, 65535, true)});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].duration_ms, 8191);
}

// RFC 4733 §2.5.2.2 / RFC 3550: packets may be reordered. A retransmitted
// end packet of an earlier digit, arriving after a later digit was reported,
// belongs to an event that is over and must not give the digit again.
TEST(DtmfDetector, LateEndPacketOfEarlierDigitIsNotReportedAgain) {
  DtmfDetector d(kTePt, 8000);
  Sender s;
  auto a = s.digit(1000, 1, 800, 2);
  Bytes late_a_end = s.event(1000, 1, 800, true);
  auto b = s.digit(1800, 2, 800, 3);
  EXPECT_EQ(feed(d, a).size(), 1u);
  EXPECT_EQ(feed(d, b).size(), 1u);
  EXPECT_TRUE(d.on_rtp(late_a_end).empty()) << "digit '1' reported twice";
}

}  // namespace
}  // namespace gw::gateway
