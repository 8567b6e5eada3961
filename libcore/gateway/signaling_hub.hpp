// The gateway's call control, behind the browser API (docs/API.md): the
// WebSocket sessions (hello, sign-in as a DN, requests), the built-in
// registrar of signed-in DNs, calls to the built-in targets (echo, tone)
// and between browsers (media anchored at the gateway, one leg each), the
// HTTP one-call endpoint, and what the media shards report (DTMF, stats,
// legs that ended). Requests are dispatched to one small handler per type.
// Thread: the signaling thread only (the HttpsServer's io_context).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include "gateway/gateway_call.hpp"
#include "gateway/https_server.hpp"
#include "gateway/media_engine.hpp"
#include "gateway/sip_side.hpp"
#include "stun/rate_limiter.hpp"

namespace gw::gateway {

// Where frames go (the HttpsServer in production, a recorder in tests).
class SignalingOutput {
 public:
  virtual ~SignalingOutput() = default;
  virtual bool send(ConnectionId id, std::string text) = 0;
  virtual void close(ConnectionId id, std::uint16_t code, std::string reason) = 0;
};

struct HubConfig {
  Limits limits;
  std::vector<std::string> stun_urls;               // "stun:host:port"
  std::vector<std::string> turn_urls;               // "turn:host:port?transport=udp"
  std::string turn_secret;                          // coturn static-auth-secret
  std::int64_t turn_ttl_s = 86400;
  std::map<std::string, std::string> agents;        // DN -> token/password; empty: any DN may sign in
  std::size_t max_calls = 4000;
  std::size_t calls_per_session = 4;
  double requests_per_s = 50, request_burst = 100;  // per WebSocket (API §7)
  Duration rate_close_after = seconds(10);          // over the rate this long: close 1008
  Duration ring_timeout = seconds(60);
  std::string sip_media_address;                    // our private RTP address in SIP SDP (c=, o=)
};

struct HubCounters {
  std::uint64_t sessions = 0, signed_in = 0, calls_active = 0;
  std::uint64_t calls_started = 0, calls_ended = 0, requests = 0, request_errors = 0, rate_limited = 0;
};

class SignalingHub final : public ApiHandler {
 public:
  // `events`: lifecycle events for the tool's JSON output (may be empty).
  SignalingHub(boost::asio::io_context& io, HubConfig config, MediaEngine& media, SignalingOutput& out,
               std::function<void(boost::json::object)> events = {});
  ~SignalingHub() override;

  void on_ws_open(ConnectionId id, const IpAddress& client) override;
  void on_ws_message(ConnectionId id, std::string_view text) override;
  void on_ws_close(ConnectionId id) override;
  void on_http_api(HttpApiRequest request, std::function<void(HttpReply)> reply) override;

  // From the media engine (signaling thread).
  void on_leg_event(const LegEvent& event);
  // SIGTERM: no new calls; every call ends with server-shutdown; agents are signed out.
  void shutdown();
  void set_agents(std::map<std::string, std::string> agents) { config_.agents = std::move(agents); }

  // SIP mode (issue 7): DNs that sign in are registered at the SIP server,
  // calls to DNs and SIP URIs go there, and SIP calls for a DN ring its
  // browser. Without it the hub is its own registrar (standalone).
  void set_sip(SipSide* sip) { sip_ = sip; }
  void on_sip_call(SipCallId id, const SipCallUpdate& update);
  void on_sip_incoming(const SipIncomingCall& incoming);
  void on_sip_registration(const SipRegistrationUpdate& update);

  [[nodiscard]] HubCounters counters() const;

  struct Session;
  struct RequestContext;

 private:
  // Request handlers (signaling_hub.cpp, call_control.cpp): one per request type.
  void handle(RequestContext& ctx, const HelloRequest& r);
  void handle(RequestContext& ctx, const SigninRequest& r);
  void handle(RequestContext& ctx, const SignoutRequest& r);
  void handle(RequestContext& ctx, const CallRequest& r);
  void handle(RequestContext& ctx, const AnswerRequest& r);
  void handle(RequestContext& ctx, const RejectRequest& r);
  void handle(RequestContext& ctx, const HangupRequest& r);
  void handle(RequestContext& ctx, const HoldRequest& r);
  void handle(RequestContext& ctx, const ResumeRequest& r);
  void handle(RequestContext& ctx, const DtmfRequest& r);
  void handle(RequestContext& ctx, const IceCandidateRequest& r);
  void handle(RequestContext& ctx, const StatsRequest& r);
  void handle(RequestContext& ctx, const PingRequest& r);

