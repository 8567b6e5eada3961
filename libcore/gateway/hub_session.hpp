// A WebSocket session of the signaling hub, and the context of one request.
// Internal to libcore/gateway (signaling_hub.cpp, call_control.cpp).
// Thread: the signaling thread.
#pragma once

#include <optional>
#include <string>
#include <unordered_set>

#include "gateway/signaling_hub.hpp"

namespace gw::gateway {

struct SignalingHub::Session {
  ConnectionId id = 0;
  IpAddress client;
  std::string session_id;
  bool hello = false;
  std::optional<std::string> dn;
  std::unordered_set<std::string> calls;
  double tokens = 0;
  TimePoint refilled{};
  std::optional<TimePoint> over_rate_since;
};

struct SignalingHub::RequestContext {
  Session& session;
  std::optional<RequestId> id;
};

}  // namespace gw::gateway
