// Turns a leg's RFC 4733 telephone-event packets into digits: one digit per
// event, reported once when its end packet arrives (the E bit is sent three
// times, RFC 4733 §2.5.1.4, and events may be lost, so the event's RTP
// timestamp identifies it). An event whose end never comes is reported when
// the next event or a normal packet with a later timestamp shows it is over.
// Thread: one thread at a time (the leg's media shard).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "util/bytes.hpp"

namespace gw::gateway {

struct DetectedDigit {
  char digit = '0';
  int duration_ms = 0;
  friend bool operator==(const DetectedDigit&, const DetectedDigit&) = default;
};

class DtmfDetector {
 public:
  DtmfDetector(std::uint8_t telephone_event_pt, std::uint32_t clock_rate)
      : pt_(telephone_event_pt), clock_rate_(clock_rate == 0 ? 8000 : clock_rate) {}

  // One plain RTP packet of the leg (any payload type). Returns the digits
  // it completed: usually none, at most two (a lost end, then a new event).
  std::vector<DetectedDigit> on_rtp(ByteView packet);
  [[nodiscard]] std::uint8_t payload_type() const { return pt_; }

 private:
  std::optional<DetectedDigit> finish();

  std::uint8_t pt_;
  std::uint32_t clock_rate_;
  struct Pending {
    std::uint32_t timestamp = 0;
    std::uint8_t event = 0;
    std::uint16_t duration = 0;
  };
  std::optional<Pending> pending_;
  std::optional<std::uint32_t> last_reported_ts_;
};

}  // namespace gw::gateway
