// Internal to libcore/ice (includes libnice): conversions between libnice's
// candidates and the SDP candidate model (RFC 8839 §5.1, RFC 6544 §4.5).
// Thread: any (pure functions).
#pragma once

#include <nice/agent.h>

#include <memory>
#include <string>

#include "ice/agent.hpp"
#include "sdp/candidate.hpp"
#include "util/result.hpp"

namespace gw::ice::detail {

struct NiceCandidateDeleter {
  void operator()(NiceCandidate* c) const { nice_candidate_free(c); }
};
using NiceCandidatePtr = std::unique_ptr<NiceCandidate, NiceCandidateDeleter>;

std::string address_string(const NiceAddress& addr);  // without port
State state_from_nice(guint state);

sdp::Candidate from_nice(const NiceCandidate& c);
// Fails on candidates libnice cannot use: names instead of IP literals
// (mDNS, RFC 8839 §5.1), a TCP candidate without tcptype.
Result<NiceCandidatePtr> to_nice(const sdp::Candidate& c, guint stream_id);

}  // namespace gw::ice::detail
