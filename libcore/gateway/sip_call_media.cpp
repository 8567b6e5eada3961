#include "gateway/sip_call_media.hpp"

#include <algorithm>

#include "sdp/avp_offer_answer.hpp"
#include "sip/sdp_negotiator.hpp"

namespace gw::gateway {

SipCallMedia::SipCallMedia(std::optional<std::string> initial_offer) : initial_offer_(std::move(initial_offer)) {}

std::string SipCallMedia::create_offer(sip::MediaDirection direction) {
  if (!last_local_ && initial_offer_) {
    auto sd = sdp::parse(*initial_offer_);
    if (sd) last_local_ = std::move(*sd);
    return *initial_offer_;
  }
  if (!last_local_) return {};
  last_local_ = sdp::with_direction(*last_local_, sip::to_sdp(direction));  // version bumped
  return sdp::serialize(*last_local_);
}

Status SipCallMedia::take_remote(std::string_view text) {
  auto sd = sdp::parse(text);
  if (!sd) return sd.error();
  if (auto m = sdp::negotiated_audio(*sd); !m) return m.error();
  last_remote_sd_ = std::move(*sd);
  last_remote_ = std::string(text);
  return {};
}

Result<std::string> SipCallMedia::create_answer(std::string_view remote_offer, sip::MediaDirection wanted) {
  if (auto st = take_remote(remote_offer); !st) return st.error();
  if (pending_answer_) {  // the first answer, made from the browser's
    std::string text = std::exchange(pending_answer_, std::nullopt).value();
    if (auto sd = sdp::parse(text)) last_local_ = std::move(*sd);
    return text;
  }
  // An incoming call before its browser answered: the offer is usable
  // (checked above); the real answer comes with the browser's.
  if (!last_local_) return std::string();
  // A re-offer from the SIP side (hold, resume, a new address): our codecs,
  // address and port stay; the direction follows RFC 3264 §6.1.
  auto ours = sdp::negotiated_audio(*last_local_);
  if (!ours) return ours.error();
  sdp::AvpParams p;
  p.address = ours->address;
  p.port = ours->port;
  p.codecs = ours->codecs;
  p.direction = sip::to_sdp(wanted);
  p.session_id = last_local_->origin.session_id;
  p.session_version = last_local_->origin.session_version + 1;
  auto answer = sdp::answer_avp_offer(*last_remote_sd_, p);
  if (!answer) return answer.error();
  last_local_ = std::move(*answer);
  return sdp::serialize(*last_local_);
}

Status SipCallMedia::accept_answer(std::string_view remote_answer) {
  if (auto st = take_remote(remote_answer); !st) return st;
  if (initial_offer_ && !narrowed_) narrow_to_answer();
  return {};
}

// RFC 3264 §6.1: our offer listed every browser codec; from the answer on,
// only what both sides kept is ours (later re-offers and answers use it,
// and the RTP leg's payload map has nothing else).
void SipCallMedia::narrow_to_answer() {
  auto ours = sdp::negotiated_audio(*last_local_);
  auto theirs = sdp::negotiated_audio(*last_remote_sd_);
  if (!ours || !theirs) return;
  narrowed_ = true;
  std::vector<sdp::Codec> kept;
  for (const auto& c : ours->codecs) {
    bool answered = std::any_of(theirs->codecs.begin(), theirs->codecs.end(),
                                [&](const sdp::Codec& t) { return t.same_format(c); });
    if (answered) kept.push_back(c);
  }
  if (kept.empty()) return;
  sdp::AvpParams p;
  p.address = ours->address;
  p.port = ours->port;
  p.codecs = std::move(kept);
  p.direction = ours->direction;
  p.ptime = ours->ptime;
  p.session_id = last_local_->origin.session_id;
  p.session_version = last_local_->origin.session_version;
  p.username = last_local_->origin.username;
  last_local_ = sdp::make_avp_offer(p);
}

std::optional<sip::NegotiatedMedia> SipCallMedia::negotiated() const {
  if (!last_remote_sd_ || !last_local_) return std::nullopt;
  auto remote = sdp::negotiated_audio(*last_remote_sd_);
  auto ours = sdp::negotiated_audio(*last_local_);
  if (!remote || !ours) return std::nullopt;
  // What we send the SIP side: our codecs as its SDP numbers them (RFC 3264 §6.1).
  std::vector<sdp::Codec> codecs;
  for (const auto& c : remote->codecs) {
    bool ours_too = std::any_of(ours->codecs.begin(), ours->codecs.end(),
                                [&](const sdp::Codec& o) { return o.same_format(c); });
    if (ours_too) codecs.push_back(c);
  }
  return sip::to_negotiated(*remote, codecs, sip::from_sdp(ours->direction));
}

}  // namespace gw::gateway
