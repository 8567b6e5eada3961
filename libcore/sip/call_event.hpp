// What a call reports to its owner, and how a call's end maps to an exit code.
// Thread: any (value types, pure functions).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sip/media_negotiator.hpp"

namespace gw::sip {

enum class CallEventKind {
  incoming,            // an INVITE arrived (listen)
  trying,              // 100 Trying
  ringing,             // 180 Ringing (or 18x without SDP)
  early_media,         // 18x with SDP: media flows before the answer
  answered,            // 2xx: the call is up (media negotiated)
  media_updated,       // a re-INVITE/UPDATE changed the media
  held,                // our hold was accepted (RFC 3264 §8.4)
  resumed,             // our resume was accepted
  remote_held,         // the peer put us on hold
  remote_resumed,      // the peer took us off hold
  dtmf,                // a digit received by SIP INFO (RFC 4733 ones come from media)
  transfer_requested,  // REFER received (RFC 3515)
  redirected,          // 3xx followed to a new target
  ended,               // the call is over; see EndCause
};
std::string_view to_string(CallEventKind kind);

enum class EndCause {
  local_hangup,     // we sent BYE (or answered the peer's BYE after our own)
  remote_hangup,    // the peer sent BYE
  cancelled,        // we sent CANCEL before the answer
  remote_cancelled, // the caller cancelled before we answered
  rejected,         // a final 3xx-6xx to our INVITE (status says which)
  local_rejected,   // we rejected an incoming INVITE
  auth_failed,      // 401/407 with no (or wrong) credentials
  timeout,          // no final response (408 or transaction timeout)
  negotiation,      // SDP could not be agreed (488/606, or a bad answer)
  failed,           // anything else (transport error, 5xx from the stack)
};
std::string_view to_string(EndCause cause);

struct CallEvent {
  CallEventKind kind = CallEventKind::ended;
  int status = 0;                 // SIP status behind the event, when there is one
  std::string reason;             // phrase or Reason header text
  std::optional<NegotiatedMedia> media;  // answered, early_media, media_updated, held...
  EndCause cause = EndCause::failed;     // ended only
  char digit = 0;                 // dtmf only
  unsigned duration_ms = 0;       // dtmf only
  std::string target;             // redirected / transfer_requested / incoming (From)
};

// Exit codes sip-leg documents in its man page (util/cli.hpp plus 10 up).
enum SipExitCode : int {
  kExitBusy = 10,          // 486 Busy Here / 600 Busy Everywhere
  kExitRejected = 11,      // other final failures (403, 404, 480, 603, ...)
  kExitAuthFailed = 12,    // credentials missing or refused
  kExitRegisterFailed = 13,  // the registrar refused or never answered REGISTER
  kExitTlsRefused = 14,    // --tls-verify refused the server's certificate
};

// Exit code for a call that ended as `ev` (kind == ended).
int exit_code_for(const CallEvent& ev);

}  // namespace gw::sip
