#include "sip/user_agent.hpp"

#include <chrono>

#include <glib.h>
#include <sofia-sip/tport_tag.h>

#include <algorithm>
#include <cstdlib>
#include <utility>
#include <mutex>
#include <unordered_map>

#include "sip/dispatch.hpp"
#include "sip/registration_policy.hpp"
#include "sip/sofia_internal.hpp"
#include "util/endpoint.hpp"
#include "util/log.hpp"

namespace gw::sip {

using detail::HandleOwner;

std::string_view to_string(RegistrationState s) {
  switch (s) {
    case RegistrationState::registering: return "registering";
    case RegistrationState::registered: return "registered";
    case RegistrationState::failed: return "failed";
    case RegistrationState::unregistered: return "unregistered";
    case RegistrationState::lost: return "lost";
  }
  return "unknown";
}

std::string make_bind_url(const UaConfig& c) {
  bool tls = c.transport == "tls";
  std::string host = c.advertise.empty() ? c.bind_host : c.advertise;
  std::string url = std::string(tls ? "sips:" : "sip:") + format_host_port(host, c.bind_port);
  if (!c.advertise.empty() && c.advertise != c.bind_host) url += ";maddr=" + c.bind_host;
  if (!c.transport.empty() && !tls) url += ";transport=" + c.transport;
  return url;
}

namespace {

// The registration: one nua handle, refreshed by the stack before expiry
// (RFC 3261 §10.2.4); we retry after failures and answer 401/407 once per
// challenge (RFC 3261 §22.2).
class Registration final : public HandleOwner {
 public:
  Registration(detail::UaCore& core, RegistrationIdentity who, RegisterOptions opts,
               std::function<void(const RegistrationEvent&)> report)
      : core_(core), who_(std::move(who)), opts_(std::move(opts)), report_(std::move(report)), policy_(opts_.retry_s) {}
  ~Registration() override {
    detail::cancel_timer(*core_.loop, retry_timer_);
    destroy_handle();
  }

  Status start() {
    destroy_handle();
    nh_ = nua_handle(core_.nua, static_cast<HandleOwner*>(this), SIPTAG_TO_STR(who_.aor.c_str()),
                     SIPTAG_FROM_STR(who_.aor.c_str()), TAG_END());
    if (!nh_) return make_error("sip.handle", "could not create a registration handle");
    auth_tries_ = 0;
    std::string expires = std::to_string(opts_.expires);
    const std::string& contact = who_.contact;
    nua_register(nh_, NUTAG_REGISTRAR(opts_.registrar.c_str()), SIPTAG_EXPIRES_STR(expires.c_str()),
                 TAG_IF(!contact.empty(), SIPTAG_CONTACT_STR(contact.c_str())),
                 NUTAG_OUTBOUND("no-options-keepalive no-validate no-natify"), TAG_END());
    emit(RegistrationState::registering, 0, "");
    return {};
  }

  // Runs once, after the un-REGISTER has been answered (or was not needed).
  void on_final(std::function<void()> fn) { on_final_ = std::move(fn); }

  void unregister() {
    detail::cancel_timer(*core_.loop, retry_timer_);
    retry_timer_ = 0;
    if (!nh_ || !policy_.registered()) {
      emit(RegistrationState::unregistered, 0, "not registered");
      if (on_final_) std::exchange(on_final_, nullptr)();
      return;
    }
    unregistering_ = true;
    nua_unregister(nh_, TAG_END());
  }

  [[nodiscard]] bool registered() const { return policy_.registered(); }

  void on_nua_event(const SipEvent& ev, nua_handle_t* nh, const sip_t*) override {
    if (ev.kind == SipEventKind::r_register) on_register(ev, nh);
    else if (ev.kind == SipEventKind::r_unregister) on_unregister(ev);
    else if (ev.kind == SipEventKind::other && ev.status >= 900) {  // nua_r_authenticate: 904 no matching challenge
      (void)policy_.on_auth_refused();
      report_(RegistrationEvent{RegistrationState::failed, ev.status, ev.phrase, 0, false, "", true});
    }
  }

