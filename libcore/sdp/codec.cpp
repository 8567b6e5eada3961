#include "sdp/codec.hpp"

#include <array>
#include <set>

#include "sdp/text_util.hpp"

namespace gw::sdp {
namespace {

struct StaticEntry {
  std::uint8_t pt;
  const char* name;
  std::uint32_t clock;
  std::uint8_t channels;
};

// RFC 3551 §6, Tables 4 and 5 (entries still in use).
constexpr std::array<StaticEntry, 17> kStatic{{
    {0, "PCMU", 8000, 1},   {3, "GSM", 8000, 1},    {4, "G723", 8000, 1},
    {5, "DVI4", 8000, 1},   {6, "DVI4", 16000, 1},  {7, "LPC", 8000, 1},
    {8, "PCMA", 8000, 1},   {9, "G722", 8000, 1},   {10, "L16", 44100, 2},
    {11, "L16", 44100, 1},  {12, "QCELP", 8000, 1}, {13, "CN", 8000, 1},
    {14, "MPA", 90000, 1},  {15, "G728", 8000, 1},  {18, "G729", 8000, 1},
    {26, "JPEG", 90000, 1}, {34, "H263", 90000, 1},
}};

struct Known {
  const char* name;
  std::uint32_t clock;
  std::uint8_t channels;
};
// Default clock/channels for names given without them in --codecs.
constexpr std::array<Known, 9> kKnown{{
    {"PCMU", 8000, 1}, {"PCMA", 8000, 1}, {"G722", 8000, 1},
    {"G729", 8000, 1}, {"GSM", 8000, 1},  {"CN", 8000, 1},
    {"opus", 48000, 2}, {"telephone-event", 8000, 1}, {"iLBC", 8000, 1},
}};

Error bad(std::string_view item, std::string_view what) {
  return make_error("sdp.bad-codec-list",
                    "codec " + text::quote(item) + ": " + std::string(what));
}

std::optional<std::uint8_t> usual_dynamic_pt(const Codec& c) {
  if (text::iequals(c.name, "opus")) return 111;
  if (c.is_telephone_event() && c.clock == 8000) return 101;
  if (c.is_telephone_event() && c.clock == 48000) return 110;
  return std::nullopt;
}

Result<Codec> parse_item(std::string_view item, std::optional<std::uint8_t>& explicit_pt) {
  std::string_view spec = item;
  if (auto colon = spec.find(':'); colon != std::string_view::npos) {
    auto pt = text::to_uint<std::uint8_t>(spec.substr(colon + 1), 127);
    if (!pt) return bad(item, "payload type after ':' must be 0..127");
    explicit_pt = *pt;
    spec = spec.substr(0, colon);
  }
  auto parts = text::split(spec, '/');
  if (parts.size() > 3 || parts[0].empty())
    return bad(item, "expected NAME[/CLOCK[/CHANNELS]][:PT]");
  for (char ch : parts[0])
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
          ch == '-' || ch == '_' || ch == '.'))
      return bad(item, "name has a character other than letters, digits, '-', '_', '.'");
  Codec c;
  c.name = std::string(parts[0]);
  const Known* known = nullptr;
  for (const auto& k : kKnown)
    if (text::iequals(k.name, c.name)) known = &k;
  if (known) {
    c.name = known->name;  // canonical spelling
    c.clock = known->clock;
    c.channels = known->channels;
  } else if (parts.size() < 2) {
    return bad(item, "unknown codec needs a clock rate, e.g. " + std::string(parts[0]) + "/16000");
  }
  if (parts.size() >= 2) {
    auto clock = text::to_uint<std::uint32_t>(parts[1], 1000000);
    if (!clock || *clock == 0) return bad(item, "clock rate must be a positive number");
    c.clock = *clock;
    if (known && parts.size() == 2) c.channels = text::iequals(c.name, "opus") ? 2 : 1;
  }
  if (parts.size() == 3) {
    auto ch = text::to_uint<std::uint8_t>(parts[2], 8);
    if (!ch || *ch == 0) return bad(item, "channel count must be 1..8");
    c.channels = *ch;
  }
  if (c.is_telephone_event()) c.fmtp = "0-16";  // RFC 4733 §7.1.1 DTMF events
  return c;
}

}  // namespace

