// The SDP of one gateway call on the SIP side (a sip::MediaNegotiator): the
// first offer or answer is the one the signaling side translated from the
// browser's SDP (sdp/translate); later exchanges (hold and resume from
// either side, RFC 3264 §8.4) are derived from our last SDP. It remembers
// the SIP side's last SDP text so the browser leg can follow it.
// Thread: the SIP side's GLib thread (the call's).
#pragma once

#include <optional>
#include <string>

#include "sdp/session_description.hpp"
#include "sip/media_negotiator.hpp"

namespace gw::gateway {

class SipCallMedia final : public sip::MediaNegotiator {
 public:
  // Outgoing calls: `initial_offer` is the INVITE's body.
  explicit SipCallMedia(std::optional<std::string> initial_offer = std::nullopt);

  // Incoming calls: the answer made from the browser's answer; the next
  // create_answer() returns it.
  void set_answer(std::string answer_sdp) { pending_answer_ = std::move(answer_sdp); }

  std::string create_offer(sip::MediaDirection direction) override;
  Result<std::string> create_answer(std::string_view remote_offer, sip::MediaDirection wanted) override;
  Status accept_answer(std::string_view remote_answer) override;
  [[nodiscard]] std::optional<sip::NegotiatedMedia> negotiated() const override;

  [[nodiscard]] const std::string& last_remote() const { return last_remote_; }

 private:
  Status take_remote(std::string_view text);
  void narrow_to_answer();
  bool narrowed_ = false;
  std::optional<std::string> initial_offer_;
  std::optional<std::string> pending_answer_;
  std::optional<sdp::SessionDescription> last_local_;
  std::optional<sdp::SessionDescription> last_remote_sd_;
  std::string last_remote_;
};

}  // namespace gw::gateway
