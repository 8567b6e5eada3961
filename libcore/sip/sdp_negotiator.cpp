#include "sip/sdp_negotiator.hpp"

#include <algorithm>
#include <random>

namespace gw::sip {

sdp::Direction to_sdp(MediaDirection d) {
  switch (d) {
    case MediaDirection::sendrecv: return sdp::Direction::sendrecv;
    case MediaDirection::sendonly: return sdp::Direction::sendonly;
    case MediaDirection::recvonly: return sdp::Direction::recvonly;
    case MediaDirection::inactive: return sdp::Direction::inactive;
  }
  return sdp::Direction::sendrecv;
}

MediaDirection from_sdp(sdp::Direction d) {
  switch (d) {
    case sdp::Direction::sendrecv: return MediaDirection::sendrecv;
    case sdp::Direction::sendonly: return MediaDirection::sendonly;
    case sdp::Direction::recvonly: return MediaDirection::recvonly;
    case sdp::Direction::inactive: return MediaDirection::inactive;
  }
  return MediaDirection::sendrecv;
}

NegotiatedMedia to_negotiated(const sdp::NegotiatedMedia& remote, const std::vector<sdp::Codec>& codecs,
                              MediaDirection local) {
  NegotiatedMedia n;
  n.remote_address = remote.address;
  n.remote_port = remote.port;
  n.remote_rtcp_port = remote.rtcp_port;
  n.rtcp_mux = remote.rtcp_mux;
  n.local_direction = local;
  n.remote_direction = from_sdp(remote.direction);
  if (remote.ptime) n.ptime_ms = *remote.ptime;
  for (const auto& c : codecs) {
    n.codecs.push_back(NegotiatedCodec{c.pt, c.name, c.clock, c.channels, c.fmtp});
    if (c.is_telephone_event() && n.telephone_event_pt < 0) n.telephone_event_pt = c.pt;
  }
  // Prefer the telephone-event at the primary codec's clock (RFC 4733 §2.1).
  const sdp::Codec* primary = nullptr;
  for (const auto& c : codecs)
    if (!c.is_telephone_event() && !c.is_comfort_noise() && !c.is_auxiliary()) { primary = &c; break; }
  for (const auto& c : codecs)
    if (c.is_telephone_event() && primary && c.clock == primary->clock) n.telephone_event_pt = c.pt;
  // Media codecs first: the first entry is the one to send.
  std::stable_partition(n.codecs.begin(), n.codecs.end(),
                        [](const NegotiatedCodec& c) { return c.name != "telephone-event" && c.name != "CN"; });
  return n;
}

SdpNegotiator::SdpNegotiator(SdpNegotiatorConfig config) : config_(std::move(config)) {
  std::random_device rd;
  std::uniform_int_distribution<std::uint64_t> dist(1, 1ULL << 52);
  session_id_ = std::to_string(dist(rd));
  version_ = dist(rd) % 100000;
}

sdp::AvpParams SdpNegotiator::params(MediaDirection d) {
  sdp::AvpParams p;
  p.address = config_.address;
  p.port = config_.port;
  p.codecs = config_.codecs;
  p.direction = to_sdp(d);
  p.ptime = config_.ptime;
  p.session_id = session_id_;
  p.session_version = ++version_;
  p.single_codec = config_.single_codec;
  return p;
}

std::string SdpNegotiator::create_offer(MediaDirection direction) {
  sdp::SessionDescription sd;
  if (last_local_) {  // RFC 3264 §8: same session, next version, same codecs
    sd = sdp::with_direction(*last_local_, to_sdp(direction));
    version_ = sd.origin.session_version;
  } else {
    sd = sdp::make_avp_offer(params(direction));
  }
  last_local_ = sd;
  return sdp::serialize(sd);
}

Result<std::string> SdpNegotiator::create_answer(std::string_view remote_offer, MediaDirection wanted) {
  auto offer = sdp::parse(remote_offer);
  if (!offer) return offer.error();
  auto remote = sdp::negotiated_audio(*offer);
  if (!remote) return remote.error();
  auto answer = sdp::answer_avp_offer(*offer, params(wanted));
  if (!answer) return answer.error();
  auto ours = sdp::negotiated_audio(*answer);
  if (!ours) return ours.error();
  last_local_ = *answer;
  negotiated_ = to_negotiated(*remote, ours->codecs, from_sdp(ours->direction));
  return sdp::serialize(*answer);
}

Status SdpNegotiator::accept_answer(std::string_view remote_answer) {
  auto answer = sdp::parse(remote_answer);
  if (!answer) return answer.error();
  auto remote = sdp::negotiated_audio(*answer);
  if (!remote) return remote.error();  // port 0: our audio was refused
  // Keep only codecs we offered (RFC 3264 §6.1 says the answer must).
  std::vector<sdp::Codec> agreed;
  for (const auto& c : remote->codecs) {
    for (const auto& mine : config_.codecs) {
      if (c.same_format(mine) || (c.is_telephone_event() && mine.is_telephone_event())) {
        agreed.push_back(c);
        break;
      }
    }
  }
  if (agreed.empty()) return make_error("sdp.no-common-codec", "the answer has none of the offered codecs");
  MediaDirection local = MediaDirection::sendrecv;
  if (last_local_) {
    for (const auto& m : last_local_->media) {
      if (m.media != "audio" || m.port == 0) continue;
      local = from_sdp(sdp::direction_of(m.attributes));
      break;
    }
  }
  negotiated_ = to_negotiated(*remote, agreed, local);
  return {};
}

Result<std::vector<sdp::Codec>> codecs_from_sdp(std::string_view sdp_text) {
  auto sd = sdp::parse(sdp_text);
  if (!sd) return sd.error();
  auto m = sdp::negotiated_audio(*sd);
  if (!m) return m.error();
  if (m->codecs.empty()) return make_error("sdp.no-codecs", "the audio stream lists no codecs");
  return m->codecs;
}

}  // namespace gw::sip
