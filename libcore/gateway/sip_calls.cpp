// SignalingHub's calls to and from SIP (issue 7): a browser calls a DN or a
// SIP URI (INVITE through the SIP server), a SIP call for a signed-in DN
// rings its browser, and what the SIP side reports afterwards (early media,
// answer, re-INVITEs, INFO DTMF, the end) is dispatched to one small handler
// per kind. Media: the browser leg and a plain RTP leg on the same shard.
#include <openssl/rand.h>

#include <array>

#include "gateway/hub_session.hpp"
#include "gateway/signaling_hub.hpp"
#include "util/log.hpp"

namespace gw::gateway {

namespace {

// RFC 3261 §21 final responses -> what the browser is told.
EndReason reason_for_status(int status) {
  switch (status) {
    case 486: case 600: return EndReason::busy;
    case 404: case 484: case 604: return EndReason::not_found;
    case 480: case 410: case 503: return EndReason::unavailable;
    case 408: return EndReason::no_answer;
    case 487: return EndReason::cancelled;
    case 403: case 603: return EndReason::rejected;
    default: return EndReason::error;
  }
}

EndReason reason_for_end(const SipCallUpdate& u) {
  switch (u.cause) {
    case sip::EndCause::remote_hangup: return EndReason::remote_hangup;
    case sip::EndCause::remote_cancelled: return EndReason::cancelled;
    case sip::EndCause::rejected: return reason_for_status(u.status);
    case sip::EndCause::timeout: return EndReason::no_answer;
    case sip::EndCause::local_hangup: return EndReason::hangup;
    case sip::EndCause::cancelled: return EndReason::cancelled;
    case sip::EndCause::local_rejected: return EndReason::rejected;
    case sip::EndCause::auth_failed:
    case sip::EndCause::negotiation:
    case sip::EndCause::failed: break;
  }
  return EndReason::error;
}

// What the SIP caller hears when the browser side ends an unanswered call.
int status_for(EndReason r) {
  switch (r) {
    case EndReason::busy: return 486;
    case EndReason::rejected: return 603;
    case EndReason::no_answer: return 480;
    case EndReason::server_shutdown: return 503;
    default: return 480;
  }
}

// RFC 4566 §5.2: sess-id is a numeric string; RFC 3264 §5 suggests an NTP
// time, but a random 62-bit number keeps concurrent calls apart too.
std::string random_session_id() {
  std::uint64_t v = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v);
  return std::to_string((v >> 2) + 1);
}

}  // namespace

Result<SignalingHub::StartedCall> SignalingHub::start_to_sip(CallOrigin& origin, const Target& target,
                                                              const std::string& sdp) {
  std::string uri = target.kind == Target::Kind::dn ? sip_->uri_for_dn(target.value) : target.value;
  unsigned shard = media_.pick_shard();
  auto ports = media_.open_rtp_ports(shard);
  if (!ports) return make_api_error(ErrorCode::overloaded, "No RTP port is free on the private side.");
  sdp::SipSideParams plain;
  plain.address = config_.sip_media_address;
  plain.port = (*ports)->port;
  plain.session_id = random_session_id();
  auto offer = offer_to_sip(sdp, plain);
  if (!offer) return offer.error();
  auto call = std::make_unique<GatewayCall>();
  call->id = new_call_id();
  call->target = target;
  call->shard = shard;
  call->created = Clock::now();
  call->caller.conn = origin.conn;
  call->caller.name = origin.name;
  call->callee.name = target.value;
  call->http = !origin.conn.has_value();
  call->http_reply = std::move(origin.http_reply);
  call->rtp_ports = std::move(*ports);
  std::string avp = offer->avp_offer_sdp;
  call->sip_offer = std::move(*offer);
  call->sip = sip_->call(uri, std::move(avp), origin.dn);
  call_of_sip_[*call->sip] = call->id;
  arm_ring_timer(*call);
  std::string id = call->id;
  emit({{"event", "call-ringing"}, {"call_id", id}, {"from", origin.name}, {"to", uri}, {"shard", shard}});
  calls_[id] = std::move(call);
  ++counters_.calls_started;
  return StartedCall{id, std::nullopt};
}

