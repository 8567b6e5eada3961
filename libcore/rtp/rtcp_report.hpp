// RTCP sender and receiver reports (RFC 3550 §6.4): what a report block says,
// a sender report to send, and the round-trip time computed from the LSR and
// DLSR fields of the report blocks that answer the SRs we sent (§6.4.1).
// Thread: any (value types; RoundTrip belongs to one leg's thread).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "rtp/packet.hpp"
#include "util/bytes.hpp"
#include "util/clock.hpp"

namespace gw::rtp {

struct SenderInfo {  // RFC 3550 §6.4.1
  std::uint64_t ntp = 0;            // 32.32 fixed point seconds since 1900
  std::uint32_t rtp_timestamp = 0;
  std::uint32_t packets = 0, octets = 0;
};

struct ReportBlock {  // RFC 3550 §6.4.1
  std::uint32_t ssrc = 0;           // the source reported on
  std::uint8_t fraction_lost = 0;
  std::int32_t cumulative_lost = 0;  // 24-bit signed
  std::uint32_t highest_sequence = 0, jitter = 0;
  std::uint32_t lsr = 0;            // middle 32 bits of the last SR's NTP time (0: none yet)
  std::uint32_t dlsr = 0;           // delay since it, in 1/65536 s
};

// The sender info of an SR (packet type 200); nullopt for other types or a short packet.
std::optional<SenderInfo> sender_info(const RtcpView& packet);
// The report blocks of an SR or RR (200/201): at most the count the header
// gives and the length holds; empty for other types.
std::vector<ReportBlock> report_blocks(const RtcpView& packet);

// A compound SR with no report blocks, then SDES with the CNAME (RFC 3550
// §6.1: every compound packet carries a CNAME).
Bytes build_sender_report(std::uint32_t ssrc, const SenderInfo& info, std::string_view cname);

// NTP time (RFC 5905 §6) of a wall-clock time, and its middle 32 bits (LSR).
std::uint64_t to_ntp(std::chrono::system_clock::time_point t);
constexpr std::uint32_t ntp_middle(std::uint64_t ntp) { return static_cast<std::uint32_t>(ntp >> 16); }

// Round trip to the receiver of our SRs: the SRs we sent (ours or forwarded)
// are remembered by their NTP middle bits; a report block naming one gives
// RTT = arrival - sent - DLSR (RFC 3550 §6.4.1, measured on our own clock so
// that a forwarded SR's foreign NTP clock does not matter).
class RoundTrip {
 public:
  void on_sender_report_sent(std::uint32_t lsr, TimePoint when);
  // The RTT when `block` answers an SR we remember; nullopt otherwise.
  std::optional<Duration> on_report_block(const ReportBlock& block, TimePoint now) const;

 private:
  struct Sent {
    std::uint32_t lsr = 0;
    TimePoint when{};
  };
  std::array<Sent, 8> sent_{};  // SRs go out about once a second: 8 s of them
  std::size_t next_ = 0;
};

}  // namespace gw::rtp
