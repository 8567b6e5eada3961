#include "gateway/sip_side.hpp"

#include <boost/asio/post.hpp>
#include <chrono>
#include <unordered_map>

#include "gateway/sip_call_media.hpp"
#include "sip/glib_thread.hpp"
#include "util/endpoint.hpp"
#include "util/log.hpp"

namespace gw::gateway {

std::string sip_uri_user(std::string_view uri) {
  auto colon = uri.find(':');
  if (colon == std::string_view::npos) return {};
  auto rest = uri.substr(colon + 1);
  auto at = rest.find('@');
  if (at == std::string_view::npos) return {};
  auto user = rest.substr(0, at);
  if (auto semi = user.find(';'); semi != std::string_view::npos) user = user.substr(0, semi);  // user params
  return std::string(user);
}

// Everything below the public methods runs on the GLib thread.
struct SipSide::Impl {
  struct CallEntry {
    std::shared_ptr<sip::Call> call;
    std::shared_ptr<SipCallMedia> media;
  };

  boost::asio::io_context& signaling;
  const SipSideConfig& config;
  Handlers handlers;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);
  sip::GlibThread glib;
  std::unique_ptr<sip::UserAgent> ua;
  std::unordered_map<SipCallId, CallEntry> calls;
  std::unordered_map<std::string, sip::RegistrationId> registrations;  // DN -> its registration
  SipCallId last_incoming_id = 0;  // incoming ids count down from 2^63, outgoing up from 1

  Impl(boost::asio::io_context& io, const SipSideConfig& c, Handlers h)
      : signaling(io), config(c), handlers(std::move(h)) {}

  // Runs `fn` on the signaling thread unless the SipSide is gone by then.
  template <typename Fn>
  void to_signaling(Fn fn) {
    std::weak_ptr<bool> weak = alive;
    boost::asio::post(signaling, [weak, fn = std::move(fn)]() mutable {
      if (auto a = weak.lock(); a && *a) fn();
    });
  }

  sip::Call* find(SipCallId id) {
    auto it = calls.find(id);
    return it == calls.end() ? nullptr : it->second.call.get();
  }

  sip::Call::Handler handler_for(SipCallId id) {
    return [this, id](const sip::CallEvent& ev) { on_call_event(id, ev); };
  }

  void on_call_event(SipCallId id, const sip::CallEvent& ev);
  void on_incoming(const std::shared_ptr<sip::Call>& call);
  void start_call(SipCallId id, const std::string& uri, std::string offer, std::optional<sip::CallIdentity> who);
  // Shutdown: waits (polling every 50 ms) for the un-REGISTERs and BYEs, then stops the stack.
  void stop_when_idle(std::shared_ptr<std::function<void()>> finished, unsigned waited, unsigned timeout_ms);
};

namespace {

using Kind = SipCallUpdate::Kind;

// sip::CallEventKind -> what the signaling side hears (nullopt: nothing).
std::optional<Kind> update_kind(sip::CallEventKind k) {
  switch (k) {
    case sip::CallEventKind::ringing: return Kind::ringing;
    case sip::CallEventKind::early_media: return Kind::early_media;
    case sip::CallEventKind::answered: return Kind::answered;
    case sip::CallEventKind::media_updated: return Kind::media_updated;
    case sip::CallEventKind::remote_held: return Kind::remote_held;
    case sip::CallEventKind::remote_resumed: return Kind::remote_resumed;
    case sip::CallEventKind::dtmf: return Kind::dtmf;
    case sip::CallEventKind::ended: return Kind::ended;
    default: return std::nullopt;
  }
}

}  // namespace

void SipSide::Impl::on_call_event(SipCallId id, const sip::CallEvent& ev) {
  auto kind = update_kind(ev.kind);
  if (!kind) return;
  SipCallUpdate u;
  u.kind = *kind;
  u.status = ev.status;
  u.reason = ev.reason;
  u.cause = ev.cause;
  u.digit = ev.digit;
  u.duration_ms = ev.duration_ms;
  if (auto it = calls.find(id); it != calls.end() && it->second.media) u.remote_sdp = it->second.media->last_remote();
  if (*kind == Kind::ended) {
    // Dropped later: the call is still inside its own handler.
    glib.post([this, id] { calls.erase(id); });
  }
  to_signaling([this, id, u = std::move(u)] {
    if (handlers.on_call) handlers.on_call(id, u);
  });
}