  // Call control (call_control.cpp).
  struct CallOrigin {
    std::optional<ConnectionId> conn;
    std::string name;
    std::function<void(HttpReply)> http_reply;
    std::optional<std::string> dn;  // a signed-in agent's: its SIP calls go out as it
  };
  struct StartedCall {
    std::string call_id;
    std::optional<std::string> answer_sdp;  // built-in targets answer at once
  };
  Result<StartedCall> start_call(CallOrigin origin, const Target& target, const std::string& sdp);
  Result<StartedCall> start_builtin(CallOrigin& origin, const Target& target, const std::string& sdp);
  Result<StartedCall> start_to_agent(CallOrigin& origin, const Target& target, const std::string& sdp);
  Status answer_call(GatewayCall& call, const std::string& sdp);
  // Calls to and from SIP (sip_calls.cpp).
  Result<StartedCall> start_to_sip(CallOrigin& origin, const Target& target, const std::string& sdp);
  Result<std::string> bring_up_outgoing(GatewayCall& call, const std::string& sip_sdp);
  Status answer_sip_incoming(GatewayCall& call, const std::string& sdp);
  void start_sip_legs(GatewayCall& call, const SipBridge& bridge);
  void end_sip_side(GatewayCall& call, EndReason reason);
  void sip_media_changed(GatewayCall& call, const std::string& sip_sdp);
  void arm_ring_timer(GatewayCall& call);
  using SipUpdateHandler = void (SignalingHub::*)(GatewayCall&, const SipCallUpdate&);
  void on_sip_ringing(GatewayCall& call, const SipCallUpdate& u);
  void on_sip_early_media(GatewayCall& call, const SipCallUpdate& u);
  void on_sip_answered(GatewayCall& call, const SipCallUpdate& u);
  void on_sip_media_updated(GatewayCall& call, const SipCallUpdate& u);
  void on_sip_remote_hold(GatewayCall& call, const SipCallUpdate& u);
  void on_sip_dtmf(GatewayCall& call, const SipCallUpdate& u);
  void on_sip_ended(GatewayCall& call, const SipCallUpdate& u);
  void set_hold(GatewayCall& call, CallParty& by, bool held);
  // Ends the call: `reason` for `by`'s side (nullptr: both sides get it),
  // the other side gets `other_reason`.
  void end_call(const std::string& call_id, const CallParty* by, EndReason reason, EndReason other_reason,
                std::string message = {}, std::optional<int> sip_status = {});
  void reply_http_answer(GatewayCall& call, const std::string& sdp);
  GatewayCall* find_call(const std::string& id);
  GatewayCall* call_for(RequestContext& ctx, const std::string& id, CallParty** party);
  LegConfig leg_config(const GatewayCall& call, const CallParty& party, const NegotiatedLeg& n, LegMode mode,
                       LegId peer) const;
  // Our ICE credentials, candidates and fingerprint for `party`'s browser
  // leg (in port-range mode with a port of its own; in full-ICE mode with
  // its agent, `role` ours). Fails when no port is free.
  Status prepare_local(CallParty& party, unsigned shard, ice::Role role);
  // Full-ICE mode: a candidate our agent gathered (nullopt: the last).
  void on_local_candidate(std::uint64_t ice_serial, const std::optional<sdp::Candidate>& candidate);
  std::string new_call_id();

  // Sessions (signaling_hub.cpp).
  void dispatch(RequestContext& ctx, const Request& request);
  bool rate_ok(Session& s, TimePoint now);
  void send_event(const CallParty& p, const Event& e);
  void send_event(ConnectionId c, const Event& e);
  void respond(RequestContext& ctx, std::string frame);
  void fail(RequestContext& ctx, const Error& e);
  void sign_out(Session& s, std::string_view reason, std::string_view message);
  void release_dn(Session& s);  // out of the registrar (and unregistered at the SIP server)
  void emit(boost::json::object o);

  boost::asio::io_context& io_;
  HubConfig config_;
  MediaEngine& media_;
  SignalingOutput& out_;
  std::function<void(boost::json::object)> events_;
  std::unordered_map<ConnectionId, std::unique_ptr<Session>> sessions_;
  std::unordered_map<std::string, ConnectionId> registrar_;  // DN -> session
  std::unordered_map<std::string, std::unique_ptr<GatewayCall>> calls_;
  std::unordered_map<LegId, std::string> call_of_leg_;
  stun::RateLimiter signin_failures_;
  SipSide* sip_ = nullptr;
  std::unordered_map<SipCallId, std::string> call_of_sip_;
  std::unordered_map<std::string, RegistrationEvent> sip_registrations_;  // DN -> its last state
  bool shutting_down_ = false;
  std::uint64_t call_seq_ = 0;
  HubCounters counters_;
};

}  // namespace gw::gateway
