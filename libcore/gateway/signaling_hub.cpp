#include "gateway/signaling_hub.hpp"
#include "gateway/hub_session.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <chrono>

#include "gateway/api_validate.hpp"
#include "util/log.hpp"

namespace gw::gateway {

namespace {

// A browser trickles a handful (one per interface and type); a flood is cut.
constexpr std::size_t kMaxEarlyCandidates = 32;

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> r(bytes);
  RAND_bytes(r.data(), static_cast<int>(bytes));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (auto b : r) {
    s += kHex[b >> 4];
    s += kHex[b & 15];
  }
  return s;
}

std::int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool secrets_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

SignalingHub::SignalingHub(boost::asio::io_context& io, HubConfig config, MediaEngine& media, SignalingOutput& out,
                           std::function<void(boost::json::object)> events)
    : io_(io),
      config_(std::move(config)),
      media_(media),
      out_(out),
      events_(std::move(events)),
      signin_failures_({.per_second = 5.0 / 60.0, .burst = 5, .max_sources = 65536}) {}

SignalingHub::~SignalingHub() = default;

HubCounters SignalingHub::counters() const {
  HubCounters c = counters_;
  c.sessions = sessions_.size();
  c.signed_in = registrar_.size();
  c.calls_active = calls_.size();
  return c;
}

void SignalingHub::emit(boost::json::object o) {
  if (events_) events_(std::move(o));
}

void SignalingHub::on_ws_open(ConnectionId id, const IpAddress& client) {
  auto s = std::make_unique<Session>();
  s->id = id;
  s->client = client;
  s->session_id = "s-" + random_hex(8);
  s->tokens = config_.request_burst;
  s->refilled = Clock::now();
  sessions_[id] = std::move(s);
}

void SignalingHub::on_ws_close(ConnectionId id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  Session& s = *it->second;
  // The browser is gone: its calls end; the other side hears "peer gone".
  std::vector<std::string> calls(s.calls.begin(), s.calls.end());
  for (const auto& call_id : calls) {
    if (GatewayCall* call = find_call(call_id)) {
      CallParty* p = call->party_of(id);
      if (p != nullptr) p->conn.reset();
      bool ringing_callee = call->state == GatewayCall::State::ringing && p == &call->callee;
      end_call(call_id, p, EndReason::peer_gone, ringing_callee ? EndReason::unavailable : EndReason::peer_gone);
    }
  }
  release_dn(s);  // a dead browser is unregistered at once
  sessions_.erase(it);
}

// API §7: a token bucket per WebSocket; a session over it for
// rate_close_after is closed (1008).
bool SignalingHub::rate_ok(Session& s, TimePoint now) {
  double elapsed = std::chrono::duration<double>(now - s.refilled).count();
  s.tokens = std::min(config_.request_burst, s.tokens + elapsed * config_.requests_per_s);
  s.refilled = now;
  if (s.tokens >= 1) {
    s.tokens -= 1;
    s.over_rate_since.reset();
    return true;
  }
  if (!s.over_rate_since) s.over_rate_since = now;
  return false;
}

void SignalingHub::on_ws_message(ConnectionId id, std::string_view text) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  Session& s = *it->second;
  ++counters_.requests;
  auto frame = parse_request(text, config_.limits);
  RequestContext ctx{s, frame.id};
  TimePoint now = Clock::now();
  if (!rate_ok(s, now)) {
    ++counters_.rate_limited;
    fail(ctx, make_api_error(ErrorCode::rate_limited, "Too many requests; slow down."));
    if (now - *s.over_rate_since >= config_.rate_close_after) out_.close(id, 1008, "request rate limit");
    return;
  }
  if (!frame.request) {
    fail(ctx, frame.request.error());
    return;
  }
  if (!s.hello && !std::holds_alternative<HelloRequest>(*frame.request)) {
    fail(ctx, make_api_error(ErrorCode::bad_state, "Send hello first."));
    return;
  }
  dispatch(ctx, *frame.request);
}

void SignalingHub::dispatch(RequestContext& ctx, const Request& request) {
  std::visit([&](const auto& r) { handle(ctx, r); }, request);
}

void SignalingHub::respond(RequestContext& ctx, std::string frame) { out_.send(ctx.session.id, std::move(frame)); }

void SignalingHub::fail(RequestContext& ctx, const Error& e) {
  ++counters_.request_errors;
  out_.send(ctx.session.id, error_response(ctx.id, e));
}

void SignalingHub::send_event(ConnectionId c, const Event& e) { out_.send(c, serialize_event(e)); }