 private:
  void on_register(const SipEvent& ev, nua_handle_t* nh) {
    if (ev.status < 200) return;  // 100: the stack is retrying (auth, 423)
    if (ev.status == 401 || ev.status == 407) return authenticate(ev, nh);
    if (ev.status == 423 && ev.min_expires > 0 && ev.min_expires > opts_.expires) {
      opts_.expires = ev.min_expires;  // RFC 3261 §10.2.8
      (void)start();
      return;
    }
    if (ev.status >= 300) return fail(ev);
    auth_tries_ = 0;
    auto ok = policy_.on_success();
    RegistrationEvent re{RegistrationState::registered, ev.status, ev.phrase, ev.expires, ok.refresh,
                         ev.contacts.empty() ? "" : ev.contacts.front(), false};
    re.recovered = ok.recovered;
    report_(re);
  }

  // RFC 8760 algorithms sofia-sip lacks (SHA-256, SHA-512-256): we compute
  // the Authorization ourselves and send the REGISTER again with it.
  bool authenticate_ourselves(const SipEvent& ev) {
    auto auth = detail::rfc8760_answer(ev, who_.credentials, who_.aor, "REGISTER", opts_.registrar);
    if (!auth) return false;
    std::string expires = std::to_string(opts_.expires);
    const std::string& contact = who_.contact;
    nua_register(nh_, NUTAG_REGISTRAR(opts_.registrar.c_str()), SIPTAG_EXPIRES_STR(expires.c_str()),
                 TAG_IF(!contact.empty(), SIPTAG_CONTACT_STR(contact.c_str())), detail::authorization_tag(*auth),
                 tag_str_v(auth->value.c_str()), TAG_END());
    return true;
  }

  void authenticate(const SipEvent& ev, nua_handle_t* nh) {
    if (auth_tries_ < 2 && authenticate_ourselves(ev)) {
      ++auth_tries_;
      return;
    }
    std::string auth = detail::auth_string_for(ev, who_.credentials, who_.aor);
    if (auth.empty() || ++auth_tries_ > 2) {
      (void)policy_.on_auth_refused();
      RegistrationEvent re{RegistrationState::failed, ev.status,
                           auth.empty() ? "no credentials for the challenge" : "credentials refused", 0, false, "", true};
      report_(re);
      return;
    }
    nua_authenticate(nh, NUTAG_AUTH(auth.c_str()), TAG_END());
  }

  // A failed REGISTER: the policy (sip/registration_policy.hpp) decides
  // between failed for good, `lost` (a refresh failed, RFC 3261 §10.2.4) and
  // a retry after its backoff or the server's Retry-After (RFC 3261 §20.33).
  void fail(const SipEvent& ev) {
    auto f = policy_.on_failure(ev.status, ev.retry_after);
    RegistrationEvent re{f.state, ev.status, ev.phrase, 0, false, "", f.final};
    re.retry_in = f.retry_in;
    report_(re);
    if (f.final) return;
    detail::cancel_timer(*core_.loop, retry_timer_);
    retry_timer_ = detail::schedule_timer(*core_.loop, f.retry_in * 1000, [this] {
      retry_timer_ = 0;
      (void)start();
    });
  }

  void on_unregister(const SipEvent& ev) {
    if (ev.status < 200) return;
    policy_.on_unregistered();
    unregistering_ = false;
    emit(RegistrationState::unregistered, ev.status, ev.phrase);
    if (on_final_) std::exchange(on_final_, nullptr)();
  }

  void emit(RegistrationState s, int status, const std::string& reason) {
    RegistrationEvent re;
    re.state = s;
    re.status = status;
    re.reason = reason;
    report_(re);
  }

  void destroy_handle() {
    if (!nh_) return;
    nua_handle_bind(nh_, nullptr);
    nua_handle_destroy(nh_);
    nh_ = nullptr;
  }

  detail::UaCore& core_;
  RegistrationIdentity who_;
  RegisterOptions opts_;
  std::function<void(const RegistrationEvent&)> report_;
  nua_handle_t* nh_ = nullptr;
  unsigned retry_timer_ = 0;
  int auth_tries_ = 0;
  RegistrationPolicy policy_;
  bool unregistering_ = false;
  std::function<void()> on_final_;
};

}  // namespace

struct UserAgent::Impl {
  detail::UaCore core;
  Callbacks callbacks;
  su_root_t* root = nullptr;
  std::unique_ptr<Registration> registration;
  std::unordered_map<RegistrationId, std::unique_ptr<Registration>> more_registrations;
  RegistrationId last_registration_id = 0;
  std::unordered_map<Call::Impl*, std::shared_ptr<Call>> calls;
  Dispatcher<Impl> dispatcher;
  UaCounters counters;
  std::function<void()> shutdown_done;
  unsigned shutdown_timer = 0;
  bool shut_down = false;
  std::shared_ptr<void> alive = std::make_shared<int>(0);  // for work posted to the GLib thread
  std::shared_ptr<void> tls_watch;  // with tls_verify: sofia-sip's TLS failures

