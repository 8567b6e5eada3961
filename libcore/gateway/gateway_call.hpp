// One call as the gateway's signaling side keeps it: who is on each side
// (a WebSocket session, an HTTP client, or a built-in target), each browser
// leg's media shard id and SDP state, hold, and the pending HTTP answer.
// Thread: the signaling thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/steady_timer.hpp>

#include "gateway/api_events.hpp"
#include "gateway/call_sdp.hpp"
#include "gateway/https_server.hpp"
#include "gateway/media_leg.hpp"
#include "gateway/plain_rtp_leg.hpp"
#include "gateway/sip_side.hpp"

namespace gw::gateway {

struct CallParty {
  std::optional<ConnectionId> conn;  // the WebSocket session; none for HTTP callers and targets
  std::string name;                  // DN, "customer", "echo", "tone"
  LegId leg = 0;                     // 0: no browser leg (yet)
  LocalMedia local;
  std::shared_ptr<net::DatagramPort> own_port;  // port-range mode: the leg's socket
  std::shared_ptr<LegIce> ice;                  // full-ICE mode: the leg's agent
  std::vector<sdp::Candidate> early_candidates;  // full ICE: trickled before `ice` exists
  bool early_done = false;
  CallStats last_stats;
  bool media_ready = false;
};

struct GatewayCall {
  enum class State : std::uint8_t { ringing, active };
  std::string id;
  Target target;
  State state = State::ringing;
  unsigned shard = 0;
  CallParty caller, callee;
  std::optional<AgentOffer> agent_offer;            // DN calls, until the agent answers
  std::function<void(HttpReply)> http_reply;        // an HTTP caller waiting for the answer
  bool http = false;
  bool held = false;
  std::unique_ptr<boost::asio::steady_timer> ring_timer;
  TimePoint created{};
  std::optional<TimePoint> answered;

  // Calls to or from SIP (issue 7): the SIP party has no connection; its
  // `leg` is the plain RTP leg on the call's shard.
  std::optional<SipCallId> sip;
  bool sip_incoming = false;                         // SIP called a DN: the caller is the SIP party
  bool sip_gone = false;                             // the SIP side ended it: nothing to send there
  bool media_up = false;                             // both legs exist (early media or answer)
  std::shared_ptr<RtpPorts> rtp_ports;               // bound, until the RTP leg takes them
  std::optional<SipOffer> sip_offer;                 // outgoing, until the SIP side answers
  std::optional<SipIncomingOffer> sip_offer_in;      // incoming, until the browser answers
  sdp::PayloadMap pt_map;
  bool sip_telephone_event = false;                  // else DTMF goes by SIP INFO

  CallParty& sip_party() { return sip_incoming ? caller : callee; }
  CallParty& browser_party() { return sip_incoming ? callee : caller; }

  // The party a connection is, or nullptr.
  CallParty* party_of(ConnectionId c) {
    if (caller.conn == c) return &caller;
    if (callee.conn == c) return &callee;
    return nullptr;
  }
  CallParty* party_of_leg(LegId l) {
    if (l != 0 && caller.leg == l) return &caller;
    if (l != 0 && callee.leg == l) return &callee;
    return nullptr;
  }
  // Built-in targets talk back to the caller.
  CallParty& other(const CallParty& p) {
    if (target.kind != Target::Kind::dn) return caller;
    return &p == &caller ? callee : caller;
  }
};

}  // namespace gw::gateway
