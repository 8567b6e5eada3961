// nua events -> SipEvent (plain data), plus small sofia helpers.
#include <glib.h>
#include <openssl/rand.h>

#include <random>

#include <array>
#include <utility>

#include "sip/digest.hpp"
#include "sip/sofia_internal.hpp"
#include "util/bytes.hpp"
#include "util/log.hpp"

namespace gw::sip::detail {
namespace {

constexpr std::array<std::pair<nua_event_t, SipEventKind>, 29> kKinds = {{
    {nua_i_invite, SipEventKind::i_invite},     {nua_i_cancel, SipEventKind::i_cancel},
    {nua_i_ack, SipEventKind::i_ack},           {nua_i_bye, SipEventKind::i_bye},
    {nua_i_info, SipEventKind::i_info},         {nua_i_update, SipEventKind::i_update},
    {nua_i_refer, SipEventKind::i_refer},       {nua_i_notify, SipEventKind::i_notify},
    {nua_i_prack, SipEventKind::i_prack},       {nua_i_options, SipEventKind::i_options},
    {nua_i_message, SipEventKind::i_message},   {nua_i_state, SipEventKind::i_state},
    {nua_i_active, SipEventKind::i_active},     {nua_i_terminated, SipEventKind::i_terminated},
    {nua_i_error, SipEventKind::i_error},       {nua_i_outbound, SipEventKind::i_outbound},
    {nua_r_register, SipEventKind::r_register}, {nua_r_unregister, SipEventKind::r_unregister},
    {nua_r_invite, SipEventKind::r_invite},     {nua_r_cancel, SipEventKind::r_cancel},
    {nua_r_bye, SipEventKind::r_bye},           {nua_r_info, SipEventKind::r_info},
    {nua_r_update, SipEventKind::r_update},     {nua_r_refer, SipEventKind::r_refer},
    {nua_r_notify, SipEventKind::r_notify},     {nua_r_options, SipEventKind::r_options},
    {nua_r_message, SipEventKind::r_message},   {nua_r_shutdown, SipEventKind::r_shutdown},
    {nua_r_set_params, SipEventKind::r_set_params},
}};

std::string auth_text(const msg_auth_t* au) {
  std::string out = au->au_scheme ? au->au_scheme : "";
  if (au->au_params) {
    for (int i = 0; au->au_params[i]; ++i) {
      out += i == 0 ? " " : ", ";
      out += au->au_params[i];
    }
  }
  return out;
}

void fill_from_message(SipEvent& ev, const sip_t* sip) {
  ev.has_message = true;
  if (sip->sip_request && sip->sip_request->rq_method_name) ev.method = sip->sip_request->rq_method_name;
  if (sip->sip_request) ev.request_uri = url_text(sip->sip_request->rq_url);
  if (sip->sip_call_id && sip->sip_call_id->i_id) ev.call_id = sip->sip_call_id->i_id;
  if (sip->sip_from) ev.from = url_text(sip->sip_from->a_url);
  if (sip->sip_from && sip->sip_from->a_tag) ev.from_tag = sip->sip_from->a_tag;
  if (sip->sip_to) ev.to = url_text(sip->sip_to->a_url);
  if (sip->sip_content_type && sip->sip_content_type->c_type) ev.content_type = sip->sip_content_type->c_type;
  if (sip->sip_payload && sip->sip_payload->pl_data)
    ev.body.assign(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
  for (const sip_contact_t* m = sip->sip_contact; m; m = m->m_next) {
    ev.contacts.push_back(url_text(m->m_url));
    if (ev.expires == 0 && m->m_expires) ev.expires = static_cast<std::uint32_t>(std::strtoul(m->m_expires, nullptr, 10));
  }
  if (ev.expires == 0 && sip->sip_expires) ev.expires = static_cast<std::uint32_t>(sip->sip_expires->ex_delta);
  if (sip->sip_min_expires) ev.min_expires = static_cast<std::uint32_t>(sip->sip_min_expires->me_delta);
  if (sip->sip_retry_after) ev.retry_after = static_cast<std::uint32_t>(sip->sip_retry_after->af_delta);
  if (sip->sip_refer_to) ev.refer_to = url_text(sip->sip_refer_to->r_url);
  if (sip->sip_reason && sip->sip_reason->re_text) ev.reason = sip->sip_reason->re_text;
  for (const msg_auth_t* au = sip->sip_www_authenticate; au; au = au->au_next) ev.challenges.push_back(auth_text(au));
  for (const msg_auth_t* au = sip->sip_proxy_authenticate; au; au = au->au_next) {
    ev.challenges.push_back(auth_text(au));
    ev.proxy_challenge = true;
  }
}

struct Timer {
  std::function<void()> fn;
};

gboolean fire_timer(gpointer data) {
  auto* t = static_cast<Timer*>(data);
  try {
    t->fn();
  } catch (const std::exception& e) {
    GW_LOG(error) << "sip timer threw: " << e.what();
  } catch (...) {
    GW_LOG(error) << "sip timer threw";
  }
  return G_SOURCE_REMOVE;
}

void free_timer(gpointer data) { delete static_cast<Timer*>(data); }

}  // namespace

SipEventKind kind_of(nua_event_t e) {
  for (const auto& [ne, kind] : kKinds)
    if (ne == e) return kind;
  return SipEventKind::other;
}

std::string url_text(const url_t* url) {
  if (!url) return {};
  char buf[1024];
  isize_t n = url_e(buf, sizeof buf, url);
  if (n > 0 && static_cast<std::size_t>(n) < sizeof buf) return std::string(buf, static_cast<std::size_t>(n));
  su_home_t home[1] = {SU_HOME_INIT(home)};
  char* s = url_as_string(home, url);
  std::string out = s ? s : "";
  su_home_deinit(home);
  return out;
}

SipEvent make_sip_event(nua_event_t e, int status, const char* phrase, const sip_t* sip,
                        tagi_t const* tags) {
  SipEvent ev;
  ev.kind = kind_of(e);
  ev.raw_event = static_cast<int>(e);
  ev.status = status;
  ev.phrase = phrase ? phrase : "";
  if (sip) fill_from_message(ev, sip);
  if (e == nua_i_state && tags) {
    int state = nua_callstate_init;
    int offer_recv = 0, answer_recv = 0, offer_sent = 0, answer_sent = 0;
    tl_gets(tags, NUTAG_CALLSTATE_REF(state), NUTAG_OFFER_RECV_REF(offer_recv),
            NUTAG_ANSWER_RECV_REF(answer_recv), NUTAG_OFFER_SENT_REF(offer_sent),
            NUTAG_ANSWER_SENT_REF(answer_sent), TAG_END());
    if (state >= nua_callstate_init && state <= nua_callstate_terminated)
      ev.call_state = static_cast<NuaCallState>(state);
    ev.offer_recv = offer_recv != 0;
    ev.answer_recv = answer_recv != 0;
    ev.offer_sent = offer_sent != 0;
    ev.answer_sent = answer_sent != 0;
  }
  return ev;
}

std::string auth_user(const Credentials& cred, const std::string& aor) {
  if (!cred.user.empty()) return cred.user;
  auto colon = aor.find(':');  // the user part of sip:user@host
  auto at = aor.find('@');
  if (colon != std::string::npos && at != std::string::npos && at > colon) return aor.substr(colon + 1, at - colon - 1);
  return {};
}

std::string random_hex(std::size_t bytes) {
  Bytes b(bytes);
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) {
    std::random_device rd;
    for (auto& x : b) x = static_cast<std::uint8_t>(rd());
  }
  return to_hex(b);
}

std::string auth_string_for(const SipEvent& ev, const Credentials& cred, const std::string& aor) {
  std::string user = auth_user(cred, aor);
  for (const auto& text : ev.challenges) {
    auto ch = parse_digest_challenge(text);
    if (!ch) {
      GW_LOG(warn) << "sip: unusable challenge '" << text << "': " << ch.error().message;
      continue;
    }
    if (!cred.realm.empty() && ch->realm != cred.realm) continue;
    if (!ch->algorithm() || is_rfc8760(*ch->algorithm())) continue;  // sofia-sip does MD5 only
    auto s = sofia_auth_string(ch->scheme, ch->realm, user, cred.password);
    if (s) return *s;
    GW_LOG(warn) << "sip: " << s.error().message;
  }
  return {};
}

std::optional<OwnAuthorization> rfc8760_answer(const SipEvent& ev, const Credentials& cred, const std::string& aor,
                                               const char* method, const std::string& uri) {
  DigestRequest req{method, uri, auth_user(cred, aor), cred.password, random_hex(16), 1, ""};
  auto value = rfc8760_authorization(ev.challenges, cred.realm, req);
  if (!value) return std::nullopt;
  return OwnAuthorization{std::move(*value), ev.proxy_challenge};
}

tag_type_t authorization_tag(const OwnAuthorization& a) {
  return a.proxy ? siptag_proxy_authorization_str : siptag_authorization_str;
}

unsigned schedule_timer(GlibThread& loop, unsigned ms, std::function<void()> fn) {
  GSource* src = g_timeout_source_new(ms);
  g_source_set_callback(src, fire_timer, new Timer{std::move(fn)}, free_timer);
  unsigned id = g_source_attach(src, static_cast<GMainContext*>(loop.native_context()));
  g_source_unref(src);
  return id;
}

void cancel_timer(GlibThread& loop, unsigned id) {
  if (id == 0) return;
  GSource* src = g_main_context_find_source_by_id(static_cast<GMainContext*>(loop.native_context()), id);
  if (src) g_source_destroy(src);
}

}  // namespace gw::sip::detail