  static void trampoline(nua_event_t event, int status, char const* phrase, nua_t* nua, nua_magic_t* magic,
                         nua_handle_t* nh, nua_hmagic_t* hmagic, sip_t const* sip, tagi_t tags[]) noexcept;
  void finish_shutdown();
  void on_incoming_invite(const SipEvent& ev, nua_handle_t* nh);
  // Called from inside sofia-sip's log call (maybe another user agent's
  // thread): reported later on ours, if we still exist then.
  static void report_tls_failure(Impl* self, const std::weak_ptr<void>& alive, const TlsFailure& f) {
    self->core.loop->post([self, alive, f] {
      if (!alive.expired() && self->callbacks.on_tls_failure) self->callbacks.on_tls_failure(f);
    });
  }
  ~Impl();
};

namespace {

// Per-event handlers for events on handles no call or registration owns.
void on_shutdown_event(UserAgent::Impl& ua, const SipEvent& ev) {
  if (ev.status >= 200) ua.finish_shutdown();
}
void on_stray_event(UserAgent::Impl&, const SipEvent& ev) {
  GW_LOG(debug) << "sip: " << to_string(ev.kind) << " " << ev.status << " " << ev.phrase << " (no owner)";
}
void on_error_event(UserAgent::Impl&, const SipEvent& ev) {
  GW_LOG(warn) << "sip: stack error " << ev.status << " " << ev.phrase;
}

// Thread-local routing context for the trampoline: the handle of the event.
thread_local nua_handle_t* t_current_nh = nullptr;

void on_invite_event(UserAgent::Impl& ua, const SipEvent& ev) { ua.on_incoming_invite(ev, t_current_nh); }

void once_su_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (!std::getenv("SU_DEBUG")) setenv("SU_DEBUG", "0", 0);
    su_init();
  });
}

}  // namespace

void UserAgent::Impl::trampoline(nua_event_t event, int status, char const* phrase, nua_t*, nua_magic_t* magic,
                                 nua_handle_t* nh, nua_hmagic_t* hmagic, sip_t const* sip, tagi_t tags[]) noexcept {
  try {
    auto* self = static_cast<Impl*>(magic);
    SipEvent ev = detail::make_sip_event(event, status, phrase, sip, tags);
    ++self->counters.events;
    GW_LOG(debug) << "sip event " << nua_event_name(event) << " " << status << " " << (phrase ? phrase : "")
                  << (event == nua_i_state ? " state " + std::string(to_string(ev.call_state)) : "");
    if (hmagic) {
      static_cast<HandleOwner*>(hmagic)->on_nua_event(ev, nh, sip);
      return;
    }
    t_current_nh = nh;
    if (!self->dispatcher.dispatch(*self, ev)) {
      ++self->counters.unhandled;
      // A request on a fresh handle nobody took: the stack answered it; free it.
      if (nh && ev.kind != SipEventKind::r_shutdown && ev.kind != SipEventKind::i_invite) nua_handle_destroy(nh);
    }
    t_current_nh = nullptr;
  } catch (const std::exception& e) {
    GW_LOG(error) << "sip: event handler threw: " << e.what();
  } catch (...) {
    GW_LOG(error) << "sip: event handler threw";
  }
}

void UserAgent::Impl::on_incoming_invite(const SipEvent& ev, nua_handle_t* nh) {
  ++counters.incoming_calls;
  if (shut_down || !callbacks.on_incoming) {
    ++counters.rejected_incoming;
    nua_respond(nh, SIP_486_BUSY_HERE, TAG_END());
    nua_handle_destroy(nh);
    return;
  }
  auto call = detail::make_incoming_call(core, nh, ev);
  calls[&call->impl()] = call;
  callbacks.on_incoming(call);
}

