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

namespace gw::gateway {

struct CallParty {
  std::optional<ConnectionId> conn;  // the WebSocket session; none for HTTP callers and targets
  std::string name;                  // DN, "customer", "echo", "tone"
  LegId leg = 0;                     // 0: no browser leg (yet)
  LocalMedia local;
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
