// DTMF as RFC 4733 telephone-events inside the RTP stream: a sender plan (the
// packets of one digit and when to send them) and a receiver that reports
// each digit once (the end packet is sent three times, §2.5.1.4).
// Thread: any (sans-IO value types).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "util/bytes.hpp"

namespace gw::sip {

struct DtmfPacket {
  unsigned at_ms = 0;  // offset from the start of the digit
  Bytes packet;        // a complete RTP packet
};

struct DtmfPlanParams {
  char digit = '1';
  unsigned duration_ms = 100;
  std::uint8_t payload_type = 101;
  std::uint32_t clock = 8000;
  std::uint32_t ssrc = 0;
  std::uint16_t first_seq = 0;
  std::uint32_t timestamp = 0;  // the event's RTP timestamp (its start)
  std::uint8_t volume = 10;
  unsigned step_ms = 50;        // §2.5.1.2: updates every 50 ms is usual
};

// Packets for one digit: updates every step_ms (marker on the first, §2.5.1.1),
// then three end packets (E bit). Empty when the digit is not a DTMF symbol.
std::vector<DtmfPacket> plan_rfc4733(const DtmfPlanParams& p);

struct ReceivedDtmf {
  char digit = 0;
  unsigned duration_ms = 0;
};

class DtmfReceiver {
 public:
  // Feed each RTP packet whose PT is the negotiated telephone-event; returns a
  // digit when an event ends (once per event, whatever the retransmissions).
  std::optional<ReceivedDtmf> on_packet(ByteView rtp_packet, std::uint32_t clock);
  [[nodiscard]] std::uint64_t malformed() const { return malformed_; }

 private:
  std::optional<std::uint32_t> last_ts_;
  std::uint32_t last_ssrc_ = 0;
  std::uint64_t malformed_ = 0;
};

}  // namespace gw::sip
