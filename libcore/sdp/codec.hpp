// An RTP payload format as negotiated in SDP (rtpmap + fmtp + rtcp-fb), the
// RFC 3551 §6 static payload type table, and the parser for the `--codecs`
// option syntax.
// Thread: any (pure functions).
//
// Usage:
//   auto list = gw::sdp::parse_codec_list("PCMU,PCMA,opus/48000/2,telephone-event/8000");
//   // -> PCMU pt 0, PCMA pt 8, opus pt 111, telephone-event pt 101 (fmtp "0-16")
//   // An explicit PT: "opus/48000/2:109". Unknown names need a clock: "L16/16000".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sdp/media_attributes.hpp"
#include "util/result.hpp"

namespace gw::sdp {

struct Codec {
  std::uint8_t pt = 0;
  std::string name;  // as written: "opus", "PCMU", "telephone-event"
  std::uint32_t clock = 8000;
  std::uint8_t channels = 1;
  std::string fmtp;                  // "minptime=10;useinbandfec=1", "" if none
  std::vector<std::string> rtcp_fb;  // "transport-cc", "nack pli"

  // Same payload format: name (case-insensitive), clock and channels.
  [[nodiscard]] bool same_format(const Codec& other) const;
  [[nodiscard]] bool is_telephone_event() const;  // RFC 4733
  [[nodiscard]] bool is_comfort_noise() const;    // RFC 3389
  // RED, RTX, FEC: formats that only wrap other formats.
  [[nodiscard]] bool is_auxiliary() const;
  [[nodiscard]] std::string encoding() const;  // "opus/48000/2", "PCMU/8000"
  [[nodiscard]] Rtpmap rtpmap() const;
  friend bool operator==(const Codec&, const Codec&) = default;
};

// RFC 3551 §6 static payload types (audio and video) or nullopt.
std::optional<Codec> static_codec(std::uint8_t pt);
// The static PT for a format, if it has one (PCMU/8000 -> 0).
std::optional<std::uint8_t> static_payload_type(const Codec& format);

// Parses "NAME[/CLOCK[/CHANNELS]][:PT]" items separated by commas and gives
// each a payload type: the explicit one, else the static one, else a usual
// dynamic one (opus 111, telephone-event/8000 101, telephone-event/48000 110),
// else the next free number from 96. Errors: code "sdp.bad-codec-list".
Result<std::vector<Codec>> parse_codec_list(std::string_view list);

// "PCMU/8000:0,opus/48000/2:111"; parse_codec_list reads it back.
std::string format_codec_list(const std::vector<Codec>& codecs);

}  // namespace gw::sdp