void SignalingHub::send_event(const CallParty& p, const Event& e) {
  if (p.conn) send_event(*p.conn, e);
}

void SignalingHub::handle(RequestContext& ctx, const HelloRequest& r) {
  auto version = negotiate_version(r);
  if (!version) return fail(ctx, version.error());
  ctx.session.hello = true;
  HelloReply reply;
  reply.version = *version;
  reply.session_id = ctx.session.session_id;
  reply.limits = config_.limits;
  if (!config_.stun_urls.empty()) reply.ice_servers.push_back({config_.stun_urls, std::nullopt, std::nullopt});
  if (!config_.turn_urls.empty() && !config_.turn_secret.empty()) {
    std::string who = ctx.session.dn.value_or(ctx.session.session_id);
    reply.ice_servers.push_back(
        turn_server(config_.turn_urls, config_.turn_secret, who, unix_seconds(), config_.turn_ttl_s));
  }
  respond(ctx, hello_response(*ctx.id, reply));
}

void SignalingHub::handle(RequestContext& ctx, const SigninRequest& r) {
  Session& s = ctx.session;
  if (s.dn) return fail(ctx, make_api_error(ErrorCode::already_signed_in, "This session is signed in as " + *s.dn + "."));
  if (shutting_down_) return fail(ctx, make_api_error(ErrorCode::shutting_down, "The gateway is shutting down."));
  if (!config_.agents.empty()) {
    // API §7: 5 failed sign-ins a minute per client IP; once spent, no
    // secret is even compared (a right guess must not get through either).
    TimePoint now = Clock::now();
    if (signin_failures_.exhausted(s.client, now)) {
      ++counters_.rate_limited;
      return fail(ctx, make_api_error(ErrorCode::rate_limited, "Too many failed sign-ins; wait a minute."));
    }
    auto agent = config_.agents.find(r.dn);
    std::string_view given = r.token ? *r.token : r.password.value_or("");
    if (agent == config_.agents.end() || !secrets_equal(agent->second, given)) {
      (void)signin_failures_.allow(s.client, now);  // spends one of the budget
      return fail(ctx, make_api_error(ErrorCode::auth_failed, "Wrong DN or secret."));
    }
  }
  // A second sign-in of the same DN takes it over (API §3); the SIP
  // registration stays (same AOR and Contact).
  std::optional<ConnectionId> previous;
  if (auto old = registrar_.find(r.dn); old != registrar_.end()) previous = old->second;
  s.dn = r.dn;
  registrar_[r.dn] = s.id;
  if (previous) {
    if (auto os = sessions_.find(*previous); os != sessions_.end()) {
      sign_out(*os->second, "signed-in-elsewhere", r.dn + " signed in elsewhere.");
    }
  }
  if (sip_ != nullptr) sip_->register_dn(r.dn);  // kept as it is when taken over
  emit({{"event", "signed-in"}, {"dn", r.dn}, {"session", s.session_id}});
  respond(ctx, signin_response(*ctx.id, r.dn));
  if (auto known = sip_registrations_.find(r.dn); known != sip_registrations_.end()) {
    send_event(s.id, known->second);  // a takeover: the binding's state as it is
  }
}

void SignalingHub::release_dn(Session& s) {
  if (!s.dn) return;
  auto r = registrar_.find(*s.dn);
  if (r == registrar_.end() || r->second != s.id) return;
  registrar_.erase(r);
  if (sip_ != nullptr) sip_->unregister_dn(*s.dn);
}

void SignalingHub::sign_out(Session& s, std::string_view reason, std::string_view message) {
  if (!s.dn) return;
  release_dn(s);
  emit({{"event", "signed-out"}, {"dn", *s.dn}, {"reason", reason}});
  s.dn.reset();
  send_event(s.id, SignedOutEvent{std::string(reason), std::string(message)});
}

void SignalingHub::handle(RequestContext& ctx, const SignoutRequest&) {
  if (!ctx.session.dn) return fail(ctx, make_api_error(ErrorCode::not_signed_in, "This session is not signed in."));
  std::string dn = *ctx.session.dn;
  release_dn(ctx.session);
  ctx.session.dn.reset();
  emit({{"event", "signed-out"}, {"dn", dn}, {"reason", "signout"}});
  respond(ctx, ok_response(*ctx.id));
}

void SignalingHub::handle(RequestContext& ctx, const PingRequest&) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch());
  respond(ctx, ping_response(*ctx.id, static_cast<std::uint64_t>(ms.count())));
}

