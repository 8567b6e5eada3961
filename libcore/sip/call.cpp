// A call leg on a nua handle. Offer/answer is ours (NUTAG_MEDIA_ENABLE(0)):
// SDP goes out as the body of INVITE/200/ACK/UPDATE responses and comes in
// through SipEvent::body (RFC 3264 §4-8).
#include "sip/call.hpp"

#include <random>

#include "sip/dispatch.hpp"
#include "sip/dtmf_info.hpp"
#include "sip/sofia_internal.hpp"
#include "util/log.hpp"

namespace gw::sip {

std::string_view to_string(CallPhase p) {
  switch (p) {
    case CallPhase::idle: return "idle";
    case CallPhase::calling: return "calling";
    case CallPhase::ringing: return "ringing";
    case CallPhase::early: return "early";
    case CallPhase::active: return "active";
    case CallPhase::ending: return "ending";
    case CallPhase::ended: return "ended";
  }
  return "unknown";
}

namespace {
constexpr const char* kSdp = "application/sdp";
enum class Pending { none, hold, resume };
}  // namespace

struct Call::Impl final : detail::HandleOwner {
  detail::UaCore& core;
  Call* owner = nullptr;
  nua_handle_t* nh = nullptr;
  bool is_incoming = false;
  CallPhase phase = CallPhase::idle;
  std::string call_id, remote_uri, request_uri;
  std::string invite_uri, invite_offer;  // the last initial INVITE's Request-URI and SDP
  std::optional<CallIdentity> identity;   // outgoing on behalf of someone else (From, credentials)
  std::shared_ptr<MediaNegotiator> media;
  Handler handler;
  std::string remote_offer;     // incoming INVITE's offer
  bool invite_had_offer = false;
  std::string prepared_answer;  // answer made at ring() time
  bool offer_in_200 = false;    // offer-less INVITE: our 200 carried the offer
  bool answered_reported = false;
  bool local_hold = false, remote_hold = false;
  Pending pending = Pending::none;
  bool bye_received = false, cancel_received = false, we_hung_up = false, we_cancelled = false;
  bool stack_bye = false;  // sofia-sip sent BYE itself: the session expired (RFC 4028 §10)
  int auth_tries = 0;
  bool retry_pending = false;  // an INVITE with our own credentials is about to replace nh
  unsigned redirects = 0;
  unsigned retry_timer = 0, hangup_timer = 0;
  Dispatcher<Impl> dispatcher;

  explicit Impl(detail::UaCore& c);
  ~Impl() override;
  void on_nua_event(const SipEvent& ev, nua_handle_t* h, const sip_t*) override;

  void emit(CallEvent ev) {
    if (handler) handler(ev);
  }
  void emit_kind(CallEventKind k, int status = 0, std::string reason = {}) {
    CallEvent ev;
    ev.kind = k;
    ev.status = status;
    ev.reason = std::move(reason);
    if (media) ev.media = media->negotiated();
    emit(std::move(ev));
  }
  void end(EndCause cause, int status, std::string reason);
  bool invite(const std::string& target);
  // in_callback: answer the request nua is reporting now (NUTAG_WITH_CURRENT);
  // without it nua picks the dialog's INVITE, and an UPDATE stays unanswered.
  void respond_sdp(int status, const char* phrase, const std::string& sdp, bool in_callback = false);
  void answer_reoffer(const SipEvent& ev);
  void report_remote_direction(bool first);
  MediaDirection wanted_direction() const { return local_hold ? MediaDirection::sendonly : MediaDirection::sendrecv; }
  void send_reinvite(Pending what);
  struct Retry {
    detail::OwnAuthorization auth;
    std::string call_id, from;  // of the challenged INVITE (From with its tag)
  };
  void send_invite(const detail::OwnAuthorization* auth);
  void retry_invite(const SipEvent& challenge, detail::OwnAuthorization auth);
  void authenticate(const SipEvent& ev, bool reinvite);
  void destroy_handle();

