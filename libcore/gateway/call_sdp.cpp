#include "gateway/call_sdp.hpp"

#include <openssl/rand.h>

#include <algorithm>

#include "rtp/audio_level.hpp"
#include "sdp/media_view.hpp"
#include "sdp/translate.hpp"
#include "sdp/webrtc_answer.hpp"

namespace gw::gateway {

namespace {

std::string random_ice_chars(std::size_t n) {
  static constexpr std::string_view kChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out(n, 'A');
  std::vector<unsigned char> r(n);
  RAND_bytes(r.data(), static_cast<int>(n));
  for (std::size_t i = 0; i < n; ++i) out[i] = kChars[r[i] % kChars.size()];
  return out;
}

Error bad_sdp(const std::string& what) { return make_api_error(ErrorCode::bad_sdp, what); }

Result<sdp::SessionDescription> parse_sdp(std::string_view text, std::string_view whose) {
  auto sd = sdp::parse(text);
  if (!sd) return bad_sdp(std::string(whose) + " SDP: " + sd.error().message);
  return sd;
}

// The browser's audio section: ICE credentials, fingerprint and setup are required.
Result<sdp::MediaView> audio_of(const sdp::SessionDescription& sd, std::string_view whose) {
  auto view = sdp::make_view(sd);
  if (!view) return bad_sdp(std::string(whose) + " SDP: " + view.error().message);
  const auto* audio = view->first_active("audio");
  if (audio == nullptr) return bad_sdp(std::string(whose) + " SDP has no audio section.");
  if (audio->ice_ufrag.empty() || audio->ice_pwd.empty() || !audio->fingerprint) {
    return bad_sdp(std::string(whose) + " SDP is not WebRTC: it lacks ICE credentials or a DTLS fingerprint.");
  }
  return *audio;
}

dtls::Fingerprint to_dtls(const sdp::Fingerprint& f) { return {f.algorithm, f.bytes}; }
sdp::Fingerprint to_sdp(const dtls::Fingerprint& f) { return {f.algorithm, f.digest}; }

// The RFC 6464 extmap a browser's SDP negotiated (0: none). Calls to and
// from SIP leave it out: the extension would be forwarded to the SIP side.
std::uint8_t audio_level_ext(const sdp::SessionDescription& sd) {
  auto view = sdp::make_view(sd);
  const auto* audio = view ? view->first_active("audio") : nullptr;
  if (audio == nullptr) return 0;
  for (const auto& e : audio->extmaps) {
    if (e.uri == rtp::kAudioLevelUri && e.id <= 255) return static_cast<std::uint8_t>(e.id);
  }
  return 0;
}

std::optional<sdp::Extmap> offered_audio_level(const sdp::SessionDescription& offer) {
  if (auto id = audio_level_ext(offer); id != 0) return sdp::Extmap{id, std::nullopt, std::string(rtp::kAudioLevelUri), {}};
  return std::nullopt;
}

sdp::WebrtcAnswerParams answer_params(const LocalMedia& local, bool audio_level = true) {
  sdp::WebrtcAnswerParams p;
  if (audio_level) p.extmaps.push_back({0, std::nullopt, std::string(rtp::kAudioLevelUri), {}});
  p.ice_ufrag = local.ice.ufrag;
  p.ice_pwd = local.ice.pwd;
  p.candidates = local.candidates;
  p.ice_lite = local.ice_lite;
  p.trickle = !local.ice_lite;
  p.end_of_candidates = local.ice_lite;
  p.fingerprint = to_sdp(local.fingerprint);
  p.setup = sdp::Setup::passive;  // the browser, a full agent, makes the DTLS connection
  return p;
}

// Our DTLS role after the peer's a=setup (RFC 8842 §5): we answer actpass
// and active with passive, and are offered/answered passive only by a peer
// that wants us to connect.
dtls::Role our_role(std::optional<sdp::Setup> theirs) {
  return theirs == sdp::Setup::passive ? dtls::Role::active : dtls::Role::passive;
}

// Codec facts of a leg from the negotiated list (PTs as on the leg's wire).
void fill_codecs(NegotiatedLeg& leg, const std::vector<sdp::Codec>& codecs) {
  for (const auto& c : codecs) {
    if (c.is_telephone_event() || c.is_comfort_noise() || c.is_auxiliary()) continue;
    leg.codec = c.encoding();
    leg.pt = c.pt;
    leg.clock_rate = c.clock;
    break;
  }
  for (const auto& c : codecs) {
    if (c.is_telephone_event()) leg.telephone_events.push_back({c.pt, c.clock});
  }
}

void fill_remote(NegotiatedLeg& leg, const sdp::MediaView& audio) {
  leg.remote_fingerprint = to_dtls(*audio.fingerprint);
  leg.remote_ufrag = audio.ice_ufrag;
  leg.remote_pwd = audio.ice_pwd;
  leg.remote_candidates = audio.candidates;
  // RFC 8838 §4.1: without ice-options:trickle the offer holds every candidate.
  bool trickle = std::find(audio.ice_options.begin(), audio.ice_options.end(), "trickle") != audio.ice_options.end();
  leg.remote_end_of_candidates = audio.end_of_candidates || !trickle;
  leg.dtls_role = our_role(audio.setup);
}

std::vector<sdp::Codec> answered_codecs(const sdp::SessionDescription& answer) {
  auto view = sdp::make_view(answer);
  if (!view || view->first_active("audio") == nullptr) return {};
  return view->first_active("audio")->codecs;
}

}  // namespace

LocalIce make_local_ice() { return {random_ice_chars(8), random_ice_chars(24)}; }

Result<NegotiatedLeg> answer_builtin(std::string_view offer_text, Target::Kind kind, const LocalMedia& local) {
  auto offer = parse_sdp(offer_text, "The offer");
  if (!offer) return offer.error();
  auto audio = audio_of(*offer, "The offer");
  if (!audio) return audio.error();
  auto p = answer_params(local);
  if (kind == Target::Kind::tone) {
    p.codecs = *sdp::parse_codec_list("PCMU/8000,PCMA/8000,telephone-event/8000");
  }
  p.single_codec = true;
  auto answer = sdp::answer_webrtc_audio(*offer, p);
  if (!answer) return bad_sdp("The offer cannot be answered: " + answer.error().message);
  NegotiatedLeg leg;
  leg.local_sdp = sdp::serialize(*answer);
  fill_remote(leg, *audio);
  fill_codecs(leg, answered_codecs(*answer));
  leg.audio_level_ext = audio_level_ext(*answer);
  if (leg.codec.empty()) return bad_sdp("The offer has no audio codec the gateway can use.");
  return leg;
}

Result<AgentOffer> offer_to_agent(std::string_view caller_offer, const LocalMedia& agent_side) {
  auto offer = parse_sdp(caller_offer, "The offer");
  if (!offer) return offer.error();
  if (auto audio = audio_of(*offer, "The offer"); !audio) return audio.error();
  AgentOffer out;
  out.caller_offer = std::move(*offer);
  // The caller's codecs and PTs, through the plain model the SIP side uses too.
  sdp::SipSideParams plain;
  plain.address = "0.0.0.0";
  plain.port = 9;
  auto avp = sdp::avp_offer_from_webrtc(out.caller_offer, plain);
  if (!avp) return bad_sdp("The offer cannot be bridged: " + avp.error().message);
  out.avp_offer = std::move(*avp);
  auto p = answer_params(agent_side, false);
  if (auto level = offered_audio_level(out.caller_offer)) p.extmaps.push_back(*level);  // the caller's id
  auto agent_offer = sdp::webrtc_offer_from_avp(out.avp_offer, p);
  if (!agent_offer) return bad_sdp("No offer for the agent: " + agent_offer.error().message);
  out.offer_sdp = sdp::serialize(*agent_offer);
  return out;
}

Result<BridgedLegs> complete_bridge(const AgentOffer& offer, std::string_view agent_answer,
                                    const LocalMedia& caller_side) {
  auto answer = parse_sdp(agent_answer, "The agent's answer");
  if (!answer) return answer.error();
  auto agent_audio = audio_of(*answer, "The agent's answer");
  if (!agent_audio) return agent_audio.error();
  sdp::AvpParams plain;
  plain.address = "0.0.0.0";
  plain.port = 9;
  auto avp_answer = sdp::avp_answer_from_webrtc(offer.avp_offer, *answer, plain);
  if (!avp_answer) return bad_sdp("The agent's answer cannot be bridged: " + avp_answer.error().message);
  auto plan = sdp::plan_browser_answer(offer.caller_offer, *avp_answer);
  if (!plan) return bad_sdp("No codec in common: " + plan.error().message);
  auto caller_answer = sdp::webrtc_answer_from_plan(offer.caller_offer, *plan, answer_params(caller_side));
  if (!caller_answer) return bad_sdp("No answer for the caller: " + caller_answer.error().message);
  auto caller_audio = audio_of(offer.caller_offer, "The offer");
  if (!caller_audio) return caller_audio.error();

  BridgedLegs legs;
  legs.caller.local_sdp = sdp::serialize(*caller_answer);
  fill_remote(legs.caller, *caller_audio);
  fill_codecs(legs.caller, answered_codecs(*caller_answer));
  fill_remote(legs.agent, *agent_audio);
  fill_codecs(legs.agent, agent_audio->codecs);
  legs.caller.audio_level_ext = audio_level_ext(*caller_answer);
  legs.agent.audio_level_ext = audio_level_ext(*answer);
  if (legs.caller.codec.empty() || legs.agent.codec.empty()) return bad_sdp("No audio codec in common.");
  return legs;
}

namespace {

Result<SipMedia> sip_media_from(const sdp::SessionDescription& remote, const sdp::PayloadMap& pt_map) {
  auto m = sdp::negotiated_audio(remote);
  if (!m) return bad_sdp("The SIP side's SDP: " + m.error().message);
  auto rtp_ip = IpAddress::parse(m->address);
  auto rtcp_ip = IpAddress::parse(m->rtcp_address.empty() ? m->address : m->rtcp_address);
  if (!rtp_ip || !rtcp_ip) return bad_sdp("The SIP side's SDP has no usable address (" + m->address + ").");
  SipMedia out;
  out.rtp = {*rtp_ip, m->port};
  out.rtcp = {*rtcp_ip, m->rtcp_mux ? m->port : m->rtcp_port};
  out.rtcp_mux = m->rtcp_mux;
  out.pt_map = pt_map;
  out.telephone_event = m->telephone_event.has_value();
  out.remote_hold = m->remote_hold;
  return out;
}

}  // namespace

Result<SipOffer> offer_to_sip(std::string_view browser_offer, const sdp::SipSideParams& plain) {
  auto offer = parse_sdp(browser_offer, "The offer");
  if (!offer) return offer.error();
  if (auto audio = audio_of(*offer, "The offer"); !audio) return audio.error();
  auto avp = sdp::avp_offer_from_webrtc(*offer, plain);
  if (!avp) return bad_sdp("The offer cannot be carried to SIP: " + avp.error().message);
  return SipOffer{std::move(*offer), sdp::serialize(*avp)};
}

Result<SipBridge> complete_to_sip(const SipOffer& offer, std::string_view sip_answer, const LocalMedia& caller_side) {
  auto answer = parse_sdp(sip_answer, "The SIP answer");
  if (!answer) return answer.error();
  auto plan = sdp::plan_browser_answer(offer.caller_offer, *answer);
  if (!plan) return bad_sdp("No codec in common with the SIP side: " + plan.error().message);
  auto browser_answer = sdp::webrtc_answer_from_plan(offer.caller_offer, *plan, answer_params(caller_side, false));
  if (!browser_answer) return bad_sdp("No answer for the caller: " + browser_answer.error().message);
  auto caller_audio = audio_of(offer.caller_offer, "The offer");
  if (!caller_audio) return caller_audio.error();
  auto media = sip_media_from(*answer, plan->pt_map);
  if (!media) return media.error();
  SipBridge out;
  out.browser.local_sdp = sdp::serialize(*browser_answer);
  fill_remote(out.browser, *caller_audio);
  fill_codecs(out.browser, answered_codecs(*browser_answer));
  if (out.browser.codec.empty()) return bad_sdp("No audio codec in common with the SIP side.");
  out.sip = std::move(*media);
  return out;
}

Result<SipIncomingOffer> offer_from_sip(std::string_view sip_offer, const LocalMedia& agent_side) {
  auto offer = parse_sdp(sip_offer, "The SIP offer");
  if (!offer) return offer.error();
  auto browser_offer = sdp::webrtc_offer_from_avp(*offer, answer_params(agent_side, false));
  if (!browser_offer) return bad_sdp("The SIP offer cannot be carried to a browser: " + browser_offer.error().message);
  return SipIncomingOffer{std::move(*offer), sdp::serialize(*browser_offer)};
}

Result<SipBridge> complete_from_sip(const SipIncomingOffer& offer, std::string_view browser_answer,
                                    const sdp::AvpParams& plain) {
  auto answer = parse_sdp(browser_answer, "The agent's answer");
  if (!answer) return answer.error();
  auto agent_audio = audio_of(*answer, "The agent's answer");
  if (!agent_audio) return agent_audio.error();
  auto avp_answer = sdp::avp_answer_from_webrtc(offer.sip_offer, *answer, plain);
  if (!avp_answer) return bad_sdp("The agent's answer cannot be carried to SIP: " + avp_answer.error().message);
  // The browser was offered the SIP side's payload types, so the map is
  // the identity over what both kept.
  auto sip_codecs = answered_codecs(offer.sip_offer);
  auto media = sip_media_from(offer.sip_offer, sdp::map_payload_types(agent_audio->codecs, sip_codecs));
  if (!media) return media.error();
  SipBridge out;
  fill_remote(out.browser, *agent_audio);
  fill_codecs(out.browser, agent_audio->codecs);
  if (out.browser.codec.empty()) return bad_sdp("No audio codec in common with the SIP side.");
  out.sip = std::move(*media);
  out.sip_answer_sdp = sdp::serialize(*avp_answer);
  return out;
}

Result<SipMedia> sip_media_of(std::string_view remote_sdp, const sdp::PayloadMap& pt_map) {
  auto sd = parse_sdp(remote_sdp, "The SIP side's");
  if (!sd) return sd.error();
  return sip_media_from(*sd, pt_map);
}

}  // namespace gw::gateway
