// Demultiplexing one port shared by STUN, DTLS, RTP and RTCP: RFC 7983 §7
// (first byte) and RFC 5761 §4 (RTP vs RTCP by the second byte).
// Thread: any (pure functions).
#pragma once

#include <cstdint>
#include <string_view>

#include "util/bytes.hpp"

namespace gw::rtp {

enum class PacketClass : std::uint8_t {
  stun,          // [0..3]
  zrtp,          // [16..19]
  dtls,          // [20..63]
  turn_channel,  // [64..79]
  rtp,           // [128..191], second byte not in [192..223]
  rtcp,          // [128..191], second byte in [192..223] (RFC 5761 §4)
  unknown,       // anything else, or empty
};

std::string_view packet_class_name(PacketClass c);

// RFC 7983 §7 decision tree on the first byte; RTP/RTCP split per RFC 5761 §4.
// Only looks at up to two bytes: callers still validate the packet itself.
inline PacketClass classify(ByteView packet) {
  if (packet.empty()) return PacketClass::unknown;
  std::uint8_t b = packet[0];
  if (b <= 3) return PacketClass::stun;
  if (b >= 16 && b <= 19) return PacketClass::zrtp;
  if (b >= 20 && b <= 63) return PacketClass::dtls;
  if (b >= 64 && b <= 79) return PacketClass::turn_channel;
  if (b >= 128 && b <= 191) {
    if (packet.size() < 2) return PacketClass::unknown;
    std::uint8_t pt = packet[1];
    return (pt >= 192 && pt <= 223) ? PacketClass::rtcp : PacketClass::rtp;
  }
  return PacketClass::unknown;
}

}  // namespace gw::rtp
