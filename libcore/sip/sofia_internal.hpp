// INTERNAL to libcore/sip: include only from sip/*.cpp. Brings in sofia-sip
// (as SYSTEM headers through the PkgConfig target) and the pieces the user
// agent and call implementations share.
// Thread: the UserAgent's GLib thread.
#pragma once

#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_glib.h>
#include <sofia-sip/su_tag_io.h>
#include <sofia-sip/url.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "sip/call.hpp"
#include "sip/glib_thread.hpp"
#include "sip/sip_event.hpp"
#include "sip/user_agent.hpp"

namespace gw::sip::detail {

// Whatever owns a nua handle (its hmagic): a call or the registration.
class HandleOwner {
 public:
  virtual ~HandleOwner() = default;
  virtual void on_nua_event(const SipEvent& ev, nua_handle_t* nh, const sip_t* sip) = 0;
};

// State the user agent shares with its calls.
struct UaCore {
  nua_t* nua = nullptr;
  GlibThread* loop = nullptr;
  UaConfig config;
  // The user agent keeps every live call; a call asks to be dropped here when
  // it has ended (run later, never inside the call's own handler).
  std::function<void(Call::Impl*)> release_call;
};

SipEventKind kind_of(nua_event_t e);
SipEvent make_sip_event(nua_event_t e, int status, const char* phrase, const sip_t* sip,
                        tagi_t const* tags);

// url_t / header to text.
std::string url_text(const url_t* url);

// sofia-sip's Digest credentials ("Digest:\"realm\":u:p") for the first MD5
// challenge in `ev`, or empty when there is none it can answer.
std::string auth_string_for(const SipEvent& ev, const Credentials& cred, const std::string& aor);
// RFC 8760 (SHA-256, SHA-512-256), which sofia-sip cannot answer: our own
// Authorization for `method` to `uri` after the 401/407 in `ev`, to send
// with the request again as authorization_tag(a), tag_str_v(a.value.c_str()).
struct OwnAuthorization {
  std::string value;
  bool proxy = false;  // Proxy-Authorization (407) rather than Authorization (401)
};
std::optional<OwnAuthorization> rfc8760_answer(const SipEvent& ev, const Credentials& cred, const std::string& aor,
                                               const char* method, const std::string& uri);
tag_type_t authorization_tag(const OwnAuthorization& a);
// The digest user: --user, else the user part of the AOR.
std::string auth_user(const Credentials& cred, const std::string& aor);
std::string random_hex(std::size_t bytes);

// Runs `fn` after `ms` on the GLib thread's context (a GLib timeout source).
// Returns an id for cancel_timer().
unsigned schedule_timer(GlibThread& loop, unsigned ms, std::function<void()> fn);
void cancel_timer(GlibThread& loop, unsigned id);

std::shared_ptr<Call> make_outgoing_call(UaCore& core, const std::string& target,
                                         std::shared_ptr<MediaNegotiator> media, Call::Handler handler,
                                         std::optional<CallIdentity> who);
std::shared_ptr<Call> make_incoming_call(UaCore& core, nua_handle_t* nh, const SipEvent& invite);
HandleOwner* owner_of(Call& call);

}  // namespace gw::sip::detail
