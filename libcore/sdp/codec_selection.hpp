// Codec selection for an answer: the offered formats we accept, in our
// preference order, with the offerer's payload types and fmtp kept
// (RFC 3264 §6.1). telephone-event (RFC 4733) and CN (RFC 3389) follow the
// clock rate of the selected media codecs.
// Thread: any (pure functions).
//
// Usage:
//   auto chosen = gw::sdp::select_codecs(offer_view.codecs, prefs, /*single=*/true);
//   if (!chosen) -> chosen.error().code == "sdp.no-common-codec" (SIP 488)
#pragma once

#include <vector>

#include "sdp/codec.hpp"
#include "util/result.hpp"

namespace gw::sdp {

// offered: the offer's codecs (PTs as offered). preferences: ours, PTs ignored;
// a telephone-event or CN entry (any clock) means "accept it at the chosen
// codecs' clock rates". single: keep only the first media codec.
Result<std::vector<Codec>> select_codecs(const std::vector<Codec>& offered,
                                         const std::vector<Codec>& preferences,
                                         bool single);

// "PCMU/8000, opus/48000/2" for error messages.
std::string describe_codecs(const std::vector<Codec>& codecs);

}  // namespace gw::sdp
