// SDP text -> SessionDescription (RFC 8866 §5, §9 grammar).
// Lenient where real peers differ (LF or CRLF, runs of spaces between
// fields, session-level lines in any order), strict on what we cannot
// interpret. Every error names the line.
#include <string>

#include "sdp/session_description.hpp"
#include "sdp/text_util.hpp"

namespace gw::sdp {
namespace {

using text::quote;
using text::split_ws;
using text::to_uint;

struct Line {
  char type;
  std::string_view value;
  int number;
};

Result<std::vector<Line>> split_lines(std::string_view text) {
  if (text.size() > kMaxSdpBytes)
    return make_error("sdp.too-large", "SDP is " + std::to_string(text.size()) +
                                           " bytes; the limit is " +
                                           std::to_string(kMaxSdpBytes));
  std::vector<Line> lines;
  std::size_t pos = 0;
  int number = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(pos, end - pos);
    pos = end < text.size() ? end + 1 : text.size();
    ++number;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    if (static_cast<std::size_t>(number) > kMaxSdpLines)
      return make_error("sdp.too-large", "SDP has more than " +
                                             std::to_string(kMaxSdpLines) + " lines");
    if (raw.empty()) {
      // Tolerate blank lines only at the end (some stacks add one).
      if (text.substr(pos).find_first_not_of("\r\n") == std::string_view::npos) break;
      return line_error("syntax", number, "empty line");
    }
    if (raw.find('\0') != std::string_view::npos || raw.find('\r') != std::string_view::npos)
      return line_error("syntax", number, "NUL or CR inside the line");
    if (raw.size() < 2 || raw[1] != '=' || raw[0] < 'a' || raw[0] > 'z')
      return line_error("syntax", number,
                        "expected '<letter>=<value>', got " + quote(raw));
    lines.push_back(Line{raw[0], raw.substr(2), number});
  }
  return lines;
}

Result<Connection> parse_connection(const Line& l) {
  auto f = split_ws(l.value);
  if (f.size() != 3)
    return line_error("syntax", l.number,
                      "c= needs '<nettype> <addrtype> <address>', got " + quote(l.value));
  return Connection{std::string(f[0]), std::string(f[1]), std::string(f[2])};
}

Result<Bandwidth> parse_bandwidth(const Line& l) {
  auto colon = l.value.find(':');
  if (colon == std::string_view::npos || colon == 0)
    return line_error("syntax", l.number, "b= needs '<type>:<kbps>', got " + quote(l.value));
  auto v = to_uint<std::uint64_t>(l.value.substr(colon + 1));
  if (!v)
    return line_error("syntax", l.number,
                      "b= bandwidth " + quote(l.value.substr(colon + 1)) + " is not a number");
  return Bandwidth{std::string(l.value.substr(0, colon)), *v};
}

Result<Origin> parse_origin(const Line& l) {
  auto f = split_ws(l.value);
  if (f.size() != 6)
    return line_error("syntax", l.number,
                      "o= needs 6 fields '<user> <sess-id> <version> <nettype> "
                      "<addrtype> <address>', got " + quote(l.value));
  auto version = to_uint<std::uint64_t>(f[2]);
  if (!version)
    return line_error("syntax", l.number, "o= session version " + quote(f[2]) +
                                              " is not a number");
  return Origin{std::string(f[0]), std::string(f[1]), *version,
                std::string(f[3]), std::string(f[4]), std::string(f[5])};
}

Result<Timing> parse_timing(const Line& l) {
  auto f = split_ws(l.value);
  std::optional<std::uint64_t> start, stop;
  if (f.size() == 2) {
    start = to_uint<std::uint64_t>(f[0]);
    stop = to_uint<std::uint64_t>(f[1]);
  }
  if (!start || !stop)
    return line_error("syntax", l.number, "t= needs '<start> <stop>', got " + quote(l.value));
  return Timing{*start, *stop, {}};
}

Result<MediaDescription> parse_media_line(const Line& l) {
  auto f = split_ws(l.value);
  if (f.size() < 4)
    return line_error("syntax", l.number,
                      "m= needs '<media> <port> <proto> <fmt> ...', got " + quote(l.value));
  MediaDescription m;
  m.line = l.number;
  m.media = std::string(f[0]);
  std::string_view port = f[1];
  if (auto slash = port.find('/'); slash != std::string_view::npos) {
    auto count = to_uint<std::uint32_t>(port.substr(slash + 1), 65535);
    if (!count || *count == 0)
      return line_error("syntax", l.number, "m= port count " +
                                                quote(port.substr(slash + 1)) + " is invalid");
    m.port_count = *count;
    port = port.substr(0, slash);
  }
  auto p = to_uint<std::uint16_t>(port);
  if (!p)
    return line_error("syntax", l.number,
                      "m= port " + quote(port) + " is not a number in 0..65535");
  m.port = *p;
  m.proto = std::string(f[2]);
  for (std::size_t i = 3; i < f.size(); ++i) m.formats.emplace_back(f[i]);
  return m;
}

Attribute parse_attribute(const Line& l) {
  auto colon = l.value.find(':');
  if (colon == std::string_view::npos) return Attribute(std::string(l.value), std::nullopt, l.number);
  return Attribute(std::string(l.value.substr(0, colon)),
                   std::string(l.value.substr(colon + 1)), l.number);
}

template <class T>
Status set_once(std::optional<T>& slot, T value, const Line& l) {
  if (slot) return line_error("syntax", l.number, std::string("second ") + l.type + "= line");
  slot = std::move(value);
  return {};
}

// One line inside a media section (after its m=).
Status media_line(MediaDescription& m, const Line& l) {
  switch (l.type) {
    case 'i': return set_once(m.info, std::string(l.value), l);
    case 'k': return set_once(m.key, std::string(l.value), l);
    case 'a':
      if (l.value.empty()) return line_error("syntax", l.number, "empty a= line");
      m.attributes.push_back(parse_attribute(l));
      return {};
    case 'c': {
      auto c = parse_connection(l);
      if (!c) return c.error();
      m.connections.push_back(std::move(*c));
      return {};
    }
    case 'b': {
      auto b = parse_bandwidth(l);
      if (!b) return b.error();
      m.bandwidths.push_back(*b);
      return {};
    }
    default:
      return line_error("syntax", l.number,
                        std::string(1, l.type) + "= is not allowed inside a media section");
  }
}

// One session-level line (before the first m=); v= is handled by the caller.
Status session_line(SessionDescription& sd, const Line& l, bool& seen_origin,
                    bool& seen_name, bool& seen_timing) {
  switch (l.type) {
    case 'o': {
      if (seen_origin) return line_error("syntax", l.number, "second o= line");
      auto o = parse_origin(l);
      if (!o) return o.error();
      sd.origin = std::move(*o);
      seen_origin = true;
      return {};
    }
    case 's':
      if (seen_name) return line_error("syntax", l.number, "second s= line");
      sd.session_name = std::string(l.value);
      seen_name = true;
      return {};
    case 'i': return set_once(sd.info, std::string(l.value), l);
    case 'u': return set_once(sd.uri, std::string(l.value), l);
    case 'e': sd.emails.emplace_back(l.value); return {};
    case 'p': sd.phones.emplace_back(l.value); return {};
    case 'z': return set_once(sd.zone, std::string(l.value), l);
    case 'k': return set_once(sd.key, std::string(l.value), l);
    case 'c': {
      auto c = parse_connection(l);
      if (!c) return c.error();
      return set_once(sd.connection, std::move(*c), l);
    }
    case 'b': {
      auto b = parse_bandwidth(l);
      if (!b) return b.error();
      sd.bandwidths.push_back(*b);
      return {};
    }
    case 't': {
      auto t = parse_timing(l);
      if (!t) return t.error();
      if (!seen_timing) sd.timings.clear();
      sd.timings.push_back(std::move(*t));
      seen_timing = true;
      return {};
    }
    case 'r':
      if (!seen_timing) return line_error("syntax", l.number, "r= before any t= line");
      sd.timings.back().repeats.emplace_back(l.value);
      return {};
    case 'a':
      if (l.value.empty()) return line_error("syntax", l.number, "empty a= line");
      sd.attributes.push_back(parse_attribute(l));
      return {};
    default:
      // RFC 8866 §5: reject a description with a type letter we do not know.
      return line_error("syntax", l.number,
                        "unknown line type '" + std::string(1, l.type) + "='");
  }
}

}  // namespace

