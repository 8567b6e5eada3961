// The JSON Lines command set ice-session reads on stdin (design brief §5),
// one object per line:
//   {"cmd":"remote-credentials","ufrag":"...","pwd":"..."}
//   {"cmd":"remote-candidate","candidate":"candidate:..."}   (RFC 8839 §5.1;
//        "a=candidate:..." accepted; "" means end-of-candidates, as browsers do)
//   {"cmd":"end-of-candidates"}                               (RFC 8838 §4.2)
//   {"cmd":"remote-sdp","sdp":"v=0\r\n..."}                  (offer or answer)
//   {"cmd":"restart"}                                         (RFC 8445 §9)
//   {"cmd":"stats"}
//   {"cmd":"close"}
// Thread: any (pure functions).
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "ice/agent.hpp"
#include "sdp/candidate.hpp"
#include "util/result.hpp"

namespace gw::ice {

struct RemoteCredentialsCmd {
  Credentials credentials;
};
struct RemoteCandidateCmd {
  sdp::Candidate candidate;
};
struct EndOfCandidatesCmd {};
struct RemoteSdpCmd {
  std::string sdp;
};
struct RestartCmd {};
struct StatsCmd {};
struct CloseCmd {};

using Command = std::variant<RemoteCredentialsCmd, RemoteCandidateCmd, EndOfCandidatesCmd, RemoteSdpCmd, RestartCmd,
                             StatsCmd, CloseCmd>;

// Errors: "cmd.bad-json", "cmd.unknown", "cmd.missing-field", and the field's
// own errors (credentials per RFC 8839 §5.4, candidate syntax).
Result<Command> parse_command(std::string_view line);

}  // namespace gw::ice
