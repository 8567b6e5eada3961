// One SIP call leg (an INVITE dialog, RFC 3261 §13-15) with its SDP offer/
// answer delegated to a MediaNegotiator. Made by UserAgent::call() (outgoing)
// or handed to UserAgent::Callbacks::on_incoming (incoming).
//
// Thread: the UserAgent's GLib thread only; the handler runs there too. Keep
// the shared_ptr as long as you want to act on the call: after `ended` the
// methods do nothing.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "sip/call_event.hpp"
#include "sip/media_negotiator.hpp"

namespace gw::sip {

enum class CallPhase { idle, calling, ringing, early, active, ending, ended };
std::string_view to_string(CallPhase p);

class Call {
 public:
  using Handler = std::function<void(const CallEvent&)>;
  ~Call();
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;

  [[nodiscard]] bool incoming() const;
  [[nodiscard]] CallPhase phase() const;
  [[nodiscard]] const std::string& call_id() const;
  [[nodiscard]] const std::string& remote_uri() const;  // callee, or caller for incoming
  [[nodiscard]] const std::string& request_uri() const;  // incoming: whom the INVITE was for
  [[nodiscard]] const std::string& remote_offer() const;  // incoming: the INVITE's SDP, if any
  [[nodiscard]] bool locally_held() const;
  [[nodiscard]] bool offer_in_invite() const;  // incoming: the INVITE carried an offer

  void set_handler(Handler handler);
  void set_media(std::shared_ptr<MediaNegotiator> media);

  // Incoming, before the answer. ring() checks the offer first and answers
  // 488 when it cannot be met.
  void ring();
  void answer();
  void reject(int status, const std::string& reason = {});

  // CANCEL before the answer (outgoing), 480 (incoming, unanswered), BYE after.
  void hangup();
  // Re-INVITE with sendonly / sendrecv (RFC 3264 §8.4).
  void hold();
  void resume();
  // DTMF by SIP INFO (application/dtmf-relay).
  void send_dtmf_info(char digit, unsigned duration_ms);

  struct Impl;
  explicit Call(std::unique_ptr<Impl> impl);
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace gw::sip