void SipSide::Impl::on_incoming(const std::shared_ptr<sip::Call>& call) {
  std::string dn = sip_uri_user(call->request_uri());
  if (!call->offer_in_invite()) {
    // The browser leg needs the SIP side's codecs before it can offer.
    GW_LOG(info) << "sip: INVITE without an offer for " << dn << ": 488";
    call->reject(488, "An offer in the INVITE is required");
    return;
  }
  SipCallId id = --last_incoming_id;
  auto media = std::make_shared<SipCallMedia>();
  call->set_media(media);
  call->set_handler(handler_for(id));
  calls[id] = {call, media};
  SipIncomingCall in{id, dn, call->remote_uri(), call->remote_offer()};
  to_signaling([this, in = std::move(in)] {
    if (handlers.on_incoming) handlers.on_incoming(in);
  });
}

void SipSide::Impl::start_call(SipCallId id, const std::string& uri, std::string offer,
                               std::optional<sip::CallIdentity> who) {
  auto media = std::make_shared<SipCallMedia>(std::move(offer));
  auto call = ua->call(uri, media, handler_for(id), std::move(who));
  if (!call) {
    sip::CallEvent ev;
    ev.kind = sip::CallEventKind::ended;
    ev.cause = sip::EndCause::failed;
    ev.reason = call.error().message;
    on_call_event(id, ev);
    return;
  }
  calls[id] = {*call, media};
}

SipSide::SipSide(boost::asio::io_context& signaling, SipSideConfig config)
    : signaling_(signaling), config_(std::move(config)) {}

Result<std::unique_ptr<SipSide>> SipSide::create(boost::asio::io_context& signaling, SipSideConfig config,
                                                 Handlers handlers) {
  std::unique_ptr<SipSide> side(new SipSide(signaling, std::move(config)));
  side->impl_ = std::make_unique<Impl>(signaling, side->config_, std::move(handlers));
  Impl& impl = *side->impl_;
  impl.last_incoming_id = SipCallId{1} << 63;
  impl.glib.start();
  Status started;
  impl.glib.run_sync([&] {
    sip::UserAgent::Callbacks cb;
    cb.on_incoming = [&impl](const std::shared_ptr<sip::Call>& call) { impl.on_incoming(call); };
    auto ua = sip::UserAgent::create(impl.glib, side->config_.ua, std::move(cb));
    if (!ua) {
      started = ua.error();
      return;
    }
    impl.ua = std::move(*ua);
  });
  if (!started) return started.error();
  return side;
}

SipSide::~SipSide() {
  if (!impl_) return;
  *impl_->alive = false;
  impl_->glib.run_sync([this] {
    impl_->calls.clear();
    impl_->ua.reset();
  });
  impl_->glib.stop();
}

bool SipSide::has_credentials(const std::string& dn) const {
  return config_.dn_credentials.contains(dn) || config_.any_dn_credentials.has_value();
}

std::string SipSide::uri_for_dn(const std::string& dn) const { return "sip:" + dn + "@" + config_.domain; }

sip::Credentials SipSide::credentials_for(const std::string& dn) const {
  auto cred = config_.dn_credentials.find(dn);
  sip::Credentials c = cred != config_.dn_credentials.end() ? cred->second : config_.any_dn_credentials.value_or(sip::Credentials{});
  if (c.user.empty()) c.user = dn;
  return c;
}

void SipSide::register_dn(const std::string& dn) {
  if (config_.registrar.empty()) return;
  sip::RegistrationIdentity who;
  who.aor = uri_for_dn(dn);
  const auto& ua = config_.ua;
  std::string host = ua.advertise.empty() ? ua.bind_host : ua.advertise;
  who.contact = "<sip:" + dn + "@" + format_host_port(host, ua.bind_port) +
                (ua.transport.empty() || ua.transport == "udp" ? "" : ";transport=" + ua.transport) + ">";
  who.credentials = credentials_for(dn);
  sip::RegisterOptions opts{config_.registrar, config_.register_expires, config_.register_retry_s};
  Impl* impl = impl_.get();
  impl->glib.post([impl, dn, who = std::move(who), opts]() mutable {
    if (!impl->ua) return;
    // Registered already (a browser took the DN over): the binding stays;
    // a new REGISTER racing an un-REGISTER of the same Contact could lose it.
    if (impl->registrations.contains(dn)) return;
    impl->registrations[dn] = impl->ua->add_registration(std::move(who), opts, [impl, dn](const sip::RegistrationEvent& e) {
      impl->to_signaling([impl, u = SipRegistrationUpdate{dn, e}] {
        if (impl->handlers.on_registration) impl->handlers.on_registration(u);
      });
    });
  });
}

