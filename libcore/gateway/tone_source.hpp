// The built-in `tone` target's audio: a 425 Hz test tone in G.711 (PCMU or
// PCMA, RFC 3551 §4.5.14), one 20 ms RTP packet per call of next_packet().
// A tone the caller can hear tells a one-way problem apart from a dead call.
// Thread: one thread at a time (the leg's media shard).
#pragma once

#include <array>
#include <cstdint>

#include "util/bytes.hpp"

namespace gw::gateway {

// ITU-T G.711 encoders of one 16-bit linear sample.
std::uint8_t linear_to_ulaw(std::int16_t sample);
std::uint8_t linear_to_alaw(std::int16_t sample);

class ToneSource {
 public:
  static constexpr std::size_t kSamplesPerPacket = 160;  // 20 ms at 8 kHz
  static constexpr double kFrequencyHz = 425.0;          // ITU-T E.180 dial tone
  enum class Law : std::uint8_t { ulaw, alaw };

  ToneSource(std::uint8_t payload_type, Law law, std::uint32_t ssrc);
  // The next RTP packet (header + 160 bytes); sequence and timestamp advance.
  Bytes next_packet();
  [[nodiscard]] std::uint32_t ssrc() const { return ssrc_; }

 private:
  std::uint8_t pt_;
  std::uint32_t ssrc_;
  std::uint16_t seq_;
  std::uint32_t ts_;
  std::size_t phase_ = 0;  // index into one second of samples
  bool first_ = true;
  std::array<std::uint8_t, 8000> table_{};  // one second: 425 Hz repeats exactly
};

}  // namespace gw::gateway
