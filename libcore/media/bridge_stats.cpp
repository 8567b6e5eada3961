#include "media/bridge_stats.hpp"

namespace gw::media {

json::object direction_json(DirectionCounters& d, bool close_interval) {
  json::object o;
  o["packets"] = d.rtp_packets;
  o["bytes"] = d.rtp_bytes;
  o["rtcp_packets"] = d.rtcp_packets;
  o["rtcp_bytes"] = d.rtcp_bytes;
  json::object drops;
  const auto& x = d.drops;
  drops["not_ready"] = x.not_ready;
  drops["auth_fail"] = x.auth_fail;
  drops["replay"] = x.replay;
  drops["malformed"] = x.malformed;
  drops["source"] = x.source;
  drops["no_remote"] = x.no_remote;
  drops["unknown"] = x.unknown;
  drops["stun"] = x.stun;
  drops["crypto_error"] = x.crypto_error;
  drops["total"] = x.total();
  o["drops"] = std::move(drops);
  if (d.rtp_stats.active()) {
    auto r = d.rtp_stats.report(close_interval);
    json::object s;
    s["ssrc"] = r.ssrc;
    s["received"] = r.received;
    s["expected"] = r.expected;
    s["lost"] = r.cumulative_lost;
    s["fraction_lost"] = r.fraction_lost / 256.0;
    s["extended_max_seq"] = r.extended_max_seq;
    s["jitter"] = r.jitter;
    s["jitter_ms"] = r.jitter_ms;
    o["rtp"] = std::move(s);
  }
  return o;
}

}  // namespace gw::media