void UserAgent::Impl::finish_shutdown() {
  if (!core.nua) return;
  detail::cancel_timer(*core.loop, shutdown_timer);
  shutdown_timer = 0;
  auto done = std::move(shutdown_done);
  shutdown_done = nullptr;
  // nua_destroy must not run inside the nua callback: defer it.
  core.loop->post([this, done] {
    calls.clear();
    registration.reset();
    more_registrations.clear();
    if (core.nua) nua_destroy(core.nua);
    core.nua = nullptr;
    if (done) done();
  });
}

UserAgent::Impl::~Impl() {
  calls.clear();
  registration.reset();
  more_registrations.clear();
  if (core.nua) {
    // Not shut down (a forced exit): nua_destroy() would assert, so the
    // stack is left for the process exit to reclaim.
    GW_LOG(debug) << "sip: stack not shut down; leaving it to the process exit";
    nua_shutdown(core.nua);
    return;
  }
  if (root) {
    g_source_destroy(su_glib_root_gsource(root));  // detach from the context
    su_root_destroy(root);
  }
}

Result<std::unique_ptr<UserAgent>> UserAgent::create(GlibThread& loop, UaConfig config, Callbacks cb) {
  once_su_init();
  auto impl = std::make_unique<Impl>();
  impl->core.loop = &loop;
  impl->core.config = std::move(config);
  impl->callbacks = std::move(cb);
  impl->root = su_glib_root_create(nullptr);
  if (!impl->root) return make_error("sip.root", "su_glib_root_create failed");
  GSource* source = su_glib_root_gsource(impl->root);
  g_source_attach(source, static_cast<GMainContext*>(loop.native_context()));
  // sofia-sip 1.12's GSource finalizer frees a GStaticMutex that modern GLib
  // refuses to clear (abort in g_mutex_clear): hold one reference for the
  // life of the process so the finalizer never runs (a ~200-byte leak).
  g_source_ref(source);
  const UaConfig& c = impl->core.config;
  std::string url = make_bind_url(c);
  std::string allow = "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE, REFER, NOTIFY";
  impl->core.nua = nua_create(
      impl->root, &Impl::trampoline, impl.get(), NUTAG_URL(url.c_str()),
      TAG_IF(!c.outbound_proxy.empty(), NUTAG_PROXY(c.outbound_proxy.c_str())),
      TAG_IF(!c.from.empty(), SIPTAG_FROM_STR(c.from.c_str())),
      SIPTAG_USER_AGENT_STR(c.user_agent.c_str()), NUTAG_MEDIA_ENABLE(0), NUTAG_AUTOALERT(0),
      NUTAG_AUTOANSWER(0), NUTAG_AUTOACK(1), NUTAG_ENABLEINVITE(1), NUTAG_APPL_METHOD("UPDATE"),
      NUTAG_ALLOW(allow.c_str()), NUTAG_SESSION_TIMER(c.session_expires), NUTAG_MIN_SE(c.min_se),
      NUTAG_UPDATE_REFRESH(1),  // RFC 4028 §9: refresh by UPDATE (no offer) when the peer allows it
      NUTAG_OUTBOUND("no-options-keepalive no-validate no-natify"),
      TAG_IF(!c.tls_dir.empty(), TPTAG_CERTIFICATE(c.tls_dir.c_str())),
      TPTAG_TLS_VERIFY_POLICY(c.tls_verify ? TPTLS_VERIFY_SUBJECTS_OUT : TPTLS_VERIFY_NONE), TAG_END());
  if (!impl->core.nua)
    return make_error("sip.bind", "cannot start the SIP stack on " + url + " (address in use or not local?)");
  impl->dispatcher.on(SipEventKind::r_shutdown, on_shutdown_event)
      .on(SipEventKind::i_invite, on_invite_event)
      .on(SipEventKind::i_error, on_error_event)
      .on(SipEventKind::i_options, on_stray_event)
      .on(SipEventKind::i_outbound, on_stray_event)
      .on(SipEventKind::r_set_params, on_stray_event);
  Impl* raw = impl.get();
  if (c.tls_verify) {
    std::weak_ptr<void> alive = impl->alive;
    impl->tls_watch = watch_tls_failures([raw, alive](const TlsFailure& f) { Impl::report_tls_failure(raw, alive, f); });
  }
  impl->core.release_call = [raw](Call::Impl* call) {
    raw->core.loop->post([raw, call] { raw->calls.erase(call); });
  };
  GW_LOG(info) << "sip: listening on " << url;
  return std::unique_ptr<UserAgent>(new UserAgent(std::move(impl)));
}

