#include "dtls/endpoint.hpp"

#include <map>
#include <mutex>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <chrono>

#include "dtls/datagram_bio.hpp"
#include "util/log.hpp"

namespace gw::dtls {

namespace {
constexpr char kExporterLabel[] = "EXTRACTOR-dtls_srtp";  // RFC 5764 §4.2
}

std::string_view role_name(Role r) {
  switch (r) {
    case Role::active: return "active";
    case Role::passive: return "passive";
    case Role::actpass: break;
  }
  return "actpass";
}

Result<Role> parse_role(std::string_view text) {
  if (text == "active" || text == "client") return Role::active;
  if (text == "passive" || text == "server") return Role::passive;
  if (text == "actpass") return Role::actpass;
  return make_error("dtls.role", "DTLS role must be active, passive or actpass");
}

Result<Role> resolve_role(Role local, std::optional<Role> remote) {
  if (local != Role::actpass) {
    if (remote && *remote == local) {
      return make_error("dtls.role-conflict", "both sides want to be DTLS " + std::string(role_name(local)));
    }
    return local;
  }
  if (!remote) return Role::passive;
  switch (*remote) {
    case Role::active: return Role::passive;
    case Role::passive: return Role::active;
    case Role::actpass: return Role::active;  // we answer: active recommended (RFC 5763 §5)
  }
  return Role::passive;
}

std::string_view failure_name(FailureReason r) {
  switch (r) {
    case FailureReason::fingerprint_mismatch: return "fingerprint_mismatch";
    case FailureReason::alert: return "alert";
    case FailureReason::timeout: return "timeout";
    case FailureReason::no_srtp_profile: return "no_srtp_profile";
    case FailureReason::protocol: break;
  }
  return "protocol";
}

struct Endpoint::Impl {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  detail::DatagramQueues queues;
  ~Impl() {
    if (ssl != nullptr) SSL_free(ssl);  // frees the BIO too
    if (ctx != nullptr) SSL_CTX_free(ctx);
  }
};

Endpoint::Endpoint(EndpointConfig config) : impl_(std::make_unique<Impl>()), config_(std::move(config)) {}
Endpoint::~Endpoint() = default;

Result<std::unique_ptr<Endpoint>> Endpoint::create(EndpointConfig config) {
  if (!config.certificate) return make_error("dtls.config", "a certificate is required");
  if (config.role == Role::actpass) return make_error("dtls.config", "resolve actpass to active or passive first");
  if (srtp::openssl_profile_list(config.profiles).empty()) {
    return make_error("dtls.config", "no SRTP profile DTLS can negotiate");
  }
  std::unique_ptr<Endpoint> ep(new Endpoint(std::move(config)));
  if (auto st = ep->init_ssl(); !st) return st.error();
  return ep;
}

namespace {

// One SSL_CTX per (certificate, SRTP profiles), shared by every endpoint:
// an OpenSSL 3 context costs tens of KiB and a slow SSL_CTX_new, and a
// gateway holds thousands of endpoints with the same identity. Per-endpoint
// state (fingerprint to check, callbacks' target) lives on the SSL.
std::mutex g_contexts_mutex;
// Never destroyed (a few per process): freeing them from a static destructor
// could run after OpenSSL's own atexit cleanup. Reachable from this global,
// so LeakSanitizer does not count them.
std::map<std::string, SSL_CTX*>* g_contexts = new std::map<std::string, SSL_CTX*>();
constexpr std::size_t kMaxSharedContexts = 64;

using VerifyCallback = int (*)(X509_STORE_CTX*, void*);
using InfoCallback = void (*)(const SSL*, int, int);
struct Callbacks {
  VerifyCallback verify;
  InfoCallback info;
};

SSL_CTX* make_context(const Certificate& cert, const std::string& profiles, Callbacks cb) {
  SSL_CTX* ctx = SSL_CTX_new(DTLS_method());
  if (ctx == nullptr) return nullptr;
  SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION);
  // Returns 0 on success (inverse of the usual OpenSSL convention).
  if (SSL_CTX_use_certificate(ctx, cert.x509()) != 1 || SSL_CTX_use_PrivateKey(ctx, cert.key()) != 1 ||
      SSL_CTX_set_tlsext_use_srtp(ctx, profiles.c_str()) != 0) {
    SSL_CTX_free(ctx);
    return nullptr;
  }
  // Mutual authentication; the chain check is replaced by the fingerprint check.
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET);
  // Idle endpoints (after the handshake DTLS carries nothing but a rare
  // alert) give back their read and write buffers.
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_cert_verify_callback(ctx, cb.verify, nullptr);
  SSL_CTX_set_info_callback(ctx, cb.info);
  return ctx;
}

// A new reference to the shared context (the caller frees it).
SSL_CTX* shared_context(const Certificate& cert, const std::string& profiles, Callbacks cb) {
  std::string key = cert.fingerprint().hex() + "|" + profiles;
  std::lock_guard lock(g_contexts_mutex);
  auto it = g_contexts->find(key);
  if (it == g_contexts->end()) {
    SSL_CTX* ctx = make_context(cert, profiles, cb);
    if (ctx == nullptr || g_contexts->size() >= kMaxSharedContexts) return ctx;  // private one
    it = g_contexts->emplace(key, ctx).first;
  }
  SSL_CTX_up_ref(it->second);
  return it->second;
}

}  // namespace

