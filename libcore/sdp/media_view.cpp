#include "sdp/media_view.hpp"

#include "sdp/text_util.hpp"

namespace gw::sdp {
namespace {

Error at_line(const Attribute& a, const Error& e) {
  return line_error(e.code.substr(e.code.find('.') + 1), a.line, e.message);
}

Error at_line(const Attribute& a, std::string_view what) {
  return line_error("bad-attribute", a.line, "a=" + a.name + ": " + std::string(what));
}

std::string_view value_of(const Attribute& a) { return a.value ? std::string_view(*a.value) : ""; }

// ICE/DTLS attributes allowed at session and media level (RFC 8839 §5, RFC 8122 §5).
Status transport_attribute(MediaView& m, const Attribute& a, bool& handled) {
  handled = true;
  if (a.name == "ice-ufrag") {
    m.ice_ufrag = std::string(text::trim(value_of(a)));
    if (m.ice_ufrag.empty() || m.ice_ufrag.size() > 256) return at_line(a, "must be 1..256 characters");
  } else if (a.name == "ice-pwd") {
    m.ice_pwd = std::string(text::trim(value_of(a)));
    if (m.ice_pwd.empty() || m.ice_pwd.size() > 256) return at_line(a, "must be 1..256 characters");
  } else if (a.name == "ice-options") {
    m.ice_options.clear();
    for (auto t : text::split_ws(value_of(a))) m.ice_options.emplace_back(t);
  } else if (a.name == "fingerprint") {
    auto fp = parse_fingerprint(value_of(a));
    if (!fp) return at_line(a, fp.error());
    if (!m.fingerprint) m.fingerprint = std::move(*fp);  // first one wins
  } else if (a.name == "setup") {
    auto s = parse_setup(value_of(a));
    if (!s) return at_line(a, "must be active, passive, actpass or holdconn");
    m.setup = *s;
  } else {
    handled = false;
  }
  return {};
}

Status rtp_attribute(MediaView& m, const Attribute& a) {
  std::string_view v = value_of(a);
  if (a.name == "rtcp") {
    auto r = parse_rtcp(v);
    if (!r) return at_line(a, r.error());
    m.rtcp = *r;
  } else if (a.name == "candidate") {
    auto c = parse_candidate(v);
    if (!c) return at_line(a, c.error());
    m.candidates.push_back(std::move(*c));
  } else if (a.name == "crypto") {
    auto c = parse_crypto(v);
    if (!c) return at_line(a, c.error());
    m.crypto.push_back(std::move(*c));
  } else if (a.name == "ssrc") {
    auto s = parse_ssrc(v);
    if (!s) return at_line(a, s.error());
    m.ssrcs.push_back(std::move(*s));
  } else if (a.name == "ssrc-group") {
    auto g = parse_ssrc_group(v);
    if (!g) return at_line(a, g.error());
    m.ssrc_groups.push_back(std::move(*g));
  } else if (a.name == "msid") {
    auto s = parse_msid(v);
    if (!s) return at_line(a, s.error());
    m.msids.push_back(std::move(*s));
  } else if (a.name == "extmap") {
    auto e = parse_extmap(v);
    if (!e) return at_line(a, e.error());
    m.extmaps.push_back(std::move(*e));
  } else if (a.name == "ptime" || a.name == "maxptime") {
    auto p = parse_ptime(v);
    if (!p) return at_line(a, "must be a number of milliseconds");
    (a.name == "ptime" ? m.ptime : m.maxptime) = *p;
  }
  return {};
}

Status media_attribute(MediaView& m, const Attribute& a) {
  bool handled = false;
  if (Status st = transport_attribute(m, a, handled); !st || handled) return st;
  if (a.name == "mid") {
    m.mid = std::string(text::trim(value_of(a)));
    if (m.mid.empty()) return at_line(a, "empty mid");
  } else if (!a.value && parse_direction(a.name)) {
    m.direction = *parse_direction(a.name);
  } else if (a.name == "rtcp-mux") {
    m.rtcp_mux = true;
  } else if (a.name == "rtcp-rsize") {
    m.rtcp_rsize = true;
  } else if (a.name == "bundle-only") {
    m.bundle_only = true;
  } else if (a.name == "end-of-candidates") {
    m.end_of_candidates = true;
  } else {
    return rtp_attribute(m, a);
  }
  return {};
}

// Builds codecs from the m= formats, then applies rtpmap/fmtp/rtcp-fb.
Status collect_codecs(MediaView& m, const MediaDescription& md) {
  if (!m.is_rtp()) return {};
  for (const auto& f : md.formats) {
    auto pt = text::to_uint<std::uint8_t>(f, 127);
    if (!pt)
      return line_error("syntax", md.line, "m= format " + text::quote(f) + " is not a payload type 0..127");
    Codec c = static_codec(*pt).value_or(Codec{});
    c.pt = *pt;
    m.codecs.push_back(std::move(c));
  }
  for (const auto& a : md.attributes) {
    std::string_view v = value_of(a);
    if (a.name == "rtpmap") {
      auto r = parse_rtpmap(v);
      if (!r) return at_line(a, r.error());
      for (auto& c : m.codecs)
        if (c.pt == r->pt) {
          c.name = r->name;
          c.clock = r->clock;
          c.channels = r->channels ? r->channels : 1;
        }
    } else if (a.name == "fmtp") {
      auto f = parse_fmtp(v);
      if (!f) return at_line(a, f.error());
      for (auto& c : m.codecs)
        if (c.pt == f->pt) c.fmtp = f->params;
    } else if (a.name == "rtcp-fb") {
      auto fb = parse_rtcp_fb(v);
      if (!fb) return at_line(a, fb.error());
      for (auto& c : m.codecs)
        if (fb->pt == "*" || fb->pt == std::to_string(c.pt)) c.rtcp_fb.push_back(fb->feedback);
    }
  }
  return {};
}

Status session_attributes(const SessionDescription& sd, SessionView& v, MediaView& defaults) {
  for (const auto& a : sd.attributes) {
    bool handled = false;
    if (Status st = transport_attribute(defaults, a, handled); !st) return st;
    if (handled) continue;
    if (a.name == "ice-lite") {
      v.ice_lite = true;
    } else if (a.name == "group") {
      auto g = parse_group(value_of(a));
      if (!g) return at_line(a, g.error());
      v.groups.push_back(std::move(*g));
    } else if (a.name == "msid-semantic") {
      v.msid_semantic = std::string(text::trim(value_of(a)));
    }
  }
  return {};
}

}  // namespace

bool MediaView::is_rtp() const { return proto.find("RTP/") != std::string::npos; }
bool MediaView::is_dtls() const {
  return proto.find("TLS/RTP") != std::string::npos || proto.find("DTLS/") != std::string::npos;
}

const Codec* MediaView::codec(std::uint8_t pt) const {
  for (const auto& c : codecs)
    if (c.pt == pt) return &c;
  return nullptr;
}

const Codec* MediaView::find_codec(const Codec& format) const {
  for (const auto& c : codecs)
    if (c.same_format(format)) return &c;
  return nullptr;
}

std::vector<std::string> SessionView::bundle() const {
  for (const auto& g : groups)
    if (g.semantics == "BUNDLE") return g.mids;
  return {};
}

const MediaView* SessionView::find_mid(std::string_view mid) const {
  for (const auto& m : media)
    if (m.mid == mid) return &m;
  return nullptr;
}

const MediaView* SessionView::first_active(std::string_view type) const {
  for (const auto& m : media)
    if (m.media == type && !m.rejected()) return &m;
  return nullptr;
}

Result<SessionView> make_view(const SessionDescription& sd) {
  SessionView v;
  MediaView defaults;
  if (Status st = session_attributes(sd, v, defaults); !st) return st.error();
  for (std::size_t i = 0; i < sd.media.size(); ++i) {
    const MediaDescription& md = sd.media[i];
    MediaView m = defaults;
    m.index = i;
    m.media = md.media;
    m.port = md.port;
    m.proto = md.proto;
    if (const Connection* c = effective_connection(sd, md)) m.connection = *c;
    if (has_attribute(md.attributes, "fingerprint")) m.fingerprint.reset();  // media overrides
    for (const auto& a : md.attributes)
      if (Status st = media_attribute(m, a); !st) return st.error();
    if (Status st = collect_codecs(m, md); !st) return st.error();
    v.media.push_back(std::move(m));
  }
  return v;
}

}  // namespace gw::sdp