UserAgent::UserAgent(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
// nua calls back into impl_ until nua_destroy, which its shutdown ends with:
// a UA dropped while that is pending (or never asked) would be called back
// freed. On the loop thread, run the shutdown to its end first (bounded by
// shutdown()'s own timer); elsewhere the loop is not ours to iterate.
UserAgent::~UserAgent() {
  if (!impl_ || impl_->core.nua == nullptr || !impl_->core.loop->on_thread()) return;
  if (!impl_->shut_down) shutdown(nullptr, 1000);
  auto* ctx = static_cast<GMainContext*>(impl_->core.loop->native_context());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (impl_->core.nua != nullptr && std::chrono::steady_clock::now() < deadline) {
    g_main_context_iteration(ctx, TRUE);
  }
}

Status UserAgent::start_registration(RegisterOptions options) {
  if (impl_->core.config.from.empty()) return make_error("sip.no-aor", "registration needs an AOR (From)");
  const UaConfig& c = impl_->core.config;
  RegistrationIdentity who{c.from, c.contact, c.credentials};
  impl_->registration = std::make_unique<Registration>(impl_->core, std::move(who), std::move(options),
                                                       [this](const RegistrationEvent& e) {
                                                         if (impl_->callbacks.on_registration)
                                                           impl_->callbacks.on_registration(e);
                                                       });
  return impl_->registration->start();
}

void UserAgent::unregister() {
  if (impl_->registration) impl_->registration->unregister();
}

bool UserAgent::registered() const { return impl_->registration && impl_->registration->registered(); }

RegistrationId UserAgent::add_registration(RegistrationIdentity who, RegisterOptions options,
                                           std::function<void(const RegistrationEvent&)> on_event) {
  RegistrationId id = ++impl_->last_registration_id;
  auto reg = std::make_unique<Registration>(impl_->core, std::move(who), std::move(options), std::move(on_event));
  Registration* raw = reg.get();
  impl_->more_registrations[id] = std::move(reg);
  if (auto st = raw->start(); !st) GW_LOG(warn) << "sip: registration " << id << ": " << st.error().message;
  return id;
}

void UserAgent::remove_registration(RegistrationId id) {
  auto it = impl_->more_registrations.find(id);
  if (it == impl_->more_registrations.end()) return;
  Impl* raw = impl_.get();
  // Forget it once the registrar answered the un-REGISTER (never inside the
  // registration's own callback).
  it->second->on_final([raw, id] { raw->core.loop->post([raw, id] { raw->more_registrations.erase(id); }); });
  it->second->unregister();
}

std::size_t UserAgent::registrations() const {
  return impl_->more_registrations.size() + (impl_->registration ? 1 : 0);
}

Result<std::shared_ptr<Call>> UserAgent::call(const std::string& target, std::shared_ptr<MediaNegotiator> media,
                                              Call::Handler handler, std::optional<CallIdentity> who) {
  if (impl_->shut_down) return make_error("sip.shutdown", "the user agent is shutting down");
  auto call = detail::make_outgoing_call(impl_->core, target, std::move(media), std::move(handler), std::move(who));
  if (!call) return make_error("sip.target", "cannot call " + target);
  impl_->calls[&call->impl()] = call;
  return call;
}

void UserAgent::shutdown(std::function<void()> done, unsigned timeout_ms) {
  if (impl_->shut_down) return;
  impl_->shut_down = true;
  impl_->shutdown_done = std::move(done);
  for (auto& [raw, call] : impl_->calls) call->hangup();
  nua_shutdown(impl_->core.nua);
  Impl* raw = impl_.get();
  impl_->shutdown_timer = detail::schedule_timer(*impl_->core.loop, timeout_ms, [raw] {
    raw->shutdown_timer = 0;
    GW_LOG(warn) << "sip: stack shutdown timed out";
    raw->finish_shutdown();
  });
}

const UaConfig& UserAgent::config() const { return impl_->core.config; }

UaCounters UserAgent::counters() const {
  UaCounters c = impl_->counters;
  c.handler_errors = impl_->dispatcher.counters().failed;
  return c;
}

std::size_t UserAgent::active_calls() const { return impl_->calls.size(); }

}  // namespace gw::sip