Status Endpoint::init_ssl() {
  SSL_CTX* ctx = shared_context(*config_.certificate, srtp::openssl_profile_list(config_.profiles),
                                {&Endpoint::verify_trampoline, &Endpoint::info_trampoline});
  impl_->ctx = ctx;
  if (ctx == nullptr) return make_error("dtls.init", error_detail("SSL_CTX (certificate or use_srtp)"));
  SSL* ssl = SSL_new(ctx);
  impl_->ssl = ssl;
  if (ssl == nullptr) return make_error("dtls.init", error_detail("SSL_new"));
  SSL_set_app_data(ssl, this);
  BIO* bio = detail::new_datagram_bio(&impl_->queues);
  if (bio == nullptr) return make_error("dtls.init", "BIO allocation failed");
  SSL_set_bio(ssl, bio, bio);  // one BIO both ways: one reference transferred
  SSL_set_mtu(ssl, static_cast<long>(config_.mtu));
  DTLS_set_timer_cb(ssl, &Endpoint::timer_trampoline);
  if (config_.role == Role::active) {
    SSL_set_connect_state(ssl);
  } else {
    SSL_set_accept_state(ssl);
  }
  return {};
}

Status Endpoint::set_role(Role role) {
  if (state_ != State::idle) return make_error("dtls.started", "the handshake already started");
  if (role == Role::actpass) return make_error("dtls.role", "resolve actpass to active or passive first");
  config_.role = role;
  if (role == Role::active) {
    SSL_set_connect_state(impl_->ssl);
  } else {
    SSL_set_accept_state(impl_->ssl);
  }
  return {};
}

void Endpoint::set_remote_fingerprint(Fingerprint fp) { config_.remote_fingerprint = std::move(fp); }

void Endpoint::start(TimePoint now) {
  if (state_ != State::idle) return;
  state_ = State::handshaking;
  handshake_deadline_ = now + config_.handshake_timeout;
  drive(now);
}

void Endpoint::feed(ByteView datagram, TimePoint now) {
  if (state_ == State::failed || state_ == State::closed || datagram.empty()) return;
  if (state_ == State::idle) {
    if (config_.role == Role::active) return;  // not started: nothing to answer yet
    start(now);
  }
  impl_->queues.in.emplace_back(datagram.begin(), datagram.end());
  drive(now);
}

void Endpoint::on_timer(TimePoint now) {
  if (state_ != State::handshaking) {
    retransmit_at_.reset();
    return;
  }
  if (handshake_deadline_ && now >= *handshake_deadline_) {
    fail(FailureReason::timeout, "no DTLS handshake within the handshake timeout");
    return;
  }
  if (retransmit_at_ && now >= *retransmit_at_) {
    // Retransmits only if OpenSSL's own clock says the timer expired.
    if (DTLSv1_handle_timeout(impl_->ssl) < 0) {
      fail(FailureReason::timeout, "peer stopped answering (too many DTLS retransmissions)");
      return;
    }
  }
  drive(now);
}

std::optional<TimePoint> Endpoint::next_deadline() const {
  if (state_ != State::handshaking) return std::nullopt;
  std::optional<TimePoint> d = retransmit_at_;
  if (handshake_deadline_ && (!d || *handshake_deadline_ < *d)) d = handshake_deadline_;
  return d;
}

void Endpoint::close() {
  if (state_ == State::connected) SSL_shutdown(impl_->ssl);  // queues close_notify
  if (state_ != State::failed) state_ = State::closed;
  retransmit_at_.reset();
}

std::vector<Bytes> Endpoint::take_outgoing() { return std::exchange(impl_->queues.out, {}); }
std::vector<Event> Endpoint::take_events() { return std::exchange(events_, {}); }

void Endpoint::drive(TimePoint now) {
  SSL* ssl = impl_->ssl;
  if (state_ == State::handshaking) {
    ERR_clear_error();
    int r = SSL_do_handshake(ssl);
    if (r == 1) {
      finish_handshake();
    } else {
      int err = SSL_get_error(ssl, r);
      if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
        if (fingerprint_mismatch_) {
          fail(FailureReason::fingerprint_mismatch, "peer certificate does not match the expected fingerprint");
        } else if (!peer_alert_.empty()) {
          fail(FailureReason::alert, "peer sent alert: " + peer_alert_);
        } else {
          fail(FailureReason::protocol, error_detail("handshake"));
        }
        return;
      }
    }
  }
  if (state_ == State::connected) {
    // Drain records: application data is not used by DTLS-SRTP and is
    // discarded; this also answers retransmitted client flights.
    std::array<std::uint8_t, 2048> buf{};
    for (;;) {
      ERR_clear_error();
      int n = SSL_read(ssl, buf.data(), static_cast<int>(buf.size()));
      if (n > 0) continue;
      int err = SSL_get_error(ssl, n);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) break;
      if (err == SSL_ERROR_ZERO_RETURN) {
        SSL_shutdown(ssl);  // answer with our close_notify
        state_ = State::closed;
        events_.emplace_back(Closed{});
      } else {
        state_ = State::closed;
        events_.emplace_back(Closed{});
        GW_LOG(info) << "DTLS connection ended: " << error_detail("read");
      }
      break;
    }
    impl_->queues.in.clear();
  }
  update_deadline(now);
}

