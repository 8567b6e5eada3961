// SignalingHub's calls: set-up to built-in targets and between browsers,
// answer, reject, hang-up, hold, the end of a call whoever ends it, the
// HTTP one-call endpoint and the media shards' events.
#include <openssl/rand.h>

#include <array>
#include <boost/asio/steady_timer.hpp>

#include "gateway/hub_session.hpp"
#include "gateway/signaling_hub.hpp"
#include "util/log.hpp"

namespace gw::gateway {

namespace {

EndReason reason_for(RejectReason r) {
  switch (r) {
    case RejectReason::busy: return EndReason::busy;
    case RejectReason::unavailable: return EndReason::unavailable;
    case RejectReason::rejected: break;
  }
  return EndReason::rejected;
}

}  // namespace

// Unguessable: DELETE /api/v1/calls/{id} takes no other credential.
std::string SignalingHub::new_call_id() {
  ++call_seq_;
  std::array<unsigned char, 9> r{};
  RAND_bytes(r.data(), static_cast<int>(r.size()));
  static constexpr std::string_view kChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  std::string id = "c-";
  for (auto b : r) id += kChars[b % kChars.size()];
  return id;
}

Status SignalingHub::prepare_local(CallParty& party, unsigned shard, ice::Role role) {
  if (media_.full_ice()) {
    LocalIce creds = make_local_ice();
    auto ice = media_.open_leg_ice(role, creds.ufrag, creds.pwd,
                                   [this](std::uint64_t serial, const std::optional<sdp::Candidate>& c) {
                                     on_local_candidate(serial, c);
                                   });
    if (!ice) {
      GW_LOG(warn) << "full ICE: " << ice.error().message;
      return make_api_error(ErrorCode::overloaded, "No ICE agent could be set up; try again later.");
    }
    party.ice = std::move(*ice);
    party.local = {std::move(creds), party.ice->host_candidates(), media_.certificate()->fingerprint(), false};
    return {};
  }
  std::uint16_t port = 0;
  if (media_.per_leg_ports()) {
    auto own = media_.open_leg_port(shard);
    if (!own) return make_api_error(ErrorCode::overloaded, "No media port is free; try again later.");
    party.own_port = std::move(*own);
    port = party.own_port->local_endpoint().port;
  }
  party.local = {make_local_ice(), media_.candidates(shard, port), media_.certificate()->fingerprint()};
  return {};
}

LegConfig SignalingHub::leg_config(const GatewayCall& call, const CallParty& party, const NegotiatedLeg& n,
                                   LegMode mode, LegId peer) const {
  (void)call;
  LegConfig c;
  c.id = party.leg;
  c.ice = {party.local.ice.ufrag, party.local.ice.pwd, n.remote_ufrag};
  c.setup = n.dtls_role;
  c.remote_fingerprint = n.remote_fingerprint;
  c.codec = n.codec;
  c.clock_rate = n.clock_rate;
  c.telephone_events = n.telephone_events;
  c.audio_level_ext = n.audio_level_ext;
  c.mode = mode;
  c.tone_pt = n.pt;
  c.peer = peer;
  c.own_port = party.own_port;
  if (party.ice) {
    c.full_ice = party.ice;
    c.remote_ice = {n.remote_ufrag, n.remote_pwd, n.remote_candidates, n.remote_end_of_candidates || party.early_done};
    c.remote_ice.candidates.insert(c.remote_ice.candidates.end(), party.early_candidates.begin(),
                                   party.early_candidates.end());
  }
  return c;
}

Result<SignalingHub::StartedCall> SignalingHub::start_call(CallOrigin origin, const Target& target, const std::string& sdp) {
  if (shutting_down_) return make_api_error(ErrorCode::shutting_down, "The gateway is shutting down.");
  if (calls_.size() >= config_.max_calls) {
    return make_api_error(ErrorCode::overloaded, "The gateway is at its call limit; try again later.");
  }
  switch (target.kind) {
    case Target::Kind::echo:
    case Target::Kind::tone: return start_builtin(origin, target, sdp);
    case Target::Kind::dn:
      // SIP mode: a DN is reached through the SIP server, even a DN signed
      // in here (the server may forward, queue or record it).
      if (sip_ != nullptr) return start_to_sip(origin, target, sdp);
      return start_to_agent(origin, target, sdp);
    case Target::Kind::sip_uri:
      if (sip_ != nullptr) return start_to_sip(origin, target, sdp);
      break;
  }
  return make_api_error(ErrorCode::target_not_found,
                        "This gateway has no SIP server configured (--sip-registrar/--sip-proxy): SIP URIs cannot be called.");
}

Result<SignalingHub::StartedCall> SignalingHub::start_builtin(CallOrigin& origin, const Target& target, const std::string& sdp) {
  unsigned shard = media_.pick_shard();
  auto call = std::make_unique<GatewayCall>();
  if (auto st = prepare_local(call->caller, shard, ice::Role::controlled); !st) return st.error();
  auto leg = answer_builtin(sdp, target.kind, call->caller.local);
  if (!leg) return leg.error();
  call->id = new_call_id();
  call->target = target;
  call->state = GatewayCall::State::active;
  call->shard = shard;
  call->created = Clock::now();
  call->answered = call->created;
  call->caller.conn = origin.conn;
  call->caller.name = origin.name;
  call->caller.leg = media_.new_leg_id();
  call->callee.name = target.value;
  call->http = !origin.conn.has_value();
  LegMode mode = target.kind == Target::Kind::echo ? LegMode::echo : LegMode::tone;
  media_.add_legs(shard, {leg_config(*call, call->caller, *leg, mode, 0)});
  call_of_leg_[call->caller.leg] = call->id;
  std::string id = call->id;
  emit({{"event", "call-started"}, {"call_id", id}, {"target", target.value}, {"codec", leg->codec},
        {"shard", shard}});
  calls_[id] = std::move(call);
  ++counters_.calls_started;
  return StartedCall{id, leg->local_sdp};  // answered at once
}

Result<SignalingHub::StartedCall> SignalingHub::start_to_agent(CallOrigin& origin, const Target& target, const std::string& sdp) {
  auto reg = registrar_.find(target.value);
  if (reg == registrar_.end()) {
    return make_api_error(ErrorCode::target_not_found, target.value + " is not signed in.");
  }
  if (origin.conn && reg->second == *origin.conn) {
    return make_api_error(ErrorCode::bad_target, "A session cannot call its own DN.");
  }
  unsigned shard = media_.pick_shard();
  auto call = std::make_unique<GatewayCall>();
  if (auto st = prepare_local(call->callee, shard, ice::Role::controlling); !st) return st.error();
  auto offer = offer_to_agent(sdp, call->callee.local);
  if (!offer) return offer.error();
  call->id = new_call_id();
  call->target = target;
  call->shard = shard;
  call->created = Clock::now();
  call->caller.conn = origin.conn;
  call->caller.name = origin.name;
  call->callee.conn = reg->second;
  call->callee.name = target.value;
  call->http = !origin.conn.has_value();
  call->http_reply = std::move(origin.http_reply);
  std::string offer_sdp = offer->offer_sdp;
  call->agent_offer = std::move(*offer);
  std::string id = call->id;
  arm_ring_timer(*call);  // nobody answered
  if (auto s = sessions_.find(reg->second); s != sessions_.end()) s->second->calls.insert(id);
  calls_[id] = std::move(call);
  ++counters_.calls_started;
  emit({{"event", "call-ringing"}, {"call_id", id}, {"from", origin.name}, {"to", target.value}, {"shard", shard}});
  send_event(reg->second, IncomingCallEvent{id, origin.name, {}, offer_sdp});
  return StartedCall{id, std::nullopt};
}

void SignalingHub::handle(RequestContext& ctx, const CallRequest& r) {
  Session& s = ctx.session;
  if (s.calls.size() >= config_.calls_per_session) {
    return fail(ctx, make_api_error(ErrorCode::overloaded, "This session already has its maximum number of calls."));
  }
  CallOrigin origin{s.id, s.dn.value_or("customer"), {}, s.dn};
  auto started = start_call(std::move(origin), r.target, r.sdp);
  if (!started) return fail(ctx, started.error());
  s.calls.insert(started->call_id);
  respond(ctx, call_response(*ctx.id, started->call_id));
  if (started->answer_sdp) {  // built-in targets answer at once
    send_event(s.id, AnsweredEvent{started->call_id, started->answer_sdp});
  } else {
    send_event(s.id, RingingEvent{started->call_id});
  }
}

void SignalingHub::handle(RequestContext& ctx, const AnswerRequest& r) {
  CallParty* p = nullptr;
  GatewayCall* call = call_for(ctx, r.call_id, &p);
  if (call == nullptr) return;
  if (p != &call->callee || call->state != GatewayCall::State::ringing) {
    return fail(ctx, make_api_error(ErrorCode::bad_state, "Only a ringing incoming call can be answered."));
  }
  if (auto st = answer_call(*call, r.sdp); !st) {
    fail(ctx, st.error());
    end_call(call->id, &call->callee, EndReason::error, EndReason::error, st.error().message);
    return;
  }
  respond(ctx, ok_response(*ctx.id));
}

// The agent's answer completes both legs; the caller gets its answer.
Status SignalingHub::answer_call(GatewayCall& call, const std::string& sdp) {
  if (call.sip_incoming) return answer_sip_incoming(call, sdp);
  if (auto st = prepare_local(call.caller, call.shard, ice::Role::controlled); !st) return st;
  auto legs = complete_bridge(*call.agent_offer, sdp, call.caller.local);
  if (!legs) return legs.error();
  call.caller.leg = media_.new_leg_id();
  call.callee.leg = media_.new_leg_id();
  media_.add_legs(call.shard, {leg_config(call, call.caller, legs->caller, LegMode::linked, call.callee.leg),
                               leg_config(call, call.callee, legs->agent, LegMode::linked, call.caller.leg)});
  call_of_leg_[call.caller.leg] = call.id;
  call_of_leg_[call.callee.leg] = call.id;
  call.state = GatewayCall::State::active;
  call.answered = Clock::now();
  call.agent_offer.reset();
  if (call.ring_timer) call.ring_timer->cancel();
  emit({{"event", "call-answered"}, {"call_id", call.id}, {"codec", legs->caller.codec}});
  if (call.http_reply) {
    reply_http_answer(call, legs->caller.local_sdp);
  } else {
    send_event(call.caller, AnsweredEvent{call.id, legs->caller.local_sdp});
  }
  return {};
}

void SignalingHub::reply_http_answer(GatewayCall& call, const std::string& sdp) {
  auto reply = std::exchange(call.http_reply, nullptr);
  reply({201, http_call_created(call.id, sdp), "application/json", {{"Location", "/api/v1/calls/" + call.id}}});
}

void SignalingHub::handle(RequestContext& ctx, const RejectRequest& r) {
  CallParty* p = nullptr;
  GatewayCall* call = call_for(ctx, r.call_id, &p);
  if (call == nullptr) return;
  if (p != &call->callee || call->state != GatewayCall::State::ringing) {
    return fail(ctx, make_api_error(ErrorCode::bad_state, "Only a ringing incoming call can be rejected."));
  }
  respond(ctx, ok_response(*ctx.id));
  end_call(call->id, p, EndReason::rejected, reason_for(r.reason), {});
}

void SignalingHub::handle(RequestContext& ctx, const HangupRequest& r) {
  CallParty* p = nullptr;
  GatewayCall* call = call_for(ctx, r.call_id, &p);
  if (call == nullptr) return;
  respond(ctx, ok_response(*ctx.id));
  bool cancel = call->state == GatewayCall::State::ringing && p == &call->caller;
  end_call(call->id, p, EndReason::hangup, cancel ? EndReason::cancelled : EndReason::remote_hangup);
}

// Hold at the gateway: media stops both ways at the anchor, so neither
// browser needs a renegotiation; both sides are told who held.
void SignalingHub::set_hold(GatewayCall& call, CallParty& by, bool held) {
  call.held = held;
  if (call.sip && sip_ != nullptr) {  // RFC 3264 §8.4 towards SIP: a=sendonly, then sendrecv
    if (held) sip_->hold(*call.sip);
    else sip_->resume(*call.sip);
  }
  for (CallParty* p : {&call.caller, &call.callee}) {
    if (p->leg != 0) media_.set_hold(call.shard, p->leg, held);
  }
  CallParty& other = call.other(by);
  if (held) {
    send_event(by, HeldEvent{call.id, HoldOrigin::local});
    if (&other != &by) send_event(other, HeldEvent{call.id, HoldOrigin::remote});
  } else {
    send_event(by, ResumedEvent{call.id, HoldOrigin::local});
    if (&other != &by) send_event(other, ResumedEvent{call.id, HoldOrigin::remote});
  }
}

void SignalingHub::end_call(const std::string& call_id, const CallParty* by, EndReason reason,
                            EndReason other_reason, std::string message, std::optional<int> sip_status) {
  auto it = calls_.find(call_id);
  if (it == calls_.end()) return;
  std::unique_ptr<GatewayCall> call = std::move(it->second);
  calls_.erase(it);
  ++counters_.calls_ended;
  if (call->ring_timer) call->ring_timer->cancel();
  if (call->sip) end_sip_side(*call, (by == nullptr || by == &call->sip_party()) ? reason : other_reason);
  for (CallParty* p : {&call->caller, &call->callee}) {
    if (p->leg != 0) {
      media_.remove_leg(call->shard, p->leg);
      call_of_leg_.erase(p->leg);
    }
    EndReason r = (by == nullptr || p == by) ? reason : other_reason;
    if (p->conn) {
      send_event(*p->conn, EndedEvent{call->id, r, p == by ? message : std::string{}, sip_status});
      if (auto s = sessions_.find(*p->conn); s != sessions_.end()) s->second->calls.erase(call->id);
    }
  }
  if (call->http_reply) {  // an HTTP caller still waiting: the far end refused
    EndReason r = by == &call->caller ? reason : other_reason;
    call->http_reply({409, http_call_failed_body(to_string(r), describe(r)), "application/json", {}});
  }
  // The browser's side of the media (a SIP caller has no stats of its own).
  const CallStats& s = call->sip ? call->browser_party().last_stats : call->caller.last_stats;
  emit({{"event", "call-ended"}, {"call_id", call->id}, {"reason", to_string(by == &call->callee ? other_reason : reason)},
        {"packets_in", s.packets_received}, {"packets_out", s.packets_sent}});
}

void SignalingHub::on_leg_event(const LegEvent& ev) {
  auto c = call_of_leg_.find(ev.leg);
  if (c == call_of_leg_.end()) return;
  GatewayCall* call = find_call(c->second);
  CallParty* p = call != nullptr ? call->party_of_leg(ev.leg) : nullptr;
  if (p == nullptr) return;
  switch (ev.kind) {
    case LegEvent::Kind::ice_connected:
      GW_LOG(debug) << call->id << ": ICE nominated " << ev.detail;
      return;
    case LegEvent::Kind::media_ready:
      p->media_ready = true;
      emit({{"event", "media-ready"}, {"call_id", call->id}, {"party", p->name}, {"srtp", ev.detail}});
      return;
    case LegEvent::Kind::dtmf:
      // RFC 4733 reaches a SIP side that negotiated telephone-event as it
      // is; any other SIP side gets the digit by SIP INFO.
      if (call->sip && !call->sip_telephone_event && sip_ != nullptr && p == &call->browser_party()) {
        sip_->send_dtmf_info(*call->sip, ev.digit.digit, static_cast<unsigned>(ev.digit.duration_ms));
      }
      send_event(call->other(*p), DtmfEvent{call->id, std::string(1, ev.digit.digit), ev.digit.duration_ms});
      emit({{"event", "dtmf"}, {"call_id", call->id}, {"from", p->name}, {"digit", std::string(1, ev.digit.digit)}});
      return;
    case LegEvent::Kind::stats:
      p->last_stats = ev.stats;
      send_event(*p, StatsEvent{call->id, ev.stats});
      return;
    case LegEvent::Kind::ended:
      p->last_stats = ev.stats;
      GW_LOG(info) << call->id << ": " << p->name << "'s media ended: " << ev.detail;
      p->leg = 0;  // gone already
      call_of_leg_.erase(ev.leg);
      end_call(call->id, p, ev.reason,
               ev.reason == EndReason::error ? EndReason::error : EndReason::peer_gone, ev.detail);
      return;
  }
}

void SignalingHub::on_http_api(HttpApiRequest request, std::function<void(HttpReply)> reply) {
  auto error_reply = [&](const Error& e) { reply({http_status_for(e), http_error_body(e), "application/json", {}}); };
  if (request.route.kind == HttpRoute::Kind::delete_call) {
    GatewayCall* call = find_call(request.route.call_id);
    if (call == nullptr || !call->http) {
      return error_reply(make_api_error(ErrorCode::no_such_call, "No call " + request.route.call_id + "."));
    }
    end_call(call->id, &call->caller, EndReason::hangup, EndReason::remote_hangup);
    return reply({204, {}, "application/json", {}});
  }
  auto parsed = parse_http_call(request.body, config_.limits);
  if (!parsed) return error_reply(parsed.error());
  CallOrigin origin{std::nullopt, "customer", reply, std::nullopt};
  auto started = start_call(std::move(origin), parsed->target, parsed->sdp);
  if (!started) return error_reply(started.error());
  if (started->answer_sdp) {
    reply({201, http_call_created(started->call_id, *started->answer_sdp), "application/json",
           {{"Location", "/api/v1/calls/" + started->call_id}}});
  }
  // A call to an agent answers later (answer_call) or fails with 409 (end_call).
}

}  // namespace gw::gateway
