#include "rtp/receiver_stats.hpp"

#include <gtest/gtest.h>

using namespace gw;
using namespace gw::rtp;

namespace {
constexpr std::uint32_t kSsrc = 0x1234;
}

TEST(ReceiverStats, ProbationThenCounts) {
  FakeClock clock;
  ReceiverStats s;
  EXPECT_FALSE(s.on_packet(kSsrc, 100, 0, clock.now()));  // probation (RFC 3550 A.1)
  EXPECT_TRUE(s.on_packet(kSsrc, 101, 160, clock.now()));
  for (std::uint16_t q = 102; q < 110; ++q) EXPECT_TRUE(s.on_packet(kSsrc, q, 0, clock.now()));
  auto r = s.report();
  EXPECT_EQ(r.received, 9U);
  EXPECT_EQ(r.expected, 9U);
  EXPECT_EQ(r.cumulative_lost, 0);
  EXPECT_EQ(r.fraction_lost, 0);
}

TEST(ReceiverStats, SequenceWrapExtendsCycles) {
  FakeClock clock;
  ReceiverStats s;
  std::uint16_t seq = 65530;
  for (int i = 0; i < 12; ++i) s.on_packet(kSsrc, seq++, 0, clock.now());
  auto r = s.report();
  EXPECT_EQ(r.extended_max_seq, 65536U + 5U);  // one cycle, max_seq 5
  EXPECT_EQ(r.expected, 11U);
  EXPECT_EQ(r.cumulative_lost, 0);
}

TEST(ReceiverStats, LossAndFractionPerInterval) {
  FakeClock clock;
  ReceiverStats s;
  for (std::uint16_t q = 0; q < 2; ++q) s.on_packet(kSsrc, q, 0, clock.now());
  // 1..101 expected after base 1; every 4th (4..100) lost.
  for (std::uint16_t q = 2; q <= 101; ++q) {
    if (q % 4 == 0) continue;
    s.on_packet(kSsrc, q, 0, clock.now());
  }
  auto r = s.report(true);
  EXPECT_EQ(r.expected, 101U);
  EXPECT_EQ(r.cumulative_lost, 25);
  EXPECT_EQ(r.fraction_lost, (25 * 256) / 101);
  // Next interval without loss: fraction back to 0, cumulative unchanged.
  for (std::uint16_t q = 102; q <= 150; ++q) s.on_packet(kSsrc, q, 0, clock.now());
  auto r2 = s.report(true);
  EXPECT_EQ(r2.fraction_lost, 0);
  EXPECT_EQ(r2.cumulative_lost, 25);
}

TEST(ReceiverStats, DuplicatesMakeLossNegative) {
  FakeClock clock;
  ReceiverStats s;
  for (std::uint16_t q = 0; q < 10; ++q) s.on_packet(kSsrc, q, 0, clock.now());
  s.on_packet(kSsrc, 5, 0, clock.now());
  s.on_packet(kSsrc, 6, 0, clock.now());
  EXPECT_EQ(s.report().cumulative_lost, -2);
}

TEST(ReceiverStats, LargeJumpNeedsConfirmation) {
  FakeClock clock;
  ReceiverStats s;
  for (std::uint16_t q = 0; q < 5; ++q) s.on_packet(kSsrc, q, 0, clock.now());
  EXPECT_FALSE(s.on_packet(kSsrc, 40000, 0, clock.now()));
  EXPECT_TRUE(s.on_packet(kSsrc, 40001, 0, clock.now()));  // confirmed: restart
  auto r = s.report();
  EXPECT_EQ(r.received, 1U);
  EXPECT_EQ(r.expected, 1U);
}

TEST(ReceiverStats, JitterZeroForPerfectPacing) {
  FakeClock clock;
  ReceiverStats s(8000);
  std::uint32_t ts = 1000;
  for (std::uint16_t q = 0; q < 50; ++q) {
    s.on_packet(kSsrc, q, ts, clock.now());
    ts += 160;
    clock.advance(milliseconds(20));
  }
  EXPECT_EQ(s.report().jitter, 0U);
}

TEST(ReceiverStats, JitterConvergesToConstantDeviation) {
  // Alternating 10 ms / 30 ms arrival gaps around 20 ms timestamps: |D| = 80
  // timestamp units every packet, so J converges to 80 (RFC 3550 A.8).
  FakeClock clock;
  ReceiverStats s(8000);
  std::uint32_t ts = 0;
  for (std::uint16_t q = 0; q < 400; ++q) {
    s.on_packet(kSsrc, q, ts, clock.now());
    ts += 160;
    clock.advance(milliseconds(q % 2 == 0 ? 10 : 30));
  }
  auto r = s.report();
  EXPECT_NEAR(r.jitter, 80, 2);
  EXPECT_NEAR(r.jitter_ms, 10.0, 0.3);
}

TEST(ReceiverStats, NewSsrcRestarts) {
  FakeClock clock;
  ReceiverStats s;
  for (std::uint16_t q = 0; q < 10; ++q) s.on_packet(kSsrc, q, 0, clock.now());
  s.on_packet(99, 500, 0, clock.now());
  s.on_packet(99, 501, 0, clock.now());
  auto r = s.report();
  EXPECT_EQ(r.ssrc, 99U);
  EXPECT_EQ(r.received, 1U);
}