// The SIP side answered (183 or 200): both legs start; the browser's answer.
Result<std::string> SignalingHub::bring_up_outgoing(GatewayCall& call, const std::string& sip_sdp) {
  if (auto st = prepare_local(call.caller, call.shard, ice::Role::controlled); !st) return st.error();
  auto bridge = complete_to_sip(*call.sip_offer, sip_sdp, call.caller.local);
  if (!bridge) return bridge.error();
  start_sip_legs(call, *bridge);
  call.sip_offer.reset();
  return bridge->browser.local_sdp;
}

// Both legs of a SIP call on its shard: the browser's, linked to the plain
// RTP leg that takes over the call's bound RTP ports.
void SignalingHub::start_sip_legs(GatewayCall& call, const SipBridge& bridge) {
  CallParty& browser = call.browser_party();
  CallParty& sip = call.sip_party();
  browser.leg = media_.new_leg_id();
  sip.leg = media_.new_leg_id();
  media_.add_legs(call.shard, {leg_config(call, browser, bridge.browser, LegMode::linked, sip.leg)});
  media_.add_plain_leg(call.shard, {sip.leg, browser.leg, std::move(call.rtp_ports), bridge.sip});
  call_of_leg_[browser.leg] = call.id;
  call_of_leg_[sip.leg] = call.id;
  call.pt_map = bridge.sip.pt_map;
  call.sip_telephone_event = bridge.sip.telephone_event;
  call.media_up = true;
}

// The browser agent answered a call from SIP: its leg, the RTP leg, and the 200 OK.
Status SignalingHub::answer_sip_incoming(GatewayCall& call, const std::string& sdp) {
  sdp::AvpParams plain;
  plain.address = config_.sip_media_address;
  plain.port = call.rtp_ports->port;
  plain.session_id = random_session_id();
  auto bridge = complete_from_sip(*call.sip_offer_in, sdp, plain);
  if (!bridge) return bridge.error();
  start_sip_legs(call, *bridge);
  call.sip_offer_in.reset();
  call.state = GatewayCall::State::active;
  call.answered = Clock::now();
  if (call.ring_timer) call.ring_timer->cancel();
  sip_->answer(*call.sip, std::move(bridge->sip_answer_sdp));
  emit({{"event", "call-answered"}, {"call_id", call.id}, {"codec", bridge->browser.codec}});
  return {};
}

void SignalingHub::on_sip_incoming(const SipIncomingCall& in) {
  auto reject = [&](int status, const std::string& why) {
    emit({{"event", "sip-call-rejected"}, {"dn", in.dn}, {"from", in.from}, {"status", status}, {"reason", why}});
    sip_->reject(in.id, status, why);
  };
  if (shutting_down_) return reject(503, "Gateway shutting down");
  auto reg = registrar_.find(in.dn);
  if (reg == registrar_.end()) return reject(480, "Not signed in");  // fast, not a ring timeout
  if (calls_.size() >= config_.max_calls) return reject(503, "Gateway at its call limit");
  auto session = sessions_.find(reg->second);
  if (session == sessions_.end() || session->second->calls.size() >= config_.calls_per_session) {
    return reject(486, "Busy Here");
  }
  unsigned shard = media_.pick_shard();
  auto call = std::make_unique<GatewayCall>();
  if (!prepare_local(call->callee, shard, ice::Role::controlling)) return reject(503, "No media port free");
  auto offer = offer_from_sip(in.offer_sdp, call->callee.local);
  if (!offer) return reject(488, "Not Acceptable Here");
  auto ports = media_.open_rtp_ports(shard);
  if (!ports) return reject(503, "No RTP port free");
  call->id = new_call_id();
  call->target = {Target::Kind::dn, in.dn};
  call->shard = shard;
  call->created = Clock::now();
  std::string user = sip_uri_user(in.from);
  call->caller.name = user.empty() ? in.from : user;
  call->callee.conn = reg->second;
  call->callee.name = in.dn;
  call->sip = in.id;
  call->sip_incoming = true;
  call->rtp_ports = std::move(*ports);
  std::string browser_offer = offer->browser_offer_sdp;
  call->sip_offer_in = std::move(*offer);
  arm_ring_timer(*call);
  std::string id = call->id;
  session->second->calls.insert(id);
  call_of_sip_[in.id] = id;
  std::string from = call->caller.name;
  calls_[id] = std::move(call);
  ++counters_.calls_started;
  emit({{"event", "call-ringing"}, {"call_id", id}, {"from", in.from}, {"to", in.dn}, {"shard", shard}});
  send_event(reg->second, IncomingCallEvent{id, from, {}, browser_offer});
  sip_->ring(in.id);
}

