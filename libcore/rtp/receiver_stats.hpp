// Receiver statistics for one RTP source, as RFC 3550 Appendix A computes
// them: A.1 sequence tracking (wrap, probation, restarts), A.3 loss (cumulative
// and fraction per interval), A.8 interarrival jitter.
// Thread: one thread at a time (the owner's media loop).
#pragma once

#include <cstdint>
#include <optional>

#include "util/clock.hpp"

namespace gw::rtp {

struct ReceiverReport {
  std::uint32_t ssrc = 0;
  std::uint64_t received = 0;          // packets counted (A.1: after probation)
  std::uint64_t expected = 0;          // A.3
  std::int64_t cumulative_lost = 0;    // A.3, may be negative with duplicates
  std::uint8_t fraction_lost = 0;      // A.3, 8-bit fixed point, last interval
  std::uint32_t extended_max_seq = 0;  // cycles + max_seq
  std::uint32_t jitter = 0;            // A.8, timestamp units
  double jitter_ms = 0;                // jitter in milliseconds at the clock rate
};

class ReceiverStats {
 public:
  // `clock_rate`: RTP timestamp units per second (8000 for G.711, 48000 Opus).
  explicit ReceiverStats(std::uint32_t clock_rate = 8000) : clock_rate_(clock_rate) {}

  void set_clock_rate(std::uint32_t rate) { clock_rate_ = rate == 0 ? 8000 : rate; }
  [[nodiscard]] std::uint32_t clock_rate() const { return clock_rate_; }

  // Accounts one packet. A new SSRC restarts the statistics. Returns false
  // when A.1 does not count it (still in probation, or a large jump that
  // waits for confirmation).
  bool on_packet(std::uint32_t ssrc, std::uint16_t seq, std::uint32_t rtp_ts, TimePoint arrival);

  // The report so far; `fraction_lost` covers the interval since the last
  // call with `close_interval` true (RFC 3550 A.3), or since the start.
  ReceiverReport report(bool close_interval = false);

  [[nodiscard]] bool active() const { return ssrc_.has_value(); }

 private:
  void init_seq(std::uint16_t seq);
  bool update_seq(std::uint16_t seq);
  void update_jitter(std::uint32_t rtp_ts, TimePoint arrival);

  std::uint32_t clock_rate_;
  std::optional<std::uint32_t> ssrc_;
  // RFC 3550 A.1 source state.
  std::uint16_t max_seq_ = 0;
  std::uint32_t cycles_ = 0;
  std::uint32_t base_seq_ = 0;
  std::uint32_t bad_seq_ = 0;
  std::uint32_t probation_ = 0;
  std::uint64_t received_ = 0;
  std::uint64_t expected_prior_ = 0;
  std::uint64_t received_prior_ = 0;
  std::uint8_t last_fraction_ = 0;
  // RFC 3550 A.8 jitter state (jitter scaled by 16 as in the RFC's integer form).
  bool have_transit_ = false;
  std::int64_t transit_ = 0;
  std::uint64_t jitter_q4_ = 0;
  TimePoint epoch_{};
};

}  // namespace gw::rtp