bool Codec::same_format(const Codec& other) const {
  return text::iequals(name, other.name) && clock == other.clock &&
         channels == other.channels;
}
bool Codec::is_telephone_event() const { return text::iequals(name, "telephone-event"); }
bool Codec::is_comfort_noise() const { return text::iequals(name, "CN"); }
bool Codec::is_auxiliary() const {
  return text::iequals(name, "red") || text::iequals(name, "rtx") ||
         text::iequals(name, "ulpfec") || text::iequals(name, "flexfec-03");
}

std::string Codec::encoding() const {
  std::string s = name + "/" + std::to_string(clock);
  if (channels > 1) s += "/" + std::to_string(channels);
  return s;
}

Rtpmap Codec::rtpmap() const {
  return Rtpmap{pt, name, clock, channels > 1 ? channels : std::uint8_t{0}};
}

std::optional<Codec> static_codec(std::uint8_t pt) {
  for (const auto& e : kStatic)
    if (e.pt == pt) {
      Codec c;
      c.pt = pt;
      c.name = e.name;
      c.clock = e.clock;
      c.channels = e.channels;
      return c;
    }
  return std::nullopt;
}

std::optional<std::uint8_t> static_payload_type(const Codec& format) {
  for (const auto& e : kStatic) {
    Codec s;
    s.name = e.name;
    s.clock = e.clock;
    s.channels = e.channels;
    if (s.same_format(format)) return e.pt;
  }
  return std::nullopt;
}

Result<std::vector<Codec>> parse_codec_list(std::string_view list) {
  constexpr std::size_t kMaxCodecs = 32;
  auto items = text::split(list, ',');
  if (text::trim(list).empty()) return make_error("sdp.bad-codec-list", "codec list is empty");
  if (items.size() > kMaxCodecs)
    return make_error("sdp.bad-codec-list", "more than 32 codecs in the list");
  std::vector<Codec> out;
  std::vector<std::optional<std::uint8_t>> explicit_pts;
  for (auto raw : items) {
    std::string_view item = text::trim(raw);
    if (item.empty()) return make_error("sdp.bad-codec-list", "empty item in codec list");
    std::optional<std::uint8_t> pt;
    auto c = parse_item(item, pt);
    if (!c) return c.error();
    for (const auto& prev : out)
      if (prev.same_format(*c)) return bad(item, "listed twice");
    out.push_back(std::move(*c));
    explicit_pts.push_back(pt);
  }
  // Assign PTs: explicit, then static, then usual dynamic, then from 96 up.
  std::set<std::uint8_t> used;
  std::vector<bool> done(out.size(), false);
  auto take = [&](std::size_t i, std::uint8_t pt) -> Status {
    if (used.count(pt)) return bad(out[i].encoding(), "payload type " + std::to_string(pt) + " is already used");
    used.insert(pt);
    out[i].pt = pt;
    done[i] = true;
    return {};
  };
  for (std::size_t i = 0; i < out.size(); ++i)
    if (explicit_pts[i]) if (Status st = take(i, *explicit_pts[i]); !st) return st.error();
  for (std::size_t i = 0; i < out.size(); ++i)
    if (!done[i]) if (auto s = static_payload_type(out[i]); s && !used.count(*s)) (void)take(i, *s);
  for (std::size_t i = 0; i < out.size(); ++i)
    if (!done[i]) if (auto d = usual_dynamic_pt(out[i]); d && !used.count(*d)) (void)take(i, *d);
  std::uint8_t next = 96;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (done[i]) continue;
    while (next <= 127 && used.count(next)) ++next;
    if (next > 127) return bad(out[i].encoding(), "no dynamic payload type left");
    (void)take(i, next);
  }
  return out;
}

std::string format_codec_list(const std::vector<Codec>& codecs) {
  std::string s;
  for (const auto& c : codecs) {
    if (!s.empty()) s += ',';
    s += c.encoding() + ":" + std::to_string(c.pt);
  }
  return s;
}

}  // namespace gw::sdp