void SignalingHub::on_sip_call(SipCallId id, const SipCallUpdate& u) {
  static constexpr std::array<SipUpdateHandler, 8> kHandlers{
      &SignalingHub::on_sip_ringing,     &SignalingHub::on_sip_early_media, &SignalingHub::on_sip_answered,
      &SignalingHub::on_sip_media_updated, &SignalingHub::on_sip_remote_hold, &SignalingHub::on_sip_remote_hold,
      &SignalingHub::on_sip_dtmf,        &SignalingHub::on_sip_ended};
  auto it = call_of_sip_.find(id);
  if (it == call_of_sip_.end()) {
    if (u.kind != SipCallUpdate::Kind::ended && sip_ != nullptr) sip_->hangup(id);  // ours is gone
    return;
  }
  GatewayCall* call = find_call(it->second);
  if (call == nullptr) return;
  (this->*kHandlers.at(static_cast<std::size_t>(u.kind)))(*call, u);
}

// The browser was told "ringing" when its call request was taken.
void SignalingHub::on_sip_ringing(GatewayCall& call, const SipCallUpdate& u) {
  emit({{"event", "sip-ringing"}, {"call_id", call.id}, {"status", u.status}});
}

void SignalingHub::on_sip_early_media(GatewayCall& call, const SipCallUpdate& u) {
  if (call.sip_incoming || call.media_up || call.http) return;  // an HTTP caller waits for the answer
  auto answer = bring_up_outgoing(call, u.remote_sdp);
  if (!answer) return end_call(call.id, &call.callee, EndReason::error, EndReason::error, answer.error().message);
  send_event(call.caller, EarlyMediaEvent{call.id, *answer});
}

void SignalingHub::on_sip_answered(GatewayCall& call, const SipCallUpdate& u) {
  if (call.sip_incoming) return;  // our 200 OK was acknowledged
  std::optional<std::string> answer;
  if (!call.media_up) {
    auto made = bring_up_outgoing(call, u.remote_sdp);
    if (!made) return end_call(call.id, &call.callee, EndReason::error, EndReason::error, made.error().message);
    answer = std::move(*made);
  } else {
    sip_media_changed(call, u.remote_sdp);  // the 200 may move what the 183 set up
  }
  call.state = GatewayCall::State::active;
  call.answered = Clock::now();
  if (call.ring_timer) call.ring_timer->cancel();
  emit({{"event", "call-answered"}, {"call_id", call.id}});
  if (call.http_reply && answer) return reply_http_answer(call, *answer);
  send_event(call.caller, AnsweredEvent{call.id, answer});
}

void SignalingHub::sip_media_changed(GatewayCall& call, const std::string& sip_sdp) {
  if (!call.media_up || sip_sdp.empty()) return;
  auto media = sip_media_of(sip_sdp, call.pt_map);
  if (!media) {
    GW_LOG(warn) << call.id << ": SIP side's new SDP ignored: " << media.error().message;
    return;
  }
  call.sip_telephone_event = media->telephone_event;
  media_.update_plain_leg(call.shard, call.sip_party().leg, std::move(*media));
}