Result<SessionDescription> parse(std::string_view input) {
  auto lines = split_lines(input);
  if (!lines) return lines.error();
  if (lines->empty()) return line_error("syntax", 0, "empty SDP");
  const Line& first = lines->front();
  if (first.type != 'v')
    return line_error("syntax", first.number, "SDP must start with v=, got " +
                                                  std::string(1, first.type) + "=");
  if (first.value != "0")
    return line_error("syntax", first.number, "unsupported version v=" + std::string(first.value));

  SessionDescription sd;
  bool seen_origin = false, seen_name = false, seen_timing = false;
  for (std::size_t i = 1; i < lines->size(); ++i) {
    const Line& l = (*lines)[i];
    if (l.type == 'v') return line_error("syntax", l.number, "second v= line");
    if (l.type == 'm') {
      auto m = parse_media_line(l);
      if (!m) return m.error();
      sd.media.push_back(std::move(*m));
      continue;
    }
    Status st = sd.media.empty()
                    ? session_line(sd, l, seen_origin, seen_name, seen_timing)
                    : media_line(sd.media.back(), l);
    if (!st) return st.error();
  }
  if (!seen_origin) return line_error("syntax", 0, "missing o= line");
  if (!seen_name) return line_error("syntax", 0, "missing s= line");
  if (!seen_timing) return line_error("syntax", 0, "missing t= line");
  return sd;
}

}  // namespace gw::sdp
