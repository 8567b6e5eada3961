#include "sdp/media_attributes.hpp"

#include <algorithm>

#include "sdp/text_util.hpp"

namespace gw::sdp {
namespace {

using text::quote;
using text::split_ws;
using text::to_uint;

Error bad(std::string_view attr, std::string_view what) {
  return make_error("sdp.bad-attribute", "a=" + std::string(attr) + ": " + std::string(what));
}

std::optional<std::uint8_t> payload_type(std::string_view s) { return to_uint<std::uint8_t>(s, 127); }

// "<pt> <rest>" as used by rtpmap and fmtp.
bool split_pt(std::string_view value, std::string_view& pt, std::string_view& rest) {
  auto sp = value.find(' ');
  if (sp == std::string_view::npos) return false;
  pt = value.substr(0, sp);
  rest = text::trim(value.substr(sp + 1));
  return true;
}

}  // namespace

std::string_view to_string(Direction d) {
  switch (d) {
    case Direction::sendrecv: return "sendrecv";
    case Direction::sendonly: return "sendonly";
    case Direction::recvonly: return "recvonly";
    case Direction::inactive: return "inactive";
  }
  return "sendrecv";
}

std::optional<Direction> parse_direction(std::string_view s) {
  if (s == "sendrecv") return Direction::sendrecv;
  if (s == "sendonly") return Direction::sendonly;
  if (s == "recvonly") return Direction::recvonly;
  if (s == "inactive") return Direction::inactive;
  return std::nullopt;
}

Direction direction_of(const Attributes& list) {
  Direction d = Direction::sendrecv;
  for (const auto& a : list)
    if (!a.value)
      if (auto p = parse_direction(a.name)) d = *p;
  return d;
}

void set_direction(Attributes& list, Direction d) {
  std::erase_if(list, [](const Attribute& a) { return !a.value && parse_direction(a.name); });
  list.emplace_back(std::string(to_string(d)));
}

Direction make_direction(bool send, bool receive) {
  if (send && receive) return Direction::sendrecv;
  if (send) return Direction::sendonly;
  if (receive) return Direction::recvonly;
  return Direction::inactive;
}

Result<Rtpmap> parse_rtpmap(std::string_view value) {
  std::string_view pt, enc;
  if (!split_pt(value, pt, enc)) return bad("rtpmap", "expected '<pt> <name>/<clock>'");
  auto p = payload_type(pt);
  if (!p) return bad("rtpmap", "payload type " + quote(pt) + " is not in 0..127");
  auto parts = text::split(enc, '/');
  if (parts.size() < 2 || parts.size() > 3 || parts[0].empty())
    return bad("rtpmap", "expected '<name>/<clock>[/<channels>]', got " + quote(enc));
  auto clock = to_uint<std::uint32_t>(parts[1]);
  if (!clock || *clock == 0) return bad("rtpmap", "clock rate " + quote(parts[1]) + " is invalid");
  Rtpmap r{*p, std::string(parts[0]), *clock, 0};
  if (parts.size() == 3) {
    auto ch = to_uint<std::uint8_t>(parts[2]);
    if (!ch || *ch == 0) return bad("rtpmap", "channel count " + quote(parts[2]) + " is invalid");
    r.channels = *ch;
  }
  return r;
}

std::string format_rtpmap(const Rtpmap& r) {
  std::string s = std::to_string(r.pt) + " " + r.name + "/" + std::to_string(r.clock);
  if (r.channels > 0) s += "/" + std::to_string(r.channels);
  return s;
}

Result<Fmtp> parse_fmtp(std::string_view value) {
  std::string_view pt, params;
  if (!split_pt(value, pt, params)) return bad("fmtp", "expected '<pt> <parameters>'");
  auto p = payload_type(pt);
  if (!p) return bad("fmtp", "payload type " + quote(pt) + " is not in 0..127");
  return Fmtp{*p, std::string(params)};
}

Result<RtcpFb> parse_rtcp_fb(std::string_view value) {
  std::string_view pt, fb;
  if (!split_pt(value, pt, fb) || fb.empty())
    return bad("rtcp-fb", "expected '<pt> <feedback>'");
  if (pt != "*" && !payload_type(pt))
    return bad("rtcp-fb", "payload type " + quote(pt) + " is not in 0..127 or '*'");
  return RtcpFb{std::string(pt), std::string(fb)};
}

Result<RtcpAttr> parse_rtcp(std::string_view value) {
  auto f = split_ws(value);
  if (f.size() != 1 && f.size() != 4)
    return bad("rtcp", "expected '<port> [IN IP4|IP6 <address>]', got " + quote(value));
  auto port = to_uint<std::uint16_t>(f[0]);
  if (!port) return bad("rtcp", "port " + quote(f[0]) + " is not in 0..65535");
  RtcpAttr r{*port, std::nullopt};
  if (f.size() == 4) r.address = Connection{std::string(f[1]), std::string(f[2]), std::string(f[3])};
  return r;
}

std::string format_rtcp(const RtcpAttr& r) {
  std::string s = std::to_string(r.port);
  if (r.address) s += " " + r.address->net_type + " " + r.address->addr_type + " " + r.address->address;
  return s;
}

Result<Extmap> parse_extmap(std::string_view value) {
  auto f = split_ws(value);
  if (f.size() < 2) return bad("extmap", "expected '<id>[/<direction>] <uri>'");
  Extmap e;
  std::string_view id = f[0];
  if (auto slash = id.find('/'); slash != std::string_view::npos) {
    e.direction = parse_direction(id.substr(slash + 1));
    if (!e.direction) return bad("extmap", "direction " + quote(id.substr(slash + 1)) + " is unknown");
    id = id.substr(0, slash);
  }
  auto n = to_uint<std::uint16_t>(id, 4096);
  if (!n || *n == 0) return bad("extmap", "id " + quote(id) + " is not in 1..4096");
  e.id = *n;
  e.uri = std::string(f[1]);
  for (std::size_t i = 2; i < f.size(); ++i) {
    if (!e.attributes.empty()) e.attributes += ' ';
    e.attributes += f[i];
  }
  return e;
}

std::string format_extmap(const Extmap& e) {
  std::string s = std::to_string(e.id);
  if (e.direction) s += "/" + std::string(to_string(*e.direction));
  s += " " + e.uri;
  if (!e.attributes.empty()) s += " " + e.attributes;
  return s;
}

Result<SsrcAttr> parse_ssrc(std::string_view value) {
  auto sp = value.find(' ');
  auto id = to_uint<std::uint32_t>(value.substr(0, sp));
  if (!id) return bad("ssrc", "SSRC " + quote(value.substr(0, sp)) + " is not a 32-bit number");
  if (sp == std::string_view::npos) return bad("ssrc", "missing '<attribute>[:<value>]'");
  std::string_view rest = text::trim(value.substr(sp + 1));
  auto colon = rest.find(':');
  SsrcAttr s{*id, std::string(rest.substr(0, colon)), {}};
  if (colon != std::string_view::npos) s.value = std::string(rest.substr(colon + 1));
  if (s.attribute.empty()) return bad("ssrc", "missing attribute name");
  return s;
}

Result<SsrcGroup> parse_ssrc_group(std::string_view value) {
  auto f = split_ws(value);
  if (f.empty()) return bad("ssrc-group", "missing semantics");
  SsrcGroup g{std::string(f[0]), {}};
  for (std::size_t i = 1; i < f.size(); ++i) {
    auto id = to_uint<std::uint32_t>(f[i]);
    if (!id) return bad("ssrc-group", "SSRC " + quote(f[i]) + " is not a 32-bit number");
    g.ssrcs.push_back(*id);
  }
  return g;
}

Result<Msid> parse_msid(std::string_view value) {
  auto f = split_ws(value);
  if (f.empty() || f.size() > 2) return bad("msid", "expected '<stream-id> [<track-id>]'");
  return Msid{std::string(f[0]), f.size() == 2 ? std::string(f[1]) : std::string()};
}

Result<Group> parse_group(std::string_view value) {
  auto f = split_ws(value);
  if (f.empty()) return bad("group", "missing semantics");
  Group g{std::string(f[0]), {}};
  for (std::size_t i = 1; i < f.size(); ++i) g.mids.emplace_back(f[i]);
  return g;
}

std::string format_group(const Group& g) {
  std::string s = g.semantics;
  for (const auto& m : g.mids) s += " " + m;
  return s;
}

std::optional<std::uint32_t> parse_ptime(std::string_view value) {
  value = text::trim(value);
  if (auto dot = value.find('.'); dot != std::string_view::npos) value = value.substr(0, dot);
  return to_uint<std::uint32_t>(value, 10000);
}

}  // namespace gw::sdp