void SignalingHub::handle(RequestContext& ctx, const StatsRequest& r) {
  CallParty* p = nullptr;
  if (call_for(ctx, r.call_id, &p) == nullptr) return;
  respond(ctx, stats_response(*ctx.id, r.call_id, p->last_stats));
}

void SignalingHub::handle(RequestContext& ctx, const IceCandidateRequest& r) {
  CallParty* p = nullptr;
  if (call_for(ctx, r.call_id, &p) == nullptr) return;
  // ICE-lite answers the browser's checks from any address, so trickled
  // candidates need no action (RFC 8445 §2.5). A full agent checks them.
  if (media_.full_ice()) {
    if (p->ice && r.candidate) {
      if (auto st = p->ice->add_remote_candidate(*r.candidate); !st) {
        return fail(ctx, make_api_error(ErrorCode::bad_candidate, "The call has too many candidates already."));
      }
    } else if (p->ice) {
      p->ice->remote_done();
    } else if (r.candidate && p->early_candidates.size() < kMaxEarlyCandidates) {
      p->early_candidates.push_back(*r.candidate);  // the leg's agent starts at the answer
    } else if (!r.candidate) {
      p->early_done = true;
    }
  }
  respond(ctx, ok_response(*ctx.id));
}

void SignalingHub::on_local_candidate(std::uint64_t ice_serial, const std::optional<sdp::Candidate>& candidate) {
  for (auto& [id, call] : calls_) {
    for (CallParty* p : {&call->caller, &call->callee}) {
      if (!p->ice || p->ice->serial() != ice_serial) continue;
      if (p->conn) send_event(*p, IceCandidateEvent{id, candidate, ""});  // HTTP callers have host candidates only
      emit({{"event", "ice-candidate"}, {"call_id", id}, {"party", p->name},
            {"candidate", candidate ? boost::json::value(candidate->to_value()) : boost::json::value(nullptr)}});
      return;
    }
  }
}

void SignalingHub::handle(RequestContext& ctx, const DtmfRequest& r) {
  CallParty* p = nullptr;
  GatewayCall* call = call_for(ctx, r.call_id, &p);
  if (call == nullptr) return;
  if (call->state != GatewayCall::State::active) {
    return fail(ctx, make_api_error(ErrorCode::bad_state, "The call is not answered yet."));
  }
  if (call->sip && sip_ != nullptr) {
    for (char d : r.digits) sip_->send_dtmf_info(*call->sip, d, static_cast<unsigned>(r.duration_ms));
  } else {
    send_event(call->other(*p), DtmfEvent{call->id, r.digits, r.duration_ms});
  }
  respond(ctx, ok_response(*ctx.id));
}

void SignalingHub::handle(RequestContext& ctx, const HoldRequest& r) {
  CallParty* p = nullptr;
  GatewayCall* call = call_for(ctx, r.call_id, &p);
  if (call == nullptr) return;
  if (call->state != GatewayCall::State::active) {
    return fail(ctx, make_api_error(ErrorCode::bad_state, "Only an answered call can be held."));
  }
  respond(ctx, ok_response(*ctx.id));
  set_hold(*call, *p, true);
}

void SignalingHub::handle(RequestContext& ctx, const ResumeRequest& r) {
  CallParty* p = nullptr;
  GatewayCall* call = call_for(ctx, r.call_id, &p);
  if (call == nullptr) return;
  if (call->state != GatewayCall::State::active) {
    return fail(ctx, make_api_error(ErrorCode::bad_state, "Only an answered call can be resumed."));
  }
  respond(ctx, ok_response(*ctx.id));
  set_hold(*call, *p, false);
}

GatewayCall* SignalingHub::call_for(RequestContext& ctx, const std::string& id, CallParty** party) {
  GatewayCall* call = find_call(id);
  CallParty* p = call != nullptr ? call->party_of(ctx.session.id) : nullptr;
  if (p == nullptr) {
    fail(ctx, make_api_error(ErrorCode::no_such_call, "No call " + id + " in this session."));
    return nullptr;
  }
  *party = p;
  return call;
}

GatewayCall* SignalingHub::find_call(const std::string& id) {
  auto it = calls_.find(id);
  return it == calls_.end() ? nullptr : it->second.get();
}

void SignalingHub::shutdown() {
  shutting_down_ = true;
  std::vector<std::string> ids;
  for (const auto& [id, call] : calls_) ids.push_back(id);
  for (const auto& id : ids) end_call(id, nullptr, EndReason::server_shutdown, EndReason::server_shutdown);
  for (auto& [id, s] : sessions_) sign_out(*s, "server-shutdown", "The gateway is shutting down.");
}

}  // namespace gw::gateway
