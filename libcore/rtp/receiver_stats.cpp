#include "rtp/receiver_stats.hpp"

#include <algorithm>
#include <chrono>

namespace gw::rtp {

namespace {
// RFC 3550 A.1 constants.
constexpr std::uint32_t kMinSequential = 2;
constexpr std::uint32_t kMaxDropout = 3000;
constexpr std::uint32_t kMaxMisorder = 100;
constexpr std::uint32_t kSeqMod = 1U << 16;
}  // namespace

void ReceiverStats::init_seq(std::uint16_t seq) {  // RFC 3550 A.1 init_seq()
  base_seq_ = seq;
  max_seq_ = seq;
  bad_seq_ = kSeqMod + 1;  // so seq == bad_seq is false
  cycles_ = 0;
  received_ = 0;
  received_prior_ = 0;
  expected_prior_ = 0;
}

bool ReceiverStats::update_seq(std::uint16_t seq) {  // RFC 3550 A.1 update_seq()
  auto udelta = static_cast<std::uint16_t>(seq - max_seq_);
  if (probation_ > 0) {
    if (seq == static_cast<std::uint16_t>(max_seq_ + 1)) {
      probation_--;
      max_seq_ = seq;
      if (probation_ == 0) {
        init_seq(seq);
        received_++;
        return true;
      }
    } else {
      probation_ = kMinSequential - 1;
      max_seq_ = seq;
    }
    return false;
  }
  if (udelta < kMaxDropout) {
    if (seq < max_seq_) cycles_ += kSeqMod;  // wrapped
    max_seq_ = seq;
  } else if (udelta <= kSeqMod - kMaxMisorder) {
    // A very large jump: restart only when the next packet confirms it.
    if (seq == bad_seq_) {
      init_seq(seq);
    } else {
      bad_seq_ = (seq + 1U) & (kSeqMod - 1);
      return false;
    }
  }
  // else: duplicate or reordered packet, counted.
  received_++;
  return true;
}

void ReceiverStats::update_jitter(std::uint32_t rtp_ts, TimePoint arrival) {  // RFC 3550 A.8
  auto since = std::chrono::duration_cast<std::chrono::microseconds>(arrival - epoch_).count();
  auto arrival_ts = static_cast<std::uint32_t>(
      static_cast<std::uint64_t>(since) * clock_rate_ / 1000000U);
  auto transit = static_cast<std::int32_t>(arrival_ts - rtp_ts);
  if (have_transit_) {
    std::int64_t d = static_cast<std::int32_t>(static_cast<std::uint32_t>(transit) -
                                               static_cast<std::uint32_t>(transit_));
    if (d < 0) d = -d;
    // jitter += (|D| - jitter) / 16, in the RFC's scaled-by-16 integer form.
    auto j = static_cast<std::int64_t>(jitter_q4_);
    j += d - ((j + 8) >> 4);
    jitter_q4_ = static_cast<std::uint64_t>(std::max<std::int64_t>(j, 0));
  }
  transit_ = transit;
  have_transit_ = true;
}

bool ReceiverStats::on_packet(std::uint32_t ssrc, std::uint16_t seq, std::uint32_t rtp_ts,
                              TimePoint arrival) {
  if (!ssrc_ || *ssrc_ != ssrc) {  // new source: A.1 "source initialisation"
    ssrc_ = ssrc;
    init_seq(seq);
    max_seq_ = static_cast<std::uint16_t>(seq - 1);
    probation_ = kMinSequential;
    have_transit_ = false;
    jitter_q4_ = 0;
    last_fraction_ = 0;
    epoch_ = arrival;
  }
  bool counted = update_seq(seq);
  update_jitter(rtp_ts, arrival);
  return counted;
}

ReceiverReport ReceiverStats::report(bool close_interval) {
  ReceiverReport r;
  if (!ssrc_) return r;
  r.ssrc = *ssrc_;
  r.received = received_;
  r.extended_max_seq = cycles_ + max_seq_;
  if (probation_ == 0) {
    // RFC 3550 A.3
    std::uint64_t ext_max = std::uint64_t{cycles_} + max_seq_;
    r.expected = ext_max + 1 >= base_seq_ ? ext_max - base_seq_ + 1 : 0;
    r.cumulative_lost = static_cast<std::int64_t>(r.expected) - static_cast<std::int64_t>(received_);
    auto expected_interval = static_cast<std::int64_t>(r.expected - expected_prior_);
    auto received_interval = static_cast<std::int64_t>(received_ - received_prior_);
    std::int64_t lost_interval = expected_interval - received_interval;
    std::uint8_t fraction = 0;
    if (expected_interval > 0 && lost_interval > 0) {
      fraction = static_cast<std::uint8_t>(std::min<std::int64_t>((lost_interval << 8) / expected_interval, 255));
    }
    r.fraction_lost = fraction;
    if (close_interval) {
      expected_prior_ = r.expected;
      received_prior_ = received_;
    }
  }
  r.jitter = static_cast<std::uint32_t>(jitter_q4_ >> 4);
  r.jitter_ms = 1000.0 * r.jitter / clock_rate_;
  return r;
}

}  // namespace gw::rtp
