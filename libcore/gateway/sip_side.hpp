// The gateway's SIP side (design brief §6): one sofia-sip user agent on its
// own GLib thread, bound on the private address. It registers each signed-in
// browser agent's DN at the registrar (digest, RFC 3261 §10/§22) with a
// Contact on the gateway, places calls to SIP URIs with the SDP the signaling
// side built, and hands calls that arrive for a DN to the signaling side.
// Thread: create() and every method on the signaling thread; the handlers
// run there too (posted from the GLib thread). No sofia-sip type here.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>

#include "sip/user_agent.hpp"
#include "util/result.hpp"

namespace gw::gateway {

struct SipSideConfig {
  sip::UaConfig ua;                 // bind/advertise, outbound proxy, the gateway's AOR and trunk credentials
  std::string registrar;            // sip:host[:port]; DNs are registered here
  std::string domain;               // DN 2001 is sip:2001@domain
  unsigned register_expires = 300;
  unsigned register_retry_s = 30;   // longest wait between attempts after a failure
  std::map<std::string, sip::Credentials> dn_credentials;  // per DN
  std::optional<sip::Credentials> any_dn_credentials;      // DNs not listed
};

using SipCallId = std::uint64_t;

// What a SIP call reports to the signaling side.
struct SipCallUpdate {
  enum class Kind : std::uint8_t {
    ringing, early_media, answered, media_updated, remote_held, remote_resumed, dtmf, ended
  };
  Kind kind = Kind::ended;
  int status = 0;
  std::string reason;
  std::string remote_sdp;      // the SIP side's latest SDP (early_media .. remote_resumed)
  sip::EndCause cause = sip::EndCause::failed;  // ended
  char digit = 0;              // dtmf (SIP INFO)
  unsigned duration_ms = 0;
};

struct SipIncomingCall {
  SipCallId id = 0;
  std::string dn;              // the Request-URI's user part
  std::string from;            // the caller's URI
  std::string offer_sdp;
};

struct SipRegistrationUpdate {
  std::string dn;
  sip::RegistrationEvent event;
};

class SipSide {
 public:
  struct Handlers {
    std::function<void(SipCallId, const SipCallUpdate&)> on_call;
    std::function<void(const SipIncomingCall&)> on_incoming;
    std::function<void(const SipRegistrationUpdate&)> on_registration;
  };

  // Starts the GLib thread and binds the SIP transport (fails on a port in use).
  static Result<std::unique_ptr<SipSide>> create(boost::asio::io_context& signaling, SipSideConfig config,
                                                 Handlers handlers);
  ~SipSide();
  SipSide(const SipSide&) = delete;
  SipSide& operator=(const SipSide&) = delete;

  // Whether --sip-credentials has a password for `dn` (a registrar that
  // challenges a DN without one refuses it: the registration event says so).
  [[nodiscard]] bool has_credentials(const std::string& dn) const;
  [[nodiscard]] std::string uri_for_dn(const std::string& dn) const;  // sip:DN@domain
  // The DN's digest credentials (its line, else the '*' line; user defaults to the DN).
  [[nodiscard]] sip::Credentials credentials_for(const std::string& dn) const;
  [[nodiscard]] const SipSideConfig& config() const { return config_; }

  void register_dn(const std::string& dn);
  void unregister_dn(const std::string& dn);

  // INVITE `uri` with `offer_sdp`; what happens is reported to on_call.
  // `as_dn`: a signed-in agent's call: From is its AOR (sip:DN@domain) and
  // its --sip-credentials answer challenges; else the gateway's --sip-from.
  SipCallId call(const std::string& uri, std::string offer_sdp, const std::optional<std::string>& as_dn = std::nullopt);
  void ring(SipCallId id);
  void answer(SipCallId id, std::string answer_sdp);
  void reject(SipCallId id, int status, std::string reason = {});
  void hangup(SipCallId id);  // CANCEL, 480 or BYE, whichever fits
  void hold(SipCallId id);
  void resume(SipCallId id);
  void send_dtmf_info(SipCallId id, char digit, unsigned duration_ms);

  // Unregisters every DN, ends the calls and stops the stack; `done` runs on
  // the signaling thread (after at most `timeout_ms`).
  void shutdown(std::function<void()> done, unsigned timeout_ms = 3000);

  struct Impl;

 private:
  SipSide(boost::asio::io_context& signaling, SipSideConfig config);
  boost::asio::io_context& signaling_;
  SipSideConfig config_;
  std::unique_ptr<Impl> impl_;
  SipCallId last_id_ = 0;
};

// The user part of a SIP URI ("sip:2001@host;x=y" -> "2001"), or empty.
std::string sip_uri_user(std::string_view uri);

}  // namespace gw::gateway
