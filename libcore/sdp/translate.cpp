#include "sdp/translate.hpp"

#include "sdp/codec_selection.hpp"
#include "sdp/media_view.hpp"
#include "sdp/sdp_builder.hpp"

namespace gw::sdp {
namespace {

const MediaView* browser_audio(const SessionView& v) {
  for (const auto& m : v.media)
    if (m.media == "audio" && m.is_rtp() && (!m.rejected() || m.bundle_only)) return &m;
  return nullptr;
}

bool allowed(const Codec& c, const std::vector<Codec>& list) {
  if (c.name.empty()) return false;
  if (list.empty()) return !c.is_auxiliary();
  for (const auto& a : list) {
    // telephone-event / CN in the list allow them at any clock rate.
    if ((a.is_telephone_event() && c.is_telephone_event()) ||
        (a.is_comfort_noise() && c.is_comfort_noise()) || a.same_format(c))
      return true;
  }
  return false;
}

bool is_media_codec(const Codec& c) {
  return !c.is_telephone_event() && !c.is_comfort_noise() && !c.is_auxiliary();
}

}  // namespace

Result<SessionDescription> avp_offer_from_webrtc(const SessionDescription& browser_offer,
                                                 const SipSideParams& p) {
  auto view = make_view(browser_offer);
  if (!view) return view.error();
  const MediaView* audio = browser_audio(*view);
  if (!audio) return make_error("sdp.no-audio", "the browser offer has no audio section");
  AvpParams avp;
  avp.address = p.address;
  avp.port = p.port;
  avp.ptime = p.ptime ? p.ptime : audio->ptime;
  avp.direction = audio->direction;
  avp.session_id = p.session_id;
  avp.session_version = p.session_version;
  avp.username = p.username;
  bool has_media = false;
  for (const auto& c : audio->codecs) {  // browser order and PTs kept
    if (!allowed(c, p.allowed)) continue;
    Codec plain = c;
    plain.rtcp_fb.clear();  // RTP/AVP has no feedback (RFC 4585 needs AVPF)
    avp.codecs.push_back(std::move(plain));
    has_media = has_media || is_media_codec(c);
  }
  if (!has_media)
    return make_error("sdp.no-common-codec",
                      "no browser codec is allowed towards SIP: the offer has " +
                          describe_codecs(audio->codecs) + "; allowed: " + describe_codecs(p.allowed));
  return make_avp_offer(avp);
}

std::optional<std::uint8_t> PayloadMap::to_sip(std::uint8_t browser_pt) const {
  for (const auto& e : entries)
    if (e.browser_pt == browser_pt) return e.sip_pt;
  return std::nullopt;
}

std::optional<std::uint8_t> PayloadMap::to_browser(std::uint8_t sip_pt) const {
  for (const auto& e : entries)
    if (e.sip_pt == sip_pt) return e.browser_pt;
  return std::nullopt;
}

bool PayloadMap::identity() const {
  for (const auto& e : entries)
    if (e.browser_pt != e.sip_pt) return false;
  return true;
}

PayloadMap map_payload_types(const std::vector<Codec>& browser, const std::vector<Codec>& sip) {
  PayloadMap map;
  for (const auto& s : sip) {
    if (s.name.empty()) continue;
    for (const auto& b : browser)
      if (b.same_format(s)) {
        map.entries.push_back(PtMapping{b.pt, s.pt, b});
        break;
      }
  }
  return map;
}

Result<BrowserAnswerPlan> plan_browser_answer(const SessionDescription& browser_offer,
                                              const SessionDescription& sip_answer) {
  auto view = make_view(browser_offer);
  if (!view) return view.error();
  const MediaView* audio = browser_audio(*view);
  if (!audio) return make_error("sdp.no-audio", "the browser offer has no audio section");
  auto sip = negotiated_audio(sip_answer);
  if (!sip) return sip.error();
  BrowserAnswerPlan plan;
  plan.pt_map = map_payload_types(audio->codecs, sip->codecs);
  bool has_media = false;
  for (const auto& e : plan.pt_map.entries) {
    plan.codecs.push_back(e.codec);
    has_media = has_media || is_media_codec(e.codec);
  }
  if (!has_media)
    return make_error("sdp.no-common-codec",
                      "the SIP answer has no codec the browser offered: SIP answered " +
                          describe_codecs(sip->codecs));
  plan.direction = sip->direction;
  plan.sip = std::move(*sip);
  return plan;
}

Result<SessionDescription> webrtc_answer_from_plan(const SessionDescription& browser_offer,
                                                   const BrowserAnswerPlan& plan,
                                                   WebrtcAnswerParams p) {
  p.codecs = plan.codecs;
  p.exact_codecs = true;
  p.direction = plan.direction;
  return answer_webrtc_audio(browser_offer, p);
}

Result<SessionDescription> webrtc_offer_from_avp(const SessionDescription& sip_offer,
                                                 const WebrtcAnswerParams& p) {
  if (p.ice_ufrag.size() < 4 || p.ice_pwd.size() < 22 || p.fingerprint.bytes.empty())
    return make_error("sdp.bad-params", "ICE ufrag (4+), pwd (22+) and a fingerprint are required");
  auto sip = negotiated_audio(sip_offer);
  if (!sip) return sip.error();
  std::vector<Codec> codecs;
  for (const auto& c : sip->codecs)
    if (!c.name.empty()) codecs.push_back(c);
  if (codecs.empty()) return make_error("sdp.no-common-codec", "the SIP offer has no usable codec");

  SessionDescription sd = build::skeleton("-", p.session_id, p.session_version, "127.0.0.1");
  if (p.ice_lite) sd.attributes.emplace_back("ice-lite");
  sd.attributes.emplace_back("group", "BUNDLE 0");  // RFC 8843 §7.2
  if (p.ssrc != 0) sd.attributes.emplace_back("msid-semantic", " WMS " + p.msid_stream);
  MediaDescription m;
  m.media = "audio";
  std::string address = p.address.value_or(p.candidates.empty() ? "0.0.0.0" : p.candidates[0].address);
  m.port = p.port.value_or(p.candidates.empty() ? std::uint16_t{9} : p.candidates[0].port);
  m.proto = "UDP/TLS/RTP/SAVPF";
  m.formats = build::formats_of(codecs);
  m.connections = {build::connection_for(address)};
  Attributes& a = m.attributes;
  for (const auto& c : p.candidates) a.emplace_back("candidate", c.to_value());
  if (p.end_of_candidates) a.emplace_back("end-of-candidates");
  a.emplace_back("ice-ufrag", p.ice_ufrag);
  a.emplace_back("ice-pwd", p.ice_pwd);
  if (p.trickle) a.emplace_back("ice-options", "trickle");
  a.emplace_back("fingerprint", format_fingerprint(p.fingerprint));
  a.emplace_back("setup", "actpass");
  a.emplace_back("mid", "0");
  a.emplace_back(std::string(to_string(sip->direction)));
  if (p.ssrc != 0) a.emplace_back("msid", p.msid_stream + " " + p.msid_track);
  a.emplace_back("rtcp-mux");
  for (const auto& e : p.extmaps) a.emplace_back("extmap", format_extmap(e));
  build::add_codec_attributes(a, codecs, false);
  if (sip->ptime) a.emplace_back("ptime", std::to_string(*sip->ptime));
  if (p.ssrc != 0) a.emplace_back("ssrc", std::to_string(p.ssrc) + " cname:" + p.cname);
  sd.media.push_back(std::move(m));
  return sd;
}

Result<SessionDescription> avp_answer_from_webrtc(const SessionDescription& sip_offer,
                                                  const SessionDescription& browser_answer,
                                                  AvpParams p) {
  auto browser = negotiated_audio(browser_answer);
  if (!browser) return browser.error();
  p.codecs = browser->codecs;
  p.direction = browser->direction;
  p.single_codec = false;
  return answer_avp_offer(sip_offer, p);
}

}  // namespace gw::sdp
