#include "gateway/dtmf_detector.hpp"

#include "rtp/packet.hpp"
#include "rtp/telephone_event.hpp"

namespace gw::gateway {

std::optional<DetectedDigit> DtmfDetector::finish() {
  if (!pending_) return std::nullopt;
  Pending p = *pending_;
  pending_.reset();
  last_reported_ts_ = p.timestamp;
  auto digit = rtp::dtmf_digit(p.event);
  if (!digit || *digit == '!') return std::nullopt;  // flash or unknown: not a digit
  return DetectedDigit{*digit, static_cast<int>(static_cast<std::uint64_t>(p.duration) * 1000 / clock_rate_)};
}

std::vector<DetectedDigit> DtmfDetector::on_rtp(ByteView packet) {
  std::vector<DetectedDigit> out;
  auto v = rtp::RtpView::parse(packet);
  if (!v) return out;
  std::uint32_t ts = v->timestamp();
  auto emit = [&] {
    if (auto d = finish()) out.push_back(*d);
  };
  if (v->payload_type() != pt_) {
    // RFC 4733 §2.5.2.2: audio after the event (later timestamp) ends it.
    if (pending_ && static_cast<std::int32_t>(ts - pending_->timestamp) > 0) emit();
    return out;
  }
  auto ev = rtp::parse_telephone_event(v->payload());
  if (!ev) return out;
  // Repeated end packets, or late ones of an event already reported (RFC 1982-style serial compare).
  if (last_reported_ts_ && static_cast<std::int32_t>(ts - *last_reported_ts_) <= 0) return out;
  if (pending_ && static_cast<std::int32_t>(ts - pending_->timestamp) < 0) return out;  // older than the current event
  if (pending_ && pending_->timestamp != ts) emit();                // a new event: the old one is over
  pending_ = Pending{ts, ev->event, ev->duration};
  if (ev->end) emit();
  return out;
}

}  // namespace gw::gateway
