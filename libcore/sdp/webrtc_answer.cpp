#include "sdp/webrtc_answer.hpp"

#include <algorithm>

#include "sdp/avp_offer_answer.hpp"
#include "sdp/codec_selection.hpp"
#include "sdp/media_view.hpp"
#include "sdp/sdp_builder.hpp"

namespace gw::sdp {
namespace {

Error not_webrtc(const MediaDescription& m, std::string_view what) {
  return line_error("not-webrtc", m.line, "m=" + m.media + " section " + std::string(what));
}

Status check_params(const WebrtcAnswerParams& p) {
  // RFC 8839 §5.4: ufrag 4..256, pwd 22..256 ice-chars.
  if (p.ice_ufrag.size() < 4 || p.ice_ufrag.size() > 256)
    return make_error("sdp.bad-params", "ICE ufrag must be 4..256 characters");
  if (p.ice_pwd.size() < 22 || p.ice_pwd.size() > 256)
    return make_error("sdp.bad-params", "ICE pwd must be 22..256 characters");
  if (p.fingerprint.algorithm.empty() || p.fingerprint.bytes.empty())
    return make_error("sdp.bad-params", "a DTLS fingerprint is required");
  return {};
}

// The audio section we accept: first non-rejected (or bundle-only) audio section.
const MediaView* pick_audio(const SessionView& v) {
  for (const auto& m : v.media)
    if (m.media == "audio" && m.is_rtp() && (!m.rejected() || m.bundle_only)) return &m;
  return nullptr;
}

Status check_offer(const MediaView& m, const MediaDescription& md) {
  if (!m.is_dtls()) return not_webrtc(md, "is not DTLS-SRTP (proto " + m.proto + ")");
  if (m.ice_ufrag.empty() || m.ice_pwd.empty()) return not_webrtc(md, "has no a=ice-ufrag/a=ice-pwd");
  if (!m.fingerprint) return not_webrtc(md, "has no a=fingerprint");
  if (!m.rtcp_mux) return not_webrtc(md, "has no a=rtcp-mux (required by this gateway)");
  if (m.setup == Setup::holdconn) return not_webrtc(md, "has a=setup:holdconn");
  return {};
}

void add_transport(Attributes& a, const WebrtcAnswerParams& p, Setup setup) {
  for (const auto& c : p.candidates) a.emplace_back("candidate", c.to_value());
  if (p.end_of_candidates) a.emplace_back("end-of-candidates");
  a.emplace_back("ice-ufrag", p.ice_ufrag);
  a.emplace_back("ice-pwd", p.ice_pwd);
  if (p.trickle) a.emplace_back("ice-options", "trickle");
  a.emplace_back("fingerprint", format_fingerprint(p.fingerprint));
  a.emplace_back("setup", std::string(to_string(setup)));
}

MediaDescription accepted_section(const MediaView& m, const WebrtcAnswerParams& p,
                                  const std::vector<Codec>& codecs, Setup setup) {
  MediaDescription out;
  out.media = "audio";
  std::string address = p.address.value_or(p.candidates.empty() ? "0.0.0.0" : p.candidates[0].address);
  out.port = p.port.value_or(p.candidates.empty() ? std::uint16_t{9} : p.candidates[0].port);
  out.proto = m.proto;
  out.formats = build::formats_of(codecs);
  out.connections = {build::connection_for(address)};
  Attributes& a = out.attributes;
  add_transport(a, p, setup);
  if (!m.mid.empty()) a.emplace_back("mid", m.mid);
  a.emplace_back(std::string(to_string(answer_direction(m.direction, p.direction))));
  if (p.ssrc != 0) a.emplace_back("msid", p.msid_stream + " " + p.msid_track);
  a.emplace_back("rtcp-mux");  // RFC 5761 §5.1.1
  if (m.rtcp_rsize) a.emplace_back("rtcp-rsize");
  for (const auto& offered : m.extmaps) {
    bool wanted = std::any_of(p.extmaps.begin(), p.extmaps.end(), [&](const Extmap& e) { return e.uri == offered.uri; });
    if (wanted) a.emplace_back("extmap", format_extmap({offered.id, std::nullopt, offered.uri, {}}));
  }
  build::add_codec_attributes(a, codecs, false);
  if (p.ssrc != 0) a.emplace_back("ssrc", std::to_string(p.ssrc) + " cname:" + p.cname);
  return out;
}

Result<std::vector<Codec>> choose_codecs(const MediaView& m, const WebrtcAnswerParams& p) {
  if (!p.exact_codecs) return select_codecs(m.codecs, p.codecs, p.single_codec);
  std::vector<Codec> out;
  for (const auto& c : p.codecs) {
    const Codec* offered = m.codec(c.pt);
    if (!offered || !offered->same_format(c))
      return make_error("sdp.no-common-codec", c.encoding() + " with payload type " +
                                                   std::to_string(c.pt) + " is not in the offer");
    out.push_back(*offered);
  }
  if (out.empty()) return make_error("sdp.no-common-codec", "no codec to answer");
  return out;
}

}  // namespace

std::vector<Codec> default_webrtc_audio_codecs() {
  return parse_codec_list("opus/48000/2,PCMU,PCMA,G722,telephone-event/8000").value();
}

std::optional<Setup> answer_setup(Setup offered, Setup preferred) {
  switch (offered) {  // RFC 8842 §5.2
    case Setup::actpass: return preferred == Setup::active ? Setup::active : Setup::passive;
    case Setup::active: return Setup::passive;
    case Setup::passive: return Setup::active;
    case Setup::holdconn: return std::nullopt;
  }
  return std::nullopt;
}

Result<SessionDescription> answer_webrtc_audio(const SessionDescription& offer,
                                               const WebrtcAnswerParams& p) {
  if (Status st = check_params(p); !st) return st.error();
  auto view = make_view(offer);
  if (!view) return view.error();
  const MediaView* audio = pick_audio(*view);
  if (!audio) return make_error("sdp.no-audio", "the offer has no audio RTP section to accept");
  const MediaDescription& offered = offer.media[audio->index];
  if (Status st = check_offer(*audio, offered); !st) return st.error();
  // RFC 8842 §5.2: a missing setup in an offer means actpass.
  Setup setup = *answer_setup(audio->setup.value_or(Setup::actpass), p.setup);
  auto codecs = choose_codecs(*audio, p);
  if (!codecs) return codecs.error();

  SessionDescription sd = build::skeleton("-", p.session_id, p.session_version, "127.0.0.1");
  if (p.ice_lite) sd.attributes.emplace_back("ice-lite");  // RFC 8839 §5.3
  auto bundle = view->bundle();
  if (!audio->mid.empty() && std::find(bundle.begin(), bundle.end(), audio->mid) != bundle.end())
    sd.attributes.emplace_back("group", "BUNDLE " + audio->mid);  // RFC 8843 §7.3
  if (p.ssrc != 0) sd.attributes.emplace_back("msid-semantic", " WMS " + p.msid_stream);
  for (const MediaView& m : view->media) {
    if (&m == audio)
      sd.media.push_back(accepted_section(m, p, *codecs, setup));
    else
      sd.media.push_back(build::rejected_section(offer.media[m.index]));
  }
  return sd;
}

}  // namespace gw::sdp
