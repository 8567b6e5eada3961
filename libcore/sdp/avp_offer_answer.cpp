#include "sdp/avp_offer_answer.hpp"

#include "sdp/codec_selection.hpp"
#include "sdp/media_view.hpp"
#include "sdp/sdp_builder.hpp"

namespace gw::sdp {
namespace {

bool is_plain_rtp(std::string_view proto) { return proto == "RTP/AVP" || proto == "RTP/AVPF"; }

// m=audio for our side with the given codecs and attributes (RFC 3264 §5).
MediaDescription audio_section(const AvpParams& p, const std::vector<Codec>& codecs,
                               const std::string& proto, Direction direction) {
  MediaDescription m;
  m.media = "audio";
  m.port = p.port;
  m.proto = proto;
  m.formats = build::formats_of(codecs);
  build::add_codec_attributes(m.attributes, codecs, false);
  if (p.ptime) m.attributes.emplace_back("ptime", std::to_string(*p.ptime));
  if (p.rtcp_port) m.attributes.emplace_back("rtcp", std::to_string(*p.rtcp_port));
  m.attributes.emplace_back(std::string(to_string(direction)));
  return m;
}

bool is_zero_address(std::string_view a) { return a == "0.0.0.0" || a == "::"; }

void bump_version(SessionDescription& sd) { ++sd.origin.session_version; }

}  // namespace

SessionDescription make_avp_offer(const AvpParams& p) {
  SessionDescription sd = build::skeleton(p.username, p.session_id, p.session_version, p.address);
  sd.connection = build::connection_for(p.address);
  sd.media.push_back(audio_section(p, p.codecs, "RTP/AVP", p.direction));
  return sd;
}

Direction answer_direction(Direction offered, Direction local) {
  // We may send only if the offerer receives, receive only if it sends.
  return make_direction(receives(offered) && sends(local), sends(offered) && receives(local));
}

Result<SessionDescription> answer_avp_offer(const SessionDescription& offer,
                                            const AvpParams& p) {
  auto view = make_view(offer);
  if (!view) return view.error();
  SessionDescription sd = build::skeleton(p.username, p.session_id, p.session_version, p.address);
  sd.connection = build::connection_for(p.address);
  bool accepted = false;
  Error codec_error = make_error("sdp.no-audio", "the offer has no audio RTP/AVP stream");
  for (const MediaView& m : view->media) {
    const MediaDescription& offered = offer.media[m.index];
    if (accepted || m.rejected() || m.media != "audio" || !is_plain_rtp(m.proto)) {
      sd.media.push_back(build::rejected_section(offered));
      continue;
    }
    auto chosen = select_codecs(m.codecs, p.codecs, p.single_codec);
    if (!chosen) {
      codec_error = chosen.error();
      sd.media.push_back(build::rejected_section(offered));
      continue;
    }
    MediaDescription a = audio_section(p, *chosen, m.proto, answer_direction(m.direction, p.direction));
    if (!m.mid.empty()) a.attributes.insert(a.attributes.begin(), Attribute("mid", m.mid));
    sd.media.push_back(std::move(a));
    accepted = true;
  }
  if (!accepted) return codec_error;
  return sd;
}

const Codec* NegotiatedMedia::primary() const {
  for (const auto& c : codecs)
    if (!c.name.empty() && !c.is_telephone_event() && !c.is_comfort_noise() && !c.is_auxiliary())
      return &c;
  return nullptr;
}

Result<NegotiatedMedia> negotiated_audio(const SessionDescription& remote) {
  auto view = make_view(remote);
  if (!view) return view.error();
  const MediaView* m = view->first_active("audio");
  if (!m) return make_error("sdp.no-audio", "the SDP has no audio stream with a non-zero port");
  if (!m->connection)
    return line_error("no-address", remote.media[m->index].line, "audio stream has no c= line");
  NegotiatedMedia n;
  n.media_index = m->index;
  n.address = m->connection->address;
  if (auto slash = n.address.find('/'); slash != std::string::npos) n.address.resize(slash);
  n.port = m->port;
  n.rtcp_mux = m->rtcp_mux;
  n.rtcp_address = n.address;
  n.rtcp_port = m->rtcp_mux ? m->port : static_cast<std::uint16_t>(m->port + 1);
  if (m->rtcp) {  // RFC 3605
    n.rtcp_port = m->rtcp->port;
    if (m->rtcp->address) n.rtcp_address = m->rtcp->address->address;
  }
  n.codecs = m->codecs;
  n.direction = m->direction;
  n.ptime = m->ptime;
  n.remote_hold = !receives(n.direction) || is_zero_address(n.address);  // RFC 3264 §8.4
  const Codec* primary = n.primary();
  for (const auto& c : n.codecs) {
    if (!c.is_telephone_event()) continue;
    if (!n.telephone_event || (primary && c.clock == primary->clock && n.telephone_event->clock != primary->clock))
      n.telephone_event = c;
  }
  return n;
}

SessionDescription with_direction(const SessionDescription& last_local, Direction d) {
  SessionDescription sd = last_local;
  bump_version(sd);
  for (auto& m : sd.media)
    if (m.port != 0 && m.proto.find("RTP/") != std::string::npos) set_direction(m.attributes, d);
  return sd;
}

SessionDescription hold_offer(const SessionDescription& last_local) {
  SessionDescription sd = last_local;
  bump_version(sd);
  for (auto& m : sd.media) {
    if (m.port == 0 || m.proto.find("RTP/") == std::string::npos) continue;
    Direction now = direction_of(m.attributes);  // RFC 3264 §8.4
    set_direction(m.attributes, make_direction(sends(now), false));
  }
  return sd;
}

SessionDescription resume_offer(const SessionDescription& last_local, Direction intent) {
  return with_direction(last_local, intent);
}

}  // namespace gw::sdp