void SignalingHub::on_sip_media_updated(GatewayCall& call, const SipCallUpdate& u) {
  sip_media_changed(call, u.remote_sdp);
}

// RFC 3264 §8.4 hold from the SIP side: the browser is told; media keeps
// flowing as the SIP side sends it (music on hold reaches the browser).
void SignalingHub::on_sip_remote_hold(GatewayCall& call, const SipCallUpdate& u) {
  sip_media_changed(call, u.remote_sdp);
  if (u.kind == SipCallUpdate::Kind::remote_held) {
    send_event(call.browser_party(), HeldEvent{call.id, HoldOrigin::remote});
  } else {
    send_event(call.browser_party(), ResumedEvent{call.id, HoldOrigin::remote});
  }
}

void SignalingHub::on_sip_dtmf(GatewayCall& call, const SipCallUpdate& u) {
  std::string digit(1, u.digit);
  send_event(call.browser_party(), DtmfEvent{call.id, digit, static_cast<int>(u.duration_ms)});
  emit({{"event", "dtmf"}, {"call_id", call.id}, {"from", call.sip_party().name}, {"digit", digit}, {"via", "info"}});
}

void SignalingHub::on_sip_ended(GatewayCall& call, const SipCallUpdate& u) {
  call.sip_gone = true;
  call_of_sip_.erase(*call.sip);
  EndReason r = reason_for_end(u);
  std::optional<int> status;
  if (u.status >= 300) status = u.status;
  std::string message = r == EndReason::error && !u.reason.empty() ? "SIP: " + u.reason : std::string();
  end_call(call.id, &call.sip_party(), r, r, std::move(message), status);
}

// The browser side ended a SIP call: CANCEL, a final response, or BYE.
void SignalingHub::end_sip_side(GatewayCall& call, EndReason reason) {
  call_of_sip_.erase(*call.sip);
  if (call.sip_gone || sip_ == nullptr) return;
  if (call.sip_incoming && call.state == GatewayCall::State::ringing) {
    sip_->reject(*call.sip, status_for(reason));
  } else {
    sip_->hangup(*call.sip);
  }
}

void SignalingHub::arm_ring_timer(GatewayCall& call) {
  // An HTTP caller waits in its request, which the server gives up on at 120 s.
  Duration ring = call.http ? std::min<Duration>(config_.ring_timeout, seconds(110)) : config_.ring_timeout;
  call.ring_timer = std::make_unique<boost::asio::steady_timer>(io_, ring);
  std::string id = call.id;
  call.ring_timer->async_wait([this, id](const boost::system::error_code& ec) {
    if (ec) return;
    GatewayCall* c = find_call(id);
    if (c == nullptr || c->state != GatewayCall::State::ringing) return;
    // The caller hears no-answer; the callee's ringing stops (CANCEL/480 on SIP).
    if (c->sip_incoming) {
      end_call(id, &c->callee, EndReason::no_answer, EndReason::no_answer);
    } else {
      end_call(id, &c->caller, EndReason::no_answer, EndReason::cancelled);
    }
  });
}

void SignalingHub::on_sip_registration(const SipRegistrationUpdate& u) {
  const auto& e = u.event;
  std::string state(sip::to_string(e.state));
  boost::json::object o{{"event", "sip-registration"}, {"dn", u.dn}, {"state", state}};
  if (e.status != 0) o["status"] = e.status;
  if (!e.reason.empty()) o["reason"] = e.reason;
  emit(std::move(o));
  std::optional<int> status;
  if (e.status != 0) status = e.status;
  RegistrationEvent ev{u.dn, state, e.reason, status};
  if (e.state == sip::RegistrationState::unregistered) sip_registrations_.erase(u.dn);
  else sip_registrations_[u.dn] = ev;  // told again to a session that takes the DN over
  auto reg = registrar_.find(u.dn);
  if (reg != registrar_.end()) send_event(reg->second, ev);
}

}  // namespace gw::gateway
