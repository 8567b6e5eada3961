// Counters of one secure<->plain bridge, per direction, and their JSON form.
// Thread: the bridge's thread (plain data, copied out for reporting).
#pragma once

#include <cstdint>

#include "rtp/receiver_stats.hpp"
#include "util/json_output.hpp"

namespace gw::media {

// Why a packet was dropped (never forwarded). Each is counted.
struct DropCounters {
  std::uint64_t not_ready = 0;     // no SRTP keys yet (before the DTLS handshake)
  std::uint64_t auth_fail = 0;     // SRTP/SRTCP tag did not verify
  std::uint64_t replay = 0;        // replayed or too old
  std::uint64_t malformed = 0;     // not valid RTP/RTCP (or too big)
  std::uint64_t source = 0;        // --strict-source: from an unexpected address
  std::uint64_t no_remote = 0;     // nowhere to send yet
  std::uint64_t unknown = 0;       // RFC 7983 class we do not handle (ZRTP, TURN, junk)
  std::uint64_t stun = 0;          // STUN on the secure port (ICE is ice-session's job)
  std::uint64_t crypto_error = 0;  // any other libsrtp failure
  [[nodiscard]] std::uint64_t total() const {
    return not_ready + auth_fail + replay + malformed + source + no_remote + unknown + stun + crypto_error;
  }
};

struct DirectionCounters {
  std::uint64_t rtp_packets = 0, rtp_bytes = 0;    // forwarded, plain sizes
  std::uint64_t rtcp_packets = 0, rtcp_bytes = 0;  // forwarded, plain sizes
  DropCounters drops;
  rtp::ReceiverStats rtp_stats;                    // RFC 3550 A.1/A.3/A.8 on what we forward
};

struct BridgeCounters {
  DirectionCounters secure_to_plain;
  DirectionCounters plain_to_secure;
  std::uint64_t dtls_datagrams_in = 0;
  std::uint64_t dtls_datagrams_out = 0;
  std::uint64_t relatched = 0;  // remote address followed a new authenticated source
};

// {"packets":..,"bytes":..,"rtcp_packets":..,"drops":{..},"rtp":{ssrc, lost, jitter_ms,..}}
// `close_interval` starts a new RFC 3550 fraction-lost interval.
json::object direction_json(DirectionCounters& d, bool close_interval);

}  // namespace gw::media
