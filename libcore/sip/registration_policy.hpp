// The registration's decisions without any I/O: which state a REGISTER
// outcome leads to and how long to wait before the next attempt. The sofia
// glue (sip/user_agent.cpp) feeds it outcomes and acts on its answers, so the
// rules are unit tested on their own (tests/unit/sip/registration_policy_test.cpp).
//
// RFC 3261 §10.2.4: a UA refreshes its binding before expiry; when a refresh
// fails the binding may be gone, so we report `lost` once and keep trying.
// RFC 3261 §20.33: a server's Retry-After wins over our own backoff.
#pragma once

#include "sip/user_agent.hpp"

namespace gw::sip {

class RegistrationPolicy {
 public:
  // retry_max_s: the longest wait between attempts (--retry); 0 gives up on
  // the first failure.
  explicit RegistrationPolicy(unsigned retry_max_s) : retry_max_s_(retry_max_s) {}

  struct Success {
    bool refresh = false;    // the binding existed already
    bool recovered = false;  // registered again after `lost`
  };
  // A 2xx to REGISTER: the backoff starts again from 1 s.
  Success on_success();

  struct Failure {
    RegistrationState state = RegistrationState::failed;  // failed or lost
    bool final = false;     // no more attempts
    unsigned retry_in = 0;  // seconds until the next attempt (0 when final)
  };
  // A final failure response (>= 300, after authentication was tried).
  // retry_after: the server's Retry-After in seconds, 0 when absent.
  Failure on_failure(int status, unsigned retry_after);

  // Authentication refused (credentials wrong or no matching challenge):
  // retrying with the same credentials cannot help (RFC 3261 §22.2).
  Failure on_auth_refused();

  // Unregistered (Expires: 0), or the stack dropped the binding after a
  // failed refresh: nothing is bound; a pending `lost` stays pending.
  void on_unregistered();

  [[nodiscard]] bool registered() const { return registered_; }
  [[nodiscard]] bool lost() const { return lost_; }
  [[nodiscard]] unsigned backoff_s() const { return backoff_s_; }

  // Statuses after which retrying is pointless: 403 Forbidden and 404 Not
  // Found (RFC 3261 §10.3 steps 2-3), and sofia's 904 (no challenge it could
  // answer again).
  static bool is_final_status(int status);

 private:
  unsigned retry_max_s_;
  unsigned backoff_s_ = 0;  // the last backoff delay; 0 after a success
  bool registered_ = false;
  bool lost_ = false;       // a refresh failed and no REGISTER succeeded since
};

}  // namespace gw::sip
