// The peer's ICE parameters taken from its SDP offer or answer (RFC 8839):
// the ICE section is the first of the BUNDLE group (RFC 8843), else the first
// section that is not rejected. Used by ice-session --remote-sdp with a
// browser's offer.
// Thread: any (pure functions).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ice/agent.hpp"
#include "sdp/candidate.hpp"
#include "util/result.hpp"

namespace gw::ice {

struct RemoteDescription {
  Credentials credentials;
  std::vector<sdp::Candidate> candidates;
  bool end_of_candidates = false;  // a=end-of-candidates, or no trickle (RFC 8838 §4.1)
  bool trickle = false;            // a=ice-options:trickle
  bool ice_lite = false;           // a=ice-lite: we must be controlling (RFC 8445 §6.1.1)
  std::string mid;                 // of the ICE section ("" when absent)
};

// Errors: SDP syntax ("sdp.*"), "ice.no-section", credential checks.
Result<RemoteDescription> remote_from_sdp(std::string_view text);

}  // namespace gw::ice