void SipSide::unregister_dn(const std::string& dn) {
  Impl* impl = impl_.get();
  impl->glib.post([impl, dn] {
    auto it = impl->registrations.find(dn);
    if (it == impl->registrations.end() || !impl->ua) return;
    impl->ua->remove_registration(it->second);
    impl->registrations.erase(it);
  });
}

SipCallId SipSide::call(const std::string& uri, std::string offer_sdp, const std::optional<std::string>& as_dn) {
  SipCallId id = ++last_id_;
  std::optional<sip::CallIdentity> who;
  if (as_dn) {
    // The agent's own AOR as From (what the called party shows); its digest
    // credentials when --sip-credentials has them, else the gateway's.
    who = sip::CallIdentity{uri_for_dn(*as_dn), has_credentials(*as_dn) ? credentials_for(*as_dn) : config_.ua.credentials};
  }
  Impl* impl = impl_.get();
  impl->glib.post([impl, id, uri, offer = std::move(offer_sdp), who = std::move(who)]() mutable {
    if (impl->ua) impl->start_call(id, uri, std::move(offer), std::move(who));
  });
  return id;
}

namespace {
// Runs `fn(call)` on the GLib thread if call `id` is still there.
template <typename Fn>
void with_call(SipSide::Impl* impl, SipCallId id, Fn fn) {
  impl->glib.post([impl, id, fn = std::move(fn)]() mutable {
    if (sip::Call* c = impl->find(id)) fn(*c);
  });
}
}  // namespace

void SipSide::ring(SipCallId id) {
  with_call(impl_.get(), id, [](sip::Call& c) { c.ring(); });
}

void SipSide::answer(SipCallId id, std::string answer_sdp) {
  Impl* impl = impl_.get();
  impl->glib.post([impl, id, sdp = std::move(answer_sdp)]() mutable {
    auto it = impl->calls.find(id);
    if (it == impl->calls.end()) return;
    it->second.media->set_answer(std::move(sdp));
    it->second.call->answer();
  });
}

void SipSide::reject(SipCallId id, int status, std::string reason) {
  with_call(impl_.get(), id, [status, reason](sip::Call& c) { c.reject(status, reason); });
}
void SipSide::hangup(SipCallId id) {
  with_call(impl_.get(), id, [](sip::Call& c) { c.hangup(); });
}
void SipSide::hold(SipCallId id) {
  with_call(impl_.get(), id, [](sip::Call& c) { c.hold(); });
}
void SipSide::resume(SipCallId id) {
  with_call(impl_.get(), id, [](sip::Call& c) { c.resume(); });
}
void SipSide::send_dtmf_info(SipCallId id, char digit, unsigned duration_ms) {
  with_call(impl_.get(), id, [digit, duration_ms](sip::Call& c) { c.send_dtmf_info(digit, duration_ms); });
}

void SipSide::shutdown(std::function<void()> done, unsigned timeout_ms) {
  Impl* impl = impl_.get();
  auto finished = std::make_shared<std::function<void()>>(std::move(done));
  impl->glib.post([impl, finished, timeout_ms] {
    if (!impl->ua) return impl->to_signaling([finished] { (*finished)(); });
    for (auto& [dn, reg] : impl->registrations) impl->ua->remove_registration(reg);
    impl->registrations.clear();
    for (auto& [id, entry] : impl->calls) entry.call->hangup();
    // The un-REGISTERs and BYEs go out first; then the stack stops.
    impl->stop_when_idle(std::move(finished), 0, timeout_ms);
  });
}

void SipSide::Impl::stop_when_idle(std::shared_ptr<std::function<void()>> finished, unsigned waited,
                                   unsigned timeout_ms) {
  if (!ua) return;  // the SipSide is being destroyed (a second signal): nothing to wait for
  bool idle = ua->registrations() == 0 && calls.empty();
  if (!idle && waited < timeout_ms / 2) {
    glib.post_after(50, [this, finished, waited, timeout_ms] { stop_when_idle(finished, waited + 50, timeout_ms); });
    return;
  }
  if (!idle) {
    GW_LOG(warn) << "sip: stopping with " << calls.size() << " call(s) and " << ua->registrations()
                 << " registration(s) not yet ended";
  }
  ua->shutdown([this, finished] { to_signaling([finished] { (*finished)(); }); }, timeout_ms / 2);
}

}  // namespace gw::gateway
