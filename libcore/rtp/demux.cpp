#include "rtp/demux.hpp"

namespace gw::rtp {

std::string_view packet_class_name(PacketClass c) {
  switch (c) {
    case PacketClass::stun: return "stun";
    case PacketClass::zrtp: return "zrtp";
    case PacketClass::dtls: return "dtls";
    case PacketClass::turn_channel: return "turn-channel";
    case PacketClass::rtp: return "rtp";
    case PacketClass::rtcp: return "rtcp";
    case PacketClass::unknown: break;
  }
  return "unknown";
}

}  // namespace gw::rtp
