// Typed view of an SDP for the RTP and WebRTC profiles: per media section
// the mid, direction, rtcp-mux/rsize, a=rtcp, ICE (RFC 8839), DTLS (RFC 8842),
// SDES (RFC 4568), codecs (rtpmap+fmtp+rtcp-fb, static PTs filled in from
// RFC 3551), ssrc, msid, extmap; at session level ice-lite, groups (BUNDLE,
// RFC 8843) and msid-semantic. Session-level ICE/DTLS attributes are
// inherited by each section. Malformed known attributes are errors naming
// the line; unknown attributes are ignored (they stay in the model).
// Thread: any (pure functions).
//
// Usage:
//   auto sd = gw::sdp::parse(text);
//   auto v = gw::sdp::make_view(*sd);          // Result<SessionView>
//   const auto& audio = v->media[0];
//   audio.ice_ufrag; audio.fingerprint->bytes; audio.codecs[0].pt;  // 111
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sdp/candidate.hpp"
#include "sdp/codec.hpp"
#include "sdp/media_attributes.hpp"
#include "sdp/security_attributes.hpp"
#include "sdp/session_description.hpp"
#include "util/result.hpp"

namespace gw::sdp {

struct MediaView {
  std::size_t index = 0;  // position in SessionDescription::media
  std::string media;      // "audio", "video", "application"
  std::uint16_t port = 0;
  std::string proto;
  std::optional<Connection> connection;  // effective c= (media, else session)
  [[nodiscard]] bool rejected() const { return port == 0; }
  [[nodiscard]] bool is_rtp() const;   // proto contains "RTP/"
  [[nodiscard]] bool is_dtls() const;  // UDP/TLS/RTP/SAVP(F) or TCP/DTLS/...

  std::string mid;
  Direction direction = Direction::sendrecv;
  bool rtcp_mux = false;   // RFC 5761
  bool rtcp_rsize = false; // RFC 5506
  bool bundle_only = false;
  std::optional<RtcpAttr> rtcp;  // RFC 3605
  std::optional<std::uint32_t> ptime, maxptime;

  std::string ice_ufrag, ice_pwd;
  std::vector<std::string> ice_options;  // "trickle", "ice2"
  std::vector<Candidate> candidates;
  bool end_of_candidates = false;
  std::optional<Fingerprint> fingerprint;
  std::optional<Setup> setup;
  std::vector<Crypto> crypto;

  std::vector<Codec> codecs;  // in m= order; unknown dynamic PTs have name ""
  std::vector<SsrcAttr> ssrcs;
  std::vector<SsrcGroup> ssrc_groups;
  std::vector<Msid> msids;
  std::vector<Extmap> extmaps;

  [[nodiscard]] const Codec* codec(std::uint8_t pt) const;
  // First codec of the same format (name/clock/channels), or nullptr.
  [[nodiscard]] const Codec* find_codec(const Codec& format) const;
};

struct SessionView {
  bool ice_lite = false;
  std::vector<Group> groups;
  std::optional<std::string> msid_semantic;  // "WMS ..." trimmed
  std::vector<MediaView> media;

  // Mids of the first a=group:BUNDLE, empty if none.
  [[nodiscard]] std::vector<std::string> bundle() const;
  [[nodiscard]] const MediaView* find_mid(std::string_view mid) const;
  // First section of this media type that is not rejected, or nullptr.
  [[nodiscard]] const MediaView* first_active(std::string_view media) const;
};

Result<SessionView> make_view(const SessionDescription& sd);

}  // namespace gw::sdp
