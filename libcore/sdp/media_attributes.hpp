// Typed values of the RTP-related SDP attributes: direction, rtpmap, fmtp,
// rtcp-fb, rtcp, extmap, ssrc, ssrc-group, msid, group. Each parse_* takes
// the attribute value (the text after "a=name:") and each format_* gives it
// back. Errors carry the code "sdp.bad-attribute"; callers add the line.
// Thread: any (pure functions).
//
// Usage:
//   auto rm = gw::sdp::parse_rtpmap("111 opus/48000/2");  // rm->pt == 111
//   auto dir = gw::sdp::direction_of(media.attributes);   // sendrecv if absent
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sdp/session_description.hpp"
#include "util/result.hpp"

namespace gw::sdp {

// RFC 8866 §6.7 / RFC 3264 §5.1
enum class Direction : std::uint8_t { sendrecv, sendonly, recvonly, inactive };
std::string_view to_string(Direction d);
std::optional<Direction> parse_direction(std::string_view s);
// The last direction attribute in the list, or sendrecv (RFC 8866 §6.7).
Direction direction_of(const Attributes& list);
// Replaces any direction attribute by d (appended at the end of the list).
void set_direction(Attributes& list, Direction d);
inline bool sends(Direction d) { return d == Direction::sendrecv || d == Direction::sendonly; }
inline bool receives(Direction d) { return d == Direction::sendrecv || d == Direction::recvonly; }
Direction make_direction(bool send, bool receive);

// a=rtpmap:<pt> <name>/<clock>[/<channels>] (RFC 8866 §6.6)
struct Rtpmap {
  std::uint8_t pt = 0;
  std::string name;
  std::uint32_t clock = 0;
  std::uint8_t channels = 0;  // 0: not given (means 1 for audio)
  friend bool operator==(const Rtpmap&, const Rtpmap&) = default;
};
Result<Rtpmap> parse_rtpmap(std::string_view value);
std::string format_rtpmap(const Rtpmap& r);

// a=fmtp:<pt> <parameters> (RFC 8866 §6.15)
struct Fmtp {
  std::uint8_t pt = 0;
  std::string params;
};
Result<Fmtp> parse_fmtp(std::string_view value);

// a=rtcp-fb:<pt|*> <type> [<subtype>] (RFC 4585 §4.2)
struct RtcpFb {
  std::string pt;        // "111" or "*"
  std::string feedback;  // "transport-cc", "nack pli", "ccm fir"
};
Result<RtcpFb> parse_rtcp_fb(std::string_view value);

// a=rtcp:<port> [<nettype> <addrtype> <address>] (RFC 3605)
struct RtcpAttr {
  std::uint16_t port = 0;
  std::optional<Connection> address;
  friend bool operator==(const RtcpAttr&, const RtcpAttr&) = default;
};
Result<RtcpAttr> parse_rtcp(std::string_view value);
std::string format_rtcp(const RtcpAttr& r);

// a=extmap:<id>[/<direction>] <uri> [<attributes>] (RFC 8285 §8)
struct Extmap {
  std::uint16_t id = 0;
  std::optional<Direction> direction;
  std::string uri;
  std::string attributes;
};
Result<Extmap> parse_extmap(std::string_view value);
std::string format_extmap(const Extmap& e);

// a=ssrc:<ssrc> <attribute>[:<value>] (RFC 5576 §4.1)
struct SsrcAttr {
  std::uint32_t ssrc = 0;
  std::string attribute;  // cname, msid, ...
  std::string value;
};
Result<SsrcAttr> parse_ssrc(std::string_view value);

// a=ssrc-group:<semantics> <ssrc> ... (RFC 5576 §4.2)
struct SsrcGroup {
  std::string semantics;  // FID, SIM, FEC-FR
  std::vector<std::uint32_t> ssrcs;
};
Result<SsrcGroup> parse_ssrc_group(std::string_view value);

// a=msid:<stream-id> [<track-id>] (RFC 8830 §2)
struct Msid {
  std::string stream_id;
  std::string track_id;
};
Result<Msid> parse_msid(std::string_view value);

// a=group:<semantics> <mid> ... (RFC 5888 §5), e.g. BUNDLE (RFC 8843)
struct Group {
  std::string semantics;
  std::vector<std::string> mids;
};
Result<Group> parse_group(std::string_view value);
std::string format_group(const Group& g);

// a=ptime / a=maxptime (RFC 8866 §6.4, §6.5); fractional values are rounded down.
std::optional<std::uint32_t> parse_ptime(std::string_view value);

}  // namespace gw::sdp
