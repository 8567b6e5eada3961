#include "rtp/audio_level.hpp"

#include <cmath>

namespace gw::rtp {

std::optional<std::uint8_t> audio_level_dbov(const RtpView& packet, std::uint8_t id) {
  if (!packet.has_extension() || id == 0) return std::nullopt;
  ByteView ext = packet.extension_data();
  const std::uint16_t profile = packet.extension_profile();
  const bool one_byte = profile == 0xBEDE;             // RFC 8285 §4.2
  const bool two_byte = (profile & 0xFFF0) == 0x1000;  // RFC 8285 §4.3
  if (!one_byte && !two_byte) return std::nullopt;
  std::size_t i = 0;
  while (i < ext.size()) {
    if (ext[i] == 0) {  // padding
      ++i;
      continue;
    }
    std::uint8_t elem_id = 0;
    std::size_t len = 0;
    if (one_byte) {
      elem_id = ext[i] >> 4;
      len = (ext[i] & 0x0f) + 1U;
      if (elem_id == 15) return std::nullopt;  // §4.2: stop parsing
      i += 1;
    } else {
      if (i + 1 >= ext.size()) return std::nullopt;
      elem_id = ext[i];
      len = ext[i + 1];
      i += 2;
    }
    if (i + len > ext.size()) return std::nullopt;
    if (elem_id == id) {
      if (len < 1) return std::nullopt;
      return static_cast<std::uint8_t>(ext[i] & 0x7f);  // RFC 6464 §3: V bit, then level
    }
    i += len;
  }
  return std::nullopt;
}

double audio_level_linear(std::uint8_t dbov) { return std::pow(10.0, -static_cast<double>(dbov) / 20.0); }

}  // namespace gw::rtp
