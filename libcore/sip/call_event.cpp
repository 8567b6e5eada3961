#include "sip/call_event.hpp"

#include "util/cli.hpp"

namespace gw::sip {

std::string_view to_string(MediaDirection d) {
  switch (d) {
    case MediaDirection::sendrecv: return "sendrecv";
    case MediaDirection::sendonly: return "sendonly";
    case MediaDirection::recvonly: return "recvonly";
    case MediaDirection::inactive: return "inactive";
  }
  return "sendrecv";
}

std::string_view to_string(CallEventKind kind) {
  switch (kind) {
    case CallEventKind::incoming: return "incoming";
    case CallEventKind::trying: return "trying";
    case CallEventKind::ringing: return "ringing";
    case CallEventKind::early_media: return "early_media";
    case CallEventKind::answered: return "answered";
    case CallEventKind::media_updated: return "media_updated";
    case CallEventKind::held: return "held";
    case CallEventKind::resumed: return "resumed";
    case CallEventKind::remote_held: return "remote_held";
    case CallEventKind::remote_resumed: return "remote_resumed";
    case CallEventKind::dtmf: return "dtmf";
    case CallEventKind::transfer_requested: return "transfer_requested";
    case CallEventKind::redirected: return "redirected";
    case CallEventKind::ended: return "ended";
  }
  return "unknown";
}

std::string_view to_string(EndCause cause) {
  switch (cause) {
    case EndCause::local_hangup: return "local_hangup";
    case EndCause::remote_hangup: return "remote_hangup";
    case EndCause::cancelled: return "cancelled";
    case EndCause::remote_cancelled: return "remote_cancelled";
    case EndCause::rejected: return "rejected";
    case EndCause::local_rejected: return "local_rejected";
    case EndCause::auth_failed: return "auth_failed";
    case EndCause::timeout: return "timeout";
    case EndCause::negotiation: return "negotiation";
    case EndCause::failed: return "failed";
  }
  return "failed";
}

int exit_code_for(const CallEvent& ev) {
  switch (ev.cause) {
    case EndCause::local_hangup:
    case EndCause::local_rejected:
    case EndCause::cancelled: return cli::kOk;  // a signal makes it 130 (the tool decides)
    case EndCause::remote_hangup:
    case EndCause::remote_cancelled: return cli::kPeerGone;
    case EndCause::auth_failed: return kExitAuthFailed;
    case EndCause::timeout: return cli::kTimeout;
    case EndCause::negotiation: return cli::kNegotiationFailed;
    case EndCause::failed: return cli::kFailure;
    case EndCause::rejected: break;
  }
  if (ev.status == 486 || ev.status == 600) return kExitBusy;
  if (ev.status == 408) return cli::kTimeout;
  if (ev.status == 488 || ev.status == 606) return cli::kNegotiationFailed;
  if (ev.status == 401 || ev.status == 407) return kExitAuthFailed;
  return kExitRejected;
}

}  // namespace gw::sip