  // Per-event handlers (the dispatch table).
  static void on_r_invite(Impl& c, const SipEvent& ev);
  static void on_i_state(Impl& c, const SipEvent& ev);
  static void on_i_invite(Impl& c, const SipEvent& ev);
  static void on_i_update(Impl& c, const SipEvent& ev);
  static void on_i_ack(Impl& c, const SipEvent& ev);
  static void on_i_bye(Impl& c, const SipEvent&) { c.bye_received = true; }
  static void on_i_cancel(Impl& c, const SipEvent&) { c.cancel_received = true; }
  static void on_r_bye(Impl& c, const SipEvent&) { c.stack_bye = !c.we_hung_up && !c.we_cancelled; }
  static void on_i_info(Impl& c, const SipEvent& ev);
  static void on_i_refer(Impl& c, const SipEvent& ev);
  static void on_log(Impl& c, const SipEvent& ev);
  void on_final_failure(const SipEvent& ev);
  void on_redirect(const SipEvent& ev);
  void on_invite_2xx(const SipEvent& ev);
  void on_reinvite_result(const SipEvent& ev);
};

Call::Impl::Impl(detail::UaCore& c) : core(c) {
  dispatcher.on(SipEventKind::r_invite, on_r_invite)
      .on(SipEventKind::i_state, on_i_state)
      .on(SipEventKind::i_invite, on_i_invite)
      .on(SipEventKind::i_update, on_i_update)
      .on(SipEventKind::i_ack, on_i_ack)
      .on(SipEventKind::i_bye, on_i_bye)
      .on(SipEventKind::i_cancel, on_i_cancel)
      .on(SipEventKind::i_info, on_i_info)
      .on(SipEventKind::i_refer, on_i_refer)
      .on(SipEventKind::r_bye, on_r_bye)
      .on(SipEventKind::r_cancel, on_log)
      .on(SipEventKind::r_info, on_log)
      .on(SipEventKind::r_update, on_log)
      .on(SipEventKind::i_active, on_log)
      .on(SipEventKind::i_terminated, on_log)
      .on(SipEventKind::i_prack, on_log)
      .on(SipEventKind::i_notify, on_log)
      .on(SipEventKind::i_error, on_log);
}

Call::Impl::~Impl() {
  detail::cancel_timer(*core.loop, retry_timer);
  detail::cancel_timer(*core.loop, hangup_timer);
  destroy_handle();
}

void Call::Impl::destroy_handle() {
  if (!nh) return;
  nua_handle_bind(nh, nullptr);
  if (core.nua) nua_handle_destroy(nh);
  nh = nullptr;
}

void Call::Impl::on_nua_event(const SipEvent& ev, nua_handle_t* h, const sip_t*) {
  // A stale handle (after a redirect), or the challenged one being replaced
  // (sofia-sip ends its session on a challenge it cannot answer).
  if (h != nh || phase == CallPhase::ended || retry_pending) return;
  if (call_id.empty() && !ev.call_id.empty()) call_id = ev.call_id;
  dispatcher.dispatch(*this, ev);
}

void Call::Impl::end(EndCause cause, int status, std::string reason) {
  if (phase == CallPhase::ended) return;
  phase = CallPhase::ended;
  detail::cancel_timer(*core.loop, hangup_timer);
  hangup_timer = 0;
  CallEvent ev;
  ev.kind = CallEventKind::ended;
  ev.cause = cause;
  ev.status = status;
  ev.reason = std::move(reason);
  emit(std::move(ev));
  if (core.release_call) core.release_call(this);
}

bool Call::Impl::invite(const std::string& target) {
  destroy_handle();
  const char* from = identity ? identity->from.c_str() : nullptr;
  nh = nua_handle(core.nua, static_cast<detail::HandleOwner*>(this), NUTAG_URL(target.c_str()),
                  SIPTAG_TO_STR(target.c_str()), TAG_IF(from != nullptr, SIPTAG_FROM_STR(from)), TAG_END());
  if (!nh) return false;
  invite_uri = target;
  invite_offer = media ? media->create_offer(wanted_direction()) : std::string();
  send_invite(nullptr);
  phase = CallPhase::calling;
  CallEvent ev;  // "trying": the INVITE is out (nua does not report 100 Trying)
  ev.kind = CallEventKind::trying;
  ev.target = target;
  emit(std::move(ev));
  return true;
}

// RFC 3261 §22.2: the INVITE again with our own credentials, same Call-ID
// and From tag, higher CSeq. On a fresh handle: sofia-sip ends the session
// of a challenge it cannot answer (MD5 only), and a new INVITE on that
// handle would start a new dialog. Posted: not inside its callback.
void Call::Impl::retry_invite(const SipEvent& challenge, detail::OwnAuthorization auth) {
  Retry r{std::move(auth), challenge.call_id, "<" + challenge.from + ">;tag=" + challenge.from_tag};
  retry_pending = true;
  core.loop->post([this, r] {
    retry_pending = false;
    destroy_handle();
    if (phase == CallPhase::ending) return end(EndCause::cancelled, 487, "cancelled");
    if (phase == CallPhase::ended) return;
    nh = nua_handle(core.nua, static_cast<detail::HandleOwner*>(this), NUTAG_URL(invite_uri.c_str()),
                    SIPTAG_TO_STR(invite_uri.c_str()), SIPTAG_CALL_ID_STR(r.call_id.c_str()),
                    SIPTAG_FROM_STR(r.from.c_str()), TAG_END());
    if (!nh) return end(EndCause::failed, 0, "cannot retry the INVITE");
    send_invite(&r.auth);
  });
}

void Call::Impl::send_invite(const detail::OwnAuthorization* auth) {
  const std::string& offer = invite_offer;
  const std::string& contact = core.config.contact;
  tag_type_t auth_tag = auth ? detail::authorization_tag(*auth) : tag_skip;
  tag_value_t auth_value = auth ? tag_str_v(auth->value.c_str()) : 0;
  nua_invite(nh, TAG_IF(!offer.empty(), SIPTAG_CONTENT_TYPE_STR(kSdp)),
             TAG_IF(!offer.empty(), SIPTAG_PAYLOAD_STR(offer.c_str())),
             TAG_IF(!contact.empty(), SIPTAG_CONTACT_STR(contact.c_str())), auth_tag, auth_value, TAG_END());
}

void Call::Impl::respond_sdp(int status, const char* phrase, const std::string& sdp, bool in_callback) {
  const std::string& contact = core.config.contact;
  nua_respond(nh, status, phrase, TAG_IF(in_callback, NUTAG_WITH_CURRENT(core.nua)),
              TAG_IF(!sdp.empty(), SIPTAG_CONTENT_TYPE_STR(kSdp)),
              TAG_IF(!sdp.empty(), SIPTAG_PAYLOAD_STR(sdp.c_str())),
              TAG_IF(!contact.empty(), SIPTAG_CONTACT_STR(contact.c_str())), TAG_END());
}

// ---- outgoing INVITE responses ---------------------------------------------

void Call::Impl::on_r_invite(Impl& c, const SipEvent& ev) {
  bool reinvite = c.pending != Pending::none || c.phase == CallPhase::active;
  if (ev.status < 100) return;
  if (ev.status < 200) {
    if (reinvite) return;
    if (ev.status == 100) {
      // nua restarts the INVITE itself after 401/407 (with our credentials)
      // and 3xx (RFC 3261 §8.1.3.4: it follows the Contact); it tells us
      // with status 100 and the response that caused it.
      if (ev.phrase.find("Redirect") != std::string::npos && !ev.contacts.empty()) {
        ++c.redirects;
        c.remote_uri = ev.contacts.front();
        CallEvent re;
        re.kind = CallEventKind::redirected;
        re.target = c.remote_uri;
        re.reason = ev.phrase;
        c.emit(re);
      }
      return;
    }
    if (ev.has_sdp() && c.media && c.media->accept_answer(ev.body)) {  // early media
      c.phase = CallPhase::early;
      c.emit_kind(CallEventKind::early_media, ev.status, ev.phrase);
    } else if (c.phase != CallPhase::early) {
      c.phase = CallPhase::ringing;
      c.emit_kind(CallEventKind::ringing, ev.status, ev.phrase);
    }
    return;
  }
  if (ev.status == 401 || ev.status == 407) return c.authenticate(ev, reinvite);
  if (reinvite) return c.on_reinvite_result(ev);
  if (ev.status < 300) return c.on_invite_2xx(ev);
  if (ev.status < 400) return c.on_redirect(ev);
  c.on_final_failure(ev);
}

// RFC 3261 §22.2: answer a 401/407 at most twice. MD5 goes to sofia-sip; RFC
// 8760 algorithms on the initial INVITE we answer ourselves (on a re-INVITE
// they end as a refused re-INVITE: the dialog keeps going).
void Call::Impl::authenticate(const SipEvent& ev, bool reinvite) {
  const Credentials& cred = identity ? identity->credentials : core.config.credentials;
  const std::string& aor = identity ? identity->from : core.config.from;
  if (!reinvite && auth_tries < 2) {
    if (auto own = detail::rfc8760_answer(ev, cred, aor, "INVITE", invite_uri)) {
      ++auth_tries;
      return retry_invite(ev, std::move(*own));
    }
  }
  std::string auth = detail::auth_string_for(ev, cred, aor);
  if (!auth.empty() && ++auth_tries <= 2) {
    nua_authenticate(nh, NUTAG_AUTH(auth.c_str()), TAG_END());
    return;
  }
  if (!reinvite) return end(EndCause::auth_failed, ev.status, ev.phrase);
  on_reinvite_result(ev);
}

void Call::Impl::on_invite_2xx(const SipEvent& ev) {
  if (ev.has_sdp() && media) {
    if (auto st = media->accept_answer(ev.body); !st) {
      GW_LOG(warn) << "sip: unusable SDP answer: " << st.error().message;
      we_hung_up = true;
      nua_bye(nh, SIPTAG_REASON_STR("SIP;cause=488;text=\"Not Acceptable Here\""), TAG_END());
      return end(EndCause::negotiation, 488, st.error().message);
    }
  }
  phase = CallPhase::active;
  answered_reported = true;
  auth_tries = 0;  // a re-INVITE challenged later gets its own two tries
  emit_kind(CallEventKind::answered, ev.status, ev.phrase);
  report_remote_direction(true);
}

void Call::Impl::on_redirect(const SipEvent& ev) {
  // RFC 3261 §8.1.3.4: try the Contact of a 3xx as a new target.
  if (ev.contacts.empty() || redirects >= core.config.max_redirects)
    return end(EndCause::rejected, ev.status, ev.contacts.empty() ? ev.phrase : "too many redirects");
  ++redirects;
  remote_uri = ev.contacts.front();
  CallEvent re;
  re.kind = CallEventKind::redirected;
  re.status = ev.status;
  re.reason = ev.phrase;
  re.target = remote_uri;
  emit(re);
  auth_tries = 0;
  std::string target = remote_uri;
  // Not inside the nua callback of the old handle: post.
  core.loop->post([this, target] {
    if (phase != CallPhase::ended && !invite(target)) end(EndCause::failed, 0, "cannot redirect to " + target);
  });
}

void Call::Impl::on_final_failure(const SipEvent& ev) {
  EndCause cause = EndCause::rejected;
  if (we_cancelled && ev.status == 487) cause = EndCause::cancelled;
  else if (ev.status == 408) cause = EndCause::timeout;
  else if (ev.status == 488 || ev.status == 606) cause = EndCause::negotiation;
  else if (ev.status >= 900) cause = EndCause::failed;  // the stack's own errors
  end(cause, ev.status, ev.reason.empty() ? ev.phrase : ev.reason);
}

void Call::Impl::on_reinvite_result(const SipEvent& ev) {
  Pending what = pending;
  pending = Pending::none;
  if (ev.status == 491 && what != Pending::none) {
    // RFC 3261 §14.1: glare; try again after 2.1-4 s.
    static thread_local std::mt19937 rng{std::random_device{}()};
    unsigned ms = 2100 + rng() % 1900;
    retry_timer = detail::schedule_timer(*core.loop, ms, [this, what] {
      retry_timer = 0;
      send_reinvite(what);
    });
    return;
  }
  if (ev.status >= 300) {
    GW_LOG(warn) << "sip: re-INVITE refused: " << ev.status << " " << ev.phrase;
    return;  // the dialog stays (the stack sends BYE when the status ends it)
  }
  if (ev.has_sdp() && media) {
    if (auto st = media->accept_answer(ev.body); !st) GW_LOG(warn) << "sip: bad re-INVITE answer: " << st.error().message;
  }
  if (what == Pending::hold) {
    local_hold = true;
    emit_kind(CallEventKind::held, ev.status, ev.phrase);
  } else if (what == Pending::resume) {
    local_hold = false;
    emit_kind(CallEventKind::resumed, ev.status, ev.phrase);
  }
}

void Call::Impl::send_reinvite(Pending what) {
  if (phase != CallPhase::active || !media || pending != Pending::none) return;
  pending = what;
  MediaDirection dir = what == Pending::hold ? MediaDirection::sendonly : MediaDirection::sendrecv;
  std::string offer = media->create_offer(dir);
  nua_invite(nh, SIPTAG_CONTENT_TYPE_STR(kSdp), SIPTAG_PAYLOAD_STR(offer.c_str()), TAG_END());
}

// ---- state and incoming requests -------------------------------------------

void Call::Impl::on_i_state(Impl& c, const SipEvent& ev) {
  if (ev.call_state == NuaCallState::ready && c.is_incoming && !c.answered_reported) {
    c.phase = CallPhase::active;
    c.answered_reported = true;
    c.emit_kind(CallEventKind::answered, 200, "ACK received");
    c.report_remote_direction(true);
    return;
  }
  if (ev.call_state != NuaCallState::terminated) return;
  if (c.bye_received) return c.end(EndCause::remote_hangup, 200, "BYE received");
  if (c.cancel_received) return c.end(EndCause::remote_cancelled, 487, "caller cancelled");
  if (c.we_cancelled) return c.end(EndCause::cancelled, 487, "cancelled");
  // The peer is gone as surely as after its BYE (like ICE consent lost).
  if (c.stack_bye) return c.end(EndCause::remote_hangup, 408, "session expired: the peer did not refresh it");
  if (c.we_hung_up) return c.end(c.is_incoming && !c.answered_reported ? EndCause::local_rejected : EndCause::local_hangup,
                                 ev.status, ev.phrase);
  if (ev.status == 408) return c.end(EndCause::timeout, ev.status, ev.phrase);
  c.end(c.answered_reported ? EndCause::remote_hangup : EndCause::failed, ev.status, ev.phrase);
}

void Call::Impl::on_i_invite(Impl& c, const SipEvent& ev) {
  // A re-INVITE in our dialog (the first INVITE went to UserAgent).
  c.answer_reoffer(ev);
}

void Call::Impl::on_i_update(Impl& c, const SipEvent& ev) {
  c.answer_reoffer(ev);  // NUTAG_APPL_METHOD("UPDATE"): we respond (RFC 3311)
}

// A re-INVITE or UPDATE (RFC 3311 §5.2): answered from inside nua's callback.
void Call::Impl::answer_reoffer(const SipEvent& ev) {
  if (!media) {
    respond_sdp(SIP_488_NOT_ACCEPTABLE, "", true);
    return;
  }
  if (!ev.has_sdp()) {  // offer-less re-INVITE (or a session refresh UPDATE)
    std::string offer = ev.kind == SipEventKind::i_update ? std::string() : media->create_offer(wanted_direction());
    if (!offer.empty()) offer_in_200 = true;
    respond_sdp(200, "OK", offer, true);
    return;
  }
  auto answer = media->create_answer(ev.body, wanted_direction());
  if (!answer) {
    GW_LOG(warn) << "sip: re-offer refused: " << answer.error().message;
    respond_sdp(SIP_488_NOT_ACCEPTABLE, "", true);
    return;
  }
  respond_sdp(200, "OK", *answer, true);
  report_remote_direction(false);
}

void Call::Impl::report_remote_direction(bool first) {
  auto m = media ? media->negotiated() : std::nullopt;
  if (!m) return;
  bool holds = m->remote_holds();
  if (holds == remote_hold) {
    if (!first) emit_kind(CallEventKind::media_updated);
    return;
  }
  remote_hold = holds;
  emit_kind(holds ? CallEventKind::remote_held : CallEventKind::remote_resumed);
}

void Call::Impl::on_i_ack(Impl& c, const SipEvent& ev) {
  if (!c.offer_in_200) return;
  c.offer_in_200 = false;
  if (!ev.has_sdp() || !c.media) {
    GW_LOG(warn) << "sip: ACK without the SDP answer our 200 asked for";
    return;
  }
  if (auto st = c.media->accept_answer(ev.body); !st) {
    GW_LOG(warn) << "sip: bad SDP answer in ACK: " << st.error().message;
    c.we_hung_up = true;
    nua_bye(c.nh, TAG_END());
    return;
  }
  if (c.answered_reported) c.report_remote_direction(false);
}

void Call::Impl::on_i_info(Impl& c, const SipEvent& ev) {
  auto d = parse_dtmf_info(ev.content_type, ev.body);
  if (!d) return;
  CallEvent out;
  out.kind = CallEventKind::dtmf;
  out.digit = d->digit;
  out.duration_ms = d->duration_ms;
  out.reason = "info";
  c.emit(out);
}

void Call::Impl::on_i_refer(Impl& c, const SipEvent& ev) {
  CallEvent out;
  out.kind = CallEventKind::transfer_requested;
  out.target = ev.refer_to;
  out.status = ev.status;
  c.emit(out);
}

void Call::Impl::on_log(Impl&, const SipEvent& ev) {
  GW_LOG(debug) << "sip call: " << to_string(ev.kind) << " " << ev.status << " " << ev.phrase;
}

// ---- factories ---------------------------------------------------------------

namespace detail {

std::shared_ptr<Call> make_outgoing_call(UaCore& core, const std::string& target,
                                         std::shared_ptr<MediaNegotiator> media, Call::Handler handler,
                                         std::optional<CallIdentity> who) {
  auto impl = std::make_unique<Call::Impl>(core);
  impl->identity = std::move(who);
  impl->remote_uri = target;
  impl->media = std::move(media);
  impl->handler = std::move(handler);
  auto call = std::make_shared<Call>(std::move(impl));
  if (!call->impl().invite(target)) return nullptr;
  return call;
}

std::shared_ptr<Call> make_incoming_call(UaCore& core, nua_handle_t* nh, const SipEvent& invite) {
  auto impl = std::make_unique<Call::Impl>(core);
  impl->is_incoming = true;
  impl->nh = nh;
  impl->call_id = invite.call_id;
  impl->remote_uri = invite.from;
  impl->request_uri = invite.request_uri;
  impl->invite_had_offer = invite.has_sdp();
  if (impl->invite_had_offer) impl->remote_offer = invite.body;
  impl->phase = CallPhase::calling;
  nua_handle_bind(nh, static_cast<HandleOwner*>(impl.get()));
  return std::make_shared<Call>(std::move(impl));
}

HandleOwner* owner_of(Call& call) { return &call.impl(); }

}  // namespace detail

// ---- public API ------------------------------------------------------------------

Call::Call(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) { impl_->owner = this; }
Call::~Call() = default;

bool Call::incoming() const { return impl_->is_incoming; }
CallPhase Call::phase() const { return impl_->phase; }
const std::string& Call::call_id() const { return impl_->call_id; }
const std::string& Call::remote_uri() const { return impl_->remote_uri; }
const std::string& Call::request_uri() const { return impl_->request_uri; }
const std::string& Call::remote_offer() const { return impl_->remote_offer; }
bool Call::locally_held() const { return impl_->local_hold; }
bool Call::offer_in_invite() const { return impl_->invite_had_offer; }
void Call::set_handler(Handler handler) { impl_->handler = std::move(handler); }
void Call::set_media(std::shared_ptr<MediaNegotiator> media) { impl_->media = std::move(media); }

void Call::ring() {
  auto& c = *impl_;
  if (!c.is_incoming || c.phase != CallPhase::calling) return;
  if (c.invite_had_offer) {
    auto answer = c.media ? c.media->create_answer(c.remote_offer, MediaDirection::sendrecv)
                          : Result<std::string>(make_error("sip.no-media", "no media"));
    if (!answer) {
      nua_respond(c.nh, SIP_488_NOT_ACCEPTABLE, TAG_END());
      return c.end(EndCause::negotiation, 488, answer.error().message);
    }
    c.prepared_answer = *answer;
  }
  c.phase = CallPhase::ringing;
  nua_respond(c.nh, SIP_180_RINGING, TAG_END());
}

void Call::answer() {
  auto& c = *impl_;
  if (!c.is_incoming || (c.phase != CallPhase::calling && c.phase != CallPhase::ringing)) return;
  if (c.phase == CallPhase::calling) {
    ring();
    if (c.phase == CallPhase::ended) return;
  }
  if (c.invite_had_offer && c.media) {
    // Made again now: the media may have been settled since ring() (a
    // gateway learns its answer from the browser that answered).
    auto fresh = c.media->create_answer(c.remote_offer, MediaDirection::sendrecv);
    if (!fresh) {
      nua_respond(c.nh, SIP_488_NOT_ACCEPTABLE, TAG_END());
      return c.end(EndCause::negotiation, 488, fresh.error().message);
    }
    c.prepared_answer = *fresh;
  }
  std::string sdp = c.prepared_answer;
  if (!c.invite_had_offer && c.media) {  // RFC 3261 §13.2.1: offer in 200, answer in ACK
    sdp = c.media->create_offer(MediaDirection::sendrecv);
    c.offer_in_200 = true;
  }
  c.phase = CallPhase::early;  // 200 sent, waiting for ACK
  c.respond_sdp(200, "OK", sdp);
}

void Call::reject(int status, const std::string& reason) {
  auto& c = *impl_;
  if (!c.is_incoming || c.answered_reported || c.phase == CallPhase::ended) return;
  if (status < 300 || status > 699) status = 486;
  c.we_hung_up = true;
  nua_respond(c.nh, status, reason.empty() ? sip_status_phrase(status) : reason.c_str(), TAG_END());
  if (!sip_status_phrase(status) && reason.empty()) GW_LOG(debug) << "sip: rejecting with unnamed status " << status;
  c.end(EndCause::local_rejected, status, reason.empty() && sip_status_phrase(status) ? sip_status_phrase(status) : reason);
}

void Call::hangup() {
  auto& c = *impl_;
  if (c.phase == CallPhase::ended || c.phase == CallPhase::ending) return;
  if (c.is_incoming && !c.answered_reported && c.phase != CallPhase::early) return reject(480, "Temporarily Unavailable");
  if (!c.is_incoming && !c.answered_reported) {
    c.we_cancelled = true;
    nua_cancel(c.nh, TAG_END());  // RFC 3261 §9.1
  } else {
    c.we_hung_up = true;
    nua_bye(c.nh, TAG_END());
  }
  c.phase = CallPhase::ending;
  // If the peer never answers the CANCEL/BYE, end anyway (64*T1).
  c.hangup_timer = detail::schedule_timer(*c.core.loop, 32000, [&c] {
    c.hangup_timer = 0;
    c.end(c.we_cancelled ? EndCause::cancelled : EndCause::local_hangup, 408, "no response to hangup");
  });
}

void Call::hold() { impl_->send_reinvite(Pending::hold); }
void Call::resume() { impl_->send_reinvite(Pending::resume); }

void Call::send_dtmf_info(char digit, unsigned duration_ms) {
  auto& c = *impl_;
  if (c.phase != CallPhase::active) return;
  std::string body = format_dtmf_relay(digit, duration_ms);
  nua_info(c.nh, SIPTAG_CONTENT_TYPE_STR("application/dtmf-relay"), SIPTAG_PAYLOAD_STR(body.c_str()), TAG_END());
}

}  // namespace gw::sip
