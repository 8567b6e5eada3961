// One SIP stack event as plain data: what the sofia-sip adapter hands to the
// per-event handlers (so the handlers, the dispatch table and their tests need
// no sofia-sip types). Filled by the adapter on the GLib thread.
// Thread: any (value type).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gw::sip {

// The nua events this project handles; everything else maps to `other`.
// i_* are incoming requests or indications, r_* responses to our requests.
enum class SipEventKind : std::uint8_t {
  i_invite, i_cancel, i_ack, i_bye, i_info, i_update, i_refer, i_notify,
  i_prack, i_options, i_message, i_state, i_active, i_terminated, i_error,
  i_outbound,
  r_register, r_unregister, r_invite, r_cancel, r_bye, r_info, r_update,
  r_refer, r_notify, r_options, r_message, r_shutdown, r_set_params,
  other,
  count_  // number of kinds, not a kind
};

inline constexpr std::size_t kSipEventKinds = static_cast<std::size_t>(SipEventKind::count_);

std::string_view to_string(SipEventKind kind);

// Call states as sofia-sip's nua reports them in nua_i_state (same order).
enum class NuaCallState : std::uint8_t {
  init, authenticating, calling, proceeding, completing, received, early,
  completed, ready, terminating, terminated
};

std::string_view to_string(NuaCallState state);

struct SipEvent {
  SipEventKind kind = SipEventKind::other;
  int raw_event = -1;         // nua_event_t as an int, for logs
  int status = 0;
  std::string phrase;
  bool has_message = false;   // a SIP message came with the event

  // From the SIP message, when there is one.
  std::string method;         // requests: "INVITE", ...
  std::string request_uri;    // requests: the Request-URI (whom an INVITE is for)
  std::string call_id;
  std::string from, to;       // URIs as text
  std::string from_tag;
  std::string content_type;   // "application/sdp", ...
  std::string body;
  std::vector<std::string> contacts;  // Contact URIs (3xx targets)
  std::string refer_to;
  std::string reason;         // Reason header, when present
  std::uint32_t expires = 0;  // REGISTER: granted expiry (s), 0 when unknown
  std::uint32_t min_expires = 0;  // 423 Interval Too Brief
  std::uint32_t retry_after = 0;
  // WWW-Authenticate / Proxy-Authenticate values ("Digest realm=...").
  std::vector<std::string> challenges;
  bool proxy_challenge = false;

  // From nua_i_state tags.
  NuaCallState call_state = NuaCallState::init;
  bool offer_recv = false, answer_recv = false, offer_sent = false, answer_sent = false;

  [[nodiscard]] bool has_sdp() const;  // body with an SDP content type (or untyped "v=0")
};

}  // namespace gw::sip
