#include "stun/client_transaction.hpp"

#include <algorithm>

#include "stun/builder.hpp"
#include "stun/integrity.hpp"
#include "util/log.hpp"

namespace gw::stun {

std::string_view state_name(ClientTransaction::State s) {
  using S = ClientTransaction::State;
  switch (s) {
    case S::idle: return "idle";
    case S::running: return "running";
    case S::succeeded: return "succeeded";
    case S::error_response: return "error-response";
    case S::timed_out: return "timed-out";
    case S::auth_failed: return "auth-failed";
  }
  return "?";
}

ClientTransaction::ClientTransaction(RequestSpec spec, TransactionConfig config)
    : spec_(std::move(spec)), config_(config) {
  config_.max_requests = std::max(config_.max_requests, 1);
  tid_ = spec_.transaction_id.value_or(random_transaction_id());
}

Bytes ClientTransaction::build_request() {
  MessageBuilder b(spec_.method, Class::request, tid_);
  for (const auto& a : spec_.attributes) b.add(a.type, a.value);
  key_.clear();
  if (spec_.credentials) {
    const auto& c = *spec_.credentials;
    if (c.kind == Credentials::Kind::short_term) {  // RFC 8489 §9.1.2
      b.add_text(attr::username, c.username);
      key_ = short_term_key(c.password);
      key_sha256_ = c.short_term_sha256;
    } else if (!nonce_.empty()) {  // RFC 8489 §9.2.4: only after a challenge
      b.add_text(attr::username, c.username);
      b.add_text(attr::realm, realm_);
      b.add_text(attr::nonce, nonce_);
      PasswordAlgorithmId alg = PasswordAlgorithmId::md5;
      if (server_algorithms_) {
        const bool sha = std::any_of(server_algorithms_->begin(), server_algorithms_->end(),
                                     [](const PasswordAlgorithm& a) {
                                       return a.id == static_cast<std::uint16_t>(
                                                          PasswordAlgorithmId::sha256);
                                     });
        alg = sha ? PasswordAlgorithmId::sha256 : PasswordAlgorithmId::md5;
        // §9.2.4: echo the server's list and name the chosen algorithm.
        b.add(attr::password_algorithms, encode_password_algorithms(*server_algorithms_));
        b.add(attr::password_algorithm,
              encode_password_algorithm({static_cast<std::uint16_t>(alg), {}}));
      }
      key_ = long_term_key(c.username, realm_, c.password, alg);
      key_sha256_ = alg == PasswordAlgorithmId::sha256;
    }
  }
  if (!key_.empty()) {
    if (key_sha256_) {
      b.with_integrity_sha256(key_);
    } else {
      b.with_integrity(key_);
    }
  }
  if (spec_.fingerprint) b.with_fingerprint();
  return b.build();
}

Bytes ClientTransaction::begin_attempt(TimePoint now) {
  request_ = build_request();
  attempt_start_ = now;
  sends_in_attempt_ = 1;
  ++transmissions_;
  interval_ = config_.rto;
  if (config_.reliable) {
    deadline_ = now + config_.reliable_timeout;  // §6.2.2: one send, Ti
  } else if (config_.max_requests == 1) {
    deadline_ = now + config_.rto * config_.last_wait_factor;
  } else {
    deadline_ = now + interval_;
    interval_ *= 2;
  }
  return request_;
}

Bytes ClientTransaction::start(TimePoint now) {
  started_ = now;
  state_ = State::running;
  return begin_attempt(now);
}

std::optional<TimePoint> ClientTransaction::next_deadline() const {
  if (state_ != State::running) return std::nullopt;
  if (config_.overall_timeout) return std::min(deadline_, started_ + *config_.overall_timeout);
  return deadline_;
}

ClientTransaction::Action ClientTransaction::on_timer(TimePoint now) {
  Action a;
  if (state_ != State::running) return a;
  if (config_.overall_timeout && now >= started_ + *config_.overall_timeout) {
    state_ = State::timed_out;
    a.finished = true;
    return a;
  }
  if (now < deadline_) return a;
  if (config_.reliable || sends_in_attempt_ >= config_.max_requests) {
    state_ = State::timed_out;
    a.finished = true;
    return a;
  }
  // RFC 8489 §6.2.1: RTO doubles after each send; after the Rc-th send wait Rm*RTO.
  ++sends_in_attempt_;
  ++transmissions_;
  if (sends_in_attempt_ == config_.max_requests) {
    deadline_ += config_.rto * config_.last_wait_factor;
  } else {
    deadline_ += interval_;
    interval_ *= 2;
  }
  a.send = request_;
  return a;
}

bool ClientTransaction::verify(ByteView packet, const Message& m) const {
  if (spec_.strict_fingerprint && check_fingerprint(packet, m) == Check::mismatch) return false;
  if (key_.empty()) return true;
  const Check c = check_integrity(packet, m, key_);
  if (c == Check::mismatch) return false;
  // RFC 8489 §9.1.4/§9.2.5: a success answer to an authenticated request
  // must itself be authenticated; error answers (400, 401) may lack it.
  return !(c == Check::absent && m.cls == Class::success);
}

bool ClientTransaction::handle_challenge(const Message& m) {
  if (!spec_.credentials || spec_.credentials->kind != Credentials::Kind::long_term) return false;
  const auto err = get_error_code(m);
  if (!err) return false;
  auto realm = get_text(m, attr::realm);
  auto nonce = get_text(m, attr::nonce);
  if (err->code == error::unauthenticated && nonce_.empty() && realm && nonce) {
    realm_ = *realm;  // RFC 8489 §9.2.4: first 401 carries REALM and NONCE
    nonce_ = *nonce;
    server_algorithms_ = get_password_algorithms(m);
    return true;
  }
  if (err->code == error::stale_nonce && !stale_retry_used_ && nonce) {
    stale_retry_used_ = true;  // RFC 8489 §9.2.5: retry once with the new nonce
    nonce_ = *nonce;
    if (realm) realm_ = *realm;
    if (auto algs = get_password_algorithms(m)) server_algorithms_ = std::move(algs);
    return true;
  }
  return false;
}

ClientTransaction::ResponseAction ClientTransaction::on_response(ByteView packet,
                                                                 TimePoint now) {
  auto m = decode(packet);
  if (!m) return {};
  return on_response(packet, *m, now);
}

ClientTransaction::ResponseAction ClientTransaction::on_response(ByteView packet,
                                                                 const Message& m,
                                                                 TimePoint now) {
  ResponseAction r;
  if (state_ != State::running || m.transaction_id != tid_ || m.method != spec_.method ||
      (m.cls != Class::success && m.cls != Class::error)) {
    return r;
  }
  if (!verify(packet, m)) {
    GW_LOG(debug) << "stun: dropping a response that fails FINGERPRINT/integrity checks";
    return r;
  }
  r.accepted = true;
  if (m.cls == Class::error && handle_challenge(m)) {
    ++auth_attempts_;
    tid_ = random_transaction_id();  // a new transaction (RFC 8489 §9.2.4)
    r.send = begin_attempt(now);
    return r;
  }
  response_ = m;
  response_bytes_.assign(packet.begin(), packet.end());
  response_fingerprint_ = check_fingerprint(packet, m);
  rtt_ = now - attempt_start_;
  r.finished = true;
  if (m.cls == Class::success) {
    state_ = State::succeeded;
  } else {
    const auto err = get_error_code(m);
    const bool auth = err && (err->code == error::unauthenticated ||
                              err->code == error::stale_nonce) && spec_.credentials;
    state_ = auth ? State::auth_failed : State::error_response;
  }
  return r;
}

std::optional<ErrorCode> ClientTransaction::error() const {
  if (!response_) return std::nullopt;
  return get_error_code(*response_);
}

}  // namespace gw::stun
