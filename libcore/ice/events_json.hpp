// ICE agent events as JSON Lines objects (design brief §5). Local parameters
// carry their SDP attribute lines in "sdp" (RFC 8839 §5), so that an answer
// can be assembled from the events alone:
//   {"event":"local-credentials","ufrag":..,"pwd":..,"ice_lite":false,
//    "sdp":["a=ice-ufrag:..","a=ice-pwd:..","a=ice-options:trickle"]}
//   {"event":"local-candidate","candidate":"candidate:..","mid":"0",
//    "mline_index":0,"type":"host","transport":"udp","address":..,"port":..,
//    "sdp":"a=candidate:.."}
//   {"event":"end-of-candidates","mid":"0","sdp":"a=end-of-candidates"}
//   {"event":"state","component":1,"state":"ready"}
//   {"event":"selected-pair","component":1,"local":{..},"remote":{..},"rtt_ms":null}
// Thread: any (pure functions).
#pragma once

#include <string>

#include "ice/agent.hpp"
#include "util/json_output.hpp"

namespace gw::ice {

json::object credentials_event(const Credentials& c, bool lite, bool trickle);
json::object candidate_event(const LocalCandidate& c, const std::string& mid);
json::object end_of_candidates_event(const std::string& mid);
json::object state_event(unsigned component, State s);
json::object selected_pair_event(const SelectedPair& p);
// {"type","transport","tcptype"?,"address","port","candidate"} for one end.
json::object candidate_summary(const sdp::Candidate& c);

}  // namespace gw::ice
