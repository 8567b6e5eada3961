#include "sip/registration_policy.hpp"

#include <algorithm>
#include <utility>

namespace gw::sip {

bool RegistrationPolicy::is_final_status(int status) { return status == 403 || status == 404 || status == 904; }

RegistrationPolicy::Success RegistrationPolicy::on_success() {
  Success s;
  s.refresh = std::exchange(registered_, true);
  s.recovered = std::exchange(lost_, false);
  backoff_s_ = 0;
  return s;
}

RegistrationPolicy::Failure RegistrationPolicy::on_failure(int status, unsigned retry_after) {
  bool was_registered = std::exchange(registered_, false);
  Failure f;
  f.final = retry_max_s_ == 0 || is_final_status(status);
  if (f.final) return f;
  // Exponential backoff 1, 2, 4... s, capped by --retry (RFC 3261 §10.2.4
  // leaves the schedule to the UA).
  backoff_s_ = backoff_s_ == 0 ? 1 : std::min(backoff_s_ * 2, retry_max_s_);
  backoff_s_ = std::min(backoff_s_, retry_max_s_);
  // RFC 3261 §20.33: the server says when to come back.
  f.retry_in = retry_after > 0 ? retry_after : backoff_s_;
  if (was_registered) {
    // The first failure of a refresh: the binding may be gone. Reported once;
    // later failures are plain `failed` until a success clears it.
    f.state = RegistrationState::lost;
    lost_ = true;
  }
  return f;
}

RegistrationPolicy::Failure RegistrationPolicy::on_auth_refused() {
  registered_ = false;
  Failure f;
  f.final = true;
  return f;
}

void RegistrationPolicy::on_unregistered() {
  // sofia-sip also reports r_unregister when a refresh fails and it drops
  // the binding: `lost` and the backoff must survive it.
  registered_ = false;
}

}  // namespace gw::sip
