// The `tone` target: ITU-T G.711 encoders against a reference decoder
// written from the standard's tables, and the RTP stream of the 425 Hz tone.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <numbers>

#include "gateway/tone_source.hpp"
#include "rtp/packet.hpp"

namespace gw::gateway {
namespace {

// G.711 Table 2 (mu-law): code = inverted (sign, 3-bit segment, 4-bit
// step); decision value magnitude = ((2*step + 33) << segment) - 33 in
// 14-bit units, i.e. ((step << 3) + 0x84) << segment) - 0x84 at 16-bit scale.
int ulaw_decode(std::uint8_t code) {
  int u = static_cast<std::uint8_t>(~code);
  int seg = (u >> 4) & 7, step = u & 0x0F;
  int mag = (((step << 3) + 0x84) << seg) - 0x84;
  return (u & 0x80) != 0 ? -mag : mag;
}

// G.711 Table 1 (A-law): even bits inverted (0x55); sign bit 1 = positive;
// segment 0 is linear with the same step as segment 1.
int alaw_decode(std::uint8_t code) {
  int a = code ^ 0x55;
  int seg = (a >> 4) & 7, step = a & 0x0F;
  int mag = seg == 0 ? (step << 4) + 8 : ((step << 4) + 0x108) << (seg - 1);
  return (a & 0x80) != 0 ? mag : -mag;
}

// Width of the quantization interval the code belongs to (16-bit scale).
int ulaw_interval(std::uint8_t code) {
  return 8 << ((static_cast<std::uint8_t>(~code) >> 4) & 7);
}
int alaw_interval(std::uint8_t code) {
  int seg = ((code ^ 0x55) >> 4) & 7;
  return seg == 0 ? 16 : 16 << (seg - 1);
}

TEST(G711, ReferenceVectors) {
  EXPECT_EQ(linear_to_ulaw(0), 0xFF);
  EXPECT_EQ(linear_to_alaw(0), 0xD5);
  EXPECT_EQ(linear_to_ulaw(-1), 0x7F);  // negative zero
  EXPECT_EQ(linear_to_alaw(-1), 0x55);
  EXPECT_EQ(linear_to_ulaw(32767), 0x80);  // full scale positive
  EXPECT_EQ(linear_to_ulaw(-32768), 0x00);
  EXPECT_EQ(linear_to_ulaw(-32767), 0x00);
  EXPECT_EQ(linear_to_alaw(32767), 0xAA);
  EXPECT_EQ(linear_to_alaw(-32768), 0x2A);
  EXPECT_EQ(linear_to_alaw(-32767), 0x2A);
  // Segment edges (mu-law: 16-bit value + 0x84 crosses a power of two).
  EXPECT_EQ(linear_to_ulaw(123), 0xF0);  // 123+132 = 255: last of segment 0
  EXPECT_EQ(linear_to_ulaw(124), 0xEF);  // 256: first of segment 1
  EXPECT_EQ(linear_to_alaw(255), 0xDA);  // 13-bit 31: last of segment 0
  EXPECT_EQ(linear_to_alaw(256), 0xC5);  // 13-bit 32: first of segment 1
  EXPECT_EQ(ulaw_decode(0xFF), 0);
  EXPECT_EQ(ulaw_decode(0x80), 32124);
  EXPECT_EQ(ulaw_decode(0x00), -32124);
  EXPECT_EQ(alaw_decode(0xD5), 8);
  EXPECT_EQ(alaw_decode(0xAA), 32256);
  EXPECT_EQ(alaw_decode(0x2A), -32256);
}

TEST(G711, EveryCodeRoundTrips) {
  for (int c = 0; c < 256; ++c) {
    auto code = static_cast<std::uint8_t>(c);
    if (code != 0x7F) {  // mu-law -0 decodes to 0, which encodes as +0
      EXPECT_EQ(linear_to_ulaw(static_cast<std::int16_t>(ulaw_decode(code))), code) << "ulaw " << c;
    }
    EXPECT_EQ(linear_to_alaw(static_cast<std::int16_t>(alaw_decode(code))), code) << "alaw " << c;
  }
}

TEST(G711, SweepStaysWithinQuantizationStep) {
  int prev_u = -40000, prev_a = -40000;
  for (int x = -32768; x <= 32767; ++x) {
    auto s = static_cast<std::int16_t>(x);
    std::uint8_t u = linear_to_ulaw(s), a = linear_to_alaw(s);
    int du = ulaw_decode(u), da = alaw_decode(a);
    // Clipping above the top decision value (mu-law 32635+, A-law 32767).
    if (std::abs(x) <= 32124) {
      ASSERT_LE(std::abs(du - x), ulaw_interval(u)) << "ulaw x=" << x;
    } else {
      ASSERT_EQ(std::abs(du), 32124) << "ulaw x=" << x;
    }
    ASSERT_LE(std::abs(da - x), alaw_interval(a)) << "alaw x=" << x;
    ASSERT_GE(du, prev_u) << "mu-law must be monotonic at " << x;
    ASSERT_GE(da, prev_a) << "A-law must be monotonic at " << x;
    ASSERT_EQ(du < 0, x < 0 && du != 0) << "ulaw sign at " << x;
    prev_u = du;
    prev_a = da;
  }
}

// Power of one frequency (generalized Goertzel), normalized so that a pure
// tone of any amplitude gives its share of the signal's energy.
double tone_share(const std::vector<double>& x, double freq) {
  double w = 2 * std::numbers::pi * freq / 8000.0, coeff = 2 * std::cos(w);
  double s1 = 0, s2 = 0, energy = 0;
  for (double v : x) {
    double s0 = v + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
    energy += v * v;
  }
  double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return energy == 0 ? 0 : 2 * power / (static_cast<double>(x.size()) * energy);
}

struct Decoded {
  std::vector<rtp::RtpView> views;
  std::vector<double> samples;
};

void check_stream(ToneSource::Law law, std::uint8_t pt) {
  constexpr std::uint32_t kSsrc = 0x11223344;
  ToneSource tone(pt, law, kSsrc);
  std::vector<Bytes> packets;
  for (int i = 0; i < 50; ++i) packets.push_back(tone.next_packet());  // one second
  std::vector<double> samples;
  double peak = 0;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    ASSERT_EQ(packets[i].size(), 172u);
    auto v = rtp::RtpView::parse(packets[i]);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v->payload_type(), pt);
    EXPECT_EQ(v->ssrc(), kSsrc);
    EXPECT_EQ(v->marker(), i == 0) << i;
    ASSERT_EQ(v->payload().size(), 160u);
    if (i > 0) {
      auto p = rtp::RtpView::parse(packets[i - 1]);
      EXPECT_EQ(static_cast<std::uint16_t>(p->sequence() + 1), v->sequence());
      EXPECT_EQ(p->timestamp() + 160u, v->timestamp());
    }
    for (auto b : v->payload()) {
      double s = law == ToneSource::Law::ulaw ? ulaw_decode(b) : alaw_decode(b);
      peak = std::max(peak, std::abs(s));
      samples.push_back(s);
    }
  }
  EXPECT_GT(tone_share(samples, 425.0), 0.95);
  for (double other : {350.0, 400.0, 450.0, 1000.0, 2000.0})
    EXPECT_LT(tone_share(samples, other), 0.02) << other;
  // -12 dBFS-ish, never near clipping.
  EXPECT_GT(peak, 7000);
  EXPECT_LT(peak, 9000);
  // Continuity across packets: every 20 ms window holds the tone as well.
  std::vector<double> window(samples.begin() + 160 * 7, samples.begin() + 160 * 8);
  EXPECT_GT(tone_share(window, 425.0), 0.9);
}

TEST(ToneSource, PcmuStream) {
  check_stream(ToneSource::Law::ulaw, 0);
}
TEST(ToneSource, PcmaStream) {
  check_stream(ToneSource::Law::alaw, 8);
}

TEST(ToneSource, SequenceWrapsAndStartsRandom) {
  ToneSource a(0, ToneSource::Law::ulaw, 1), b(0, ToneSource::Law::ulaw, 1);
  const Bytes pa = a.next_packet(), pb = b.next_packet();  // the views point into these
  auto va = rtp::RtpView::parse(pa), vb = rtp::RtpView::parse(pb);
  ASSERT_TRUE(va.ok() && vb.ok());
  // RFC 3550 §5.1: random initial sequence and timestamp (2^-48 to collide).
  EXPECT_FALSE(va->sequence() == vb->sequence() && va->timestamp() == vb->timestamp());
  std::uint16_t first = va->sequence();
  Bytes last;
  for (int i = 0; i < 70000; ++i) last = a.next_packet();
  auto vl = rtp::RtpView::parse(last);
  EXPECT_EQ(vl->sequence(), static_cast<std::uint16_t>(first + 70000));
  EXPECT_FALSE(vl->marker());
}

}  // namespace
}  // namespace gw::gateway
