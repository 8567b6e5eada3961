// The client-to-mixer audio level (RFC 6464) carried in an RTP header
// extension (RFC 8285, one-byte or two-byte form), e.g. Chromium's
// "urn:ietf:params:rtp-hdrext:ssrc-audio-level".
// Thread: any (pure functions).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "rtp/packet.hpp"

namespace gw::rtp {

inline constexpr std::string_view kAudioLevelUri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";

// The level in -dBov (0 loudest .. 127 silence) of element `id` (1..255),
// nullopt when the packet does not carry it or the extension is malformed.
std::optional<std::uint8_t> audio_level_dbov(const RtpView& packet, std::uint8_t id);

// -dBov as the linear 0..1 of WebRTC's audioLevel (1.0 at 0 dBov).
double audio_level_linear(std::uint8_t dbov);

}  // namespace gw::rtp