void Endpoint::finish_handshake() {
  SSL* ssl = impl_->ssl;
  SRTP_PROTECTION_PROFILE* sp = SSL_get_selected_srtp_profile(ssl);
  auto profile = sp != nullptr ? srtp::profile_from_dtls_id(static_cast<std::uint16_t>(sp->id)) : std::nullopt;
  if (!profile) {
    fail(FailureReason::no_srtp_profile, "DTLS handshake ended without a common SRTP profile");
    return;
  }
  Bytes material(srtp::exporter_length(*profile));
  if (SSL_export_keying_material(ssl, material.data(), material.size(), kExporterLabel, sizeof kExporterLabel - 1,
                                 nullptr, 0, 0) != 1) {
    fail(FailureReason::protocol, error_detail("exporter"));
    return;
  }
  auto keys = srtp::split_dtls_keying_material(*profile, material, config_.role == Role::active);
  OPENSSL_cleanse(material.data(), material.size());
  X509* peer = SSL_get0_peer_certificate(ssl);
  auto fp = Fingerprint::of(peer);
  if (!keys || !fp) {
    fail(FailureReason::protocol, "keying material or peer certificate unavailable");
    return;
  }
  state_ = State::connected;
  retransmit_at_.reset();
  HandshakeDone done{std::move(keys.value()), std::move(fp.value()), SSL_get_cipher_name(ssl)};
  events_.emplace_back(std::move(done));
  // Nothing but a rare alert flows after the handshake: give the record
  // buffers back now (fails harmlessly if a record is still pending).
  SSL_free_buffers(ssl);
}

void Endpoint::fail(FailureReason reason, std::string detail) {
  if (state_ == State::failed) return;
  state_ = State::failed;
  retransmit_at_.reset();
  GW_LOG(info) << "DTLS failed (" << failure_name(reason) << "): " << detail;
  events_.emplace_back(Failure{reason, std::move(detail)});
}

void Endpoint::update_deadline(TimePoint now) {
  retransmit_at_.reset();
  if (state_ != State::handshaking) return;
  timeval tv{};
  if (DTLSv1_get_timeout(impl_->ssl, &tv) == 1) {
    retransmit_at_ = now + std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec);
  }
}

std::string Endpoint::error_detail(const char* what) {
  unsigned long e = ERR_get_error();
  std::string s = what;
  if (e != 0) {
    std::array<char, 256> buf{};
    ERR_error_string_n(e, buf.data(), buf.size());
    s += ": ";
    s += buf.data();
  }
  ERR_clear_error();
  return s;
}

int Endpoint::verify_trampoline(X509_STORE_CTX* store, void* /*arg*/) noexcept {
  // The context is shared: the endpoint is the SSL's app data.
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* self = ssl != nullptr ? static_cast<Endpoint*>(SSL_get_app_data(ssl)) : nullptr;
  if (self == nullptr) return 0;
  try {
    X509* cert = X509_STORE_CTX_get0_cert(store);
    if (cert == nullptr) return 0;
    if (!self->config_.remote_fingerprint) return 1;  // accept any; reported later
    const auto& want = *self->config_.remote_fingerprint;
    auto got = Fingerprint::of(cert, want.algorithm);
    if (got.ok() && got->digest == want.digest) return 1;
    self->fingerprint_mismatch_ = true;
    X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
    return 0;
  } catch (...) {
    return 0;
  }
}

void Endpoint::info_trampoline(const SSL* ssl, int where, int ret) noexcept {
  if ((where & SSL_CB_READ_ALERT) == 0) return;
  auto* self = static_cast<Endpoint*>(SSL_get_app_data(ssl));
  if (self == nullptr || (ret >> 8) != SSL3_AL_FATAL) return;
  try {
    self->peer_alert_ = SSL_alert_desc_string_long(ret);
  } catch (...) {  // out of memory while copying a short string: ignore
  }
}

unsigned int Endpoint::timer_trampoline(SSL* ssl, unsigned int previous_us) noexcept {
  auto* self = static_cast<Endpoint*>(SSL_get_app_data(ssl));
  using us = std::chrono::microseconds;
  auto initial = static_cast<unsigned int>(std::chrono::duration_cast<us>(self->config_.initial_retransmit).count());
  auto cap = static_cast<unsigned int>(std::chrono::duration_cast<us>(self->config_.max_retransmit).count());
  if (previous_us == 0) return initial;
  return std::min(previous_us * 2, std::max(cap, initial));  // RFC 6347 §4.2.4.1: double, bounded
}

}  // namespace gw::dtls
