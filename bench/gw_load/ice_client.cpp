#include "ice_client.hpp"

#include "sdp/candidate.hpp"
#include "sdp_offer.hpp"
#include "stun/attributes.hpp"
#include "stun/builder.hpp"
#include "stun/integrity.hpp"

namespace gw::load {

IceClient::IceClient(IceConfig config)
    : config_(std::move(config)),
      remote_key_(stun::short_term_key(config_.remote_pwd)),
      local_key_(stun::short_term_key(config_.local_pwd)) {}

// RFC 8445 §7.2.2: USERNAME "remote:local", PRIORITY of the peer-reflexive
// candidate this check would create (§7.1.1), ICE-CONTROLLING with our tie
// breaker, USE-CANDIDATE to nominate (§8.1.1), then MESSAGE-INTEGRITY with the
// peer's password and FINGERPRINT (§7.2.2, RFC 8489 §14.5/§14.7).
Bytes IceClient::make_request(const stun::TransactionId& tid, bool nominate) const {
  stun::MessageBuilder b(stun::Method::binding, stun::Class::request, tid);
  b.add_text(stun::attr::username, config_.remote_ufrag + ":" + config_.local_ufrag);
  b.add_u32(stun::attr::priority, sdp::candidate_priority(sdp::CandidateType::prflx, 65535, 1));
  b.add_u64(stun::attr::ice_controlling, config_.tie_breaker);
  if (nominate) b.add_flag(stun::attr::use_candidate);
  return b.with_integrity(remote_key_).with_fingerprint().build();
}

std::optional<Bytes> IceClient::on_tick(TimePoint now) {
  if (!started_) {
    started_ = now;
    check_tid_ = stun::random_transaction_id();
    check_ = make_request(check_tid_, true);
    next_send_ = now;
  }
  if (state_ == State::failed || now < next_send_) return std::nullopt;
  if (state_ == State::checking) {
    if (now - *started_ >= config_.check_timeout) {
      state_ = State::failed;
      return std::nullopt;
    }
    next_send_ = now + config_.check_interval;
    counters_.checks_sent++;
    return check_;
  }
  // RFC 7675 §5.1: one request per interval, no STUN retransmissions; an
  // unanswered one counts as a failure, 30 s without an answer as consent lost.
  if (consent_tid_) counters_.consent_failures++;
  if (now - last_consent_ok_ >= config_.consent_timeout) consent_lost_ = true;
  consent_tid_ = stun::random_transaction_id();
  next_send_ = now + next_consent_interval();
  counters_.consent_sent++;
  return make_request(*consent_tid_, false);
}

Duration IceClient::next_consent_interval() const {
  auto base = std::chrono::duration_cast<milliseconds>(config_.consent_interval).count();
  auto jitter = static_cast<std::int64_t>(random_u32() % 401) - 200;  // -20%..+20% in 0.1% steps
  return milliseconds(base + base * jitter / 1000);
}

std::optional<Bytes> IceClient::on_stun(ByteView data, const SocketAddress& from, TimePoint now) {
  auto m = stun::decode(data);
  if (!m || m->method != stun::Method::binding) return std::nullopt;
  // RFC 8445 §7.2.2/§7.3: checks and their answers carry FINGERPRINT.
  if (stun::check_fingerprint(data, *m) != stun::Check::ok) {
    counters_.bad_fingerprint++;
    return std::nullopt;
  }
  if (m->cls == stun::Class::request) return on_request(*m, data, from);
  if (m->cls == stun::Class::indication) return std::nullopt;  // keepalives (RFC 8445 §11)
  // RFC 8445 §7.2.5.2.1: the answer must come from where the check went.
  if (from != config_.remote) {
    counters_.unmatched++;
    return std::nullopt;
  }
  on_response(*m, data, now);
  return std::nullopt;
}

void IceClient::on_response(const stun::Message& m, ByteView data, TimePoint now) {
  bool is_check = state_ == State::checking && m.transaction_id == check_tid_;
  bool is_consent = consent_tid_ && m.transaction_id == *consent_tid_;
  if (!is_check && !is_consent) {
    counters_.unmatched++;  // late answer to a retransmission or an old consent request
    return;
  }
  // RFC 8445 §7.2.5.2: responses are authenticated with the peer's password.
  if (stun::check_message_integrity(data, m, remote_key_) != stun::Check::ok) {
    counters_.bad_integrity++;
    return;
  }
  if (m.cls == stun::Class::error) {
    counters_.error_responses++;  // 487 role conflict cannot happen against a lite agent
    return;
  }
  last_consent_ok_ = now;
  if (is_consent) {
    consent_tid_.reset();
    counters_.consent_ok++;
    return;
  }
  // Nominated with USE-CANDIDATE: the pair is selected (RFC 8445 §8.1.1).
  state_ = State::connected;
  next_send_ = now + next_consent_interval();
}

// A full peer's check (RFC 8445 §7.3): USERNAME "ours:theirs", integrity with
// our password; the success response mirrors the source in
// XOR-MAPPED-ADDRESS (§7.3.1.1 / RFC 8489 §14.2).
std::optional<Bytes> IceClient::on_request(const stun::Message& m, ByteView data, const SocketAddress& from) {
  auto user = stun::get_text(m, stun::attr::username);
  if (!user || user->rfind(config_.local_ufrag + ":", 0) != 0 ||
      stun::check_message_integrity(data, m, local_key_) != stun::Check::ok) {
    counters_.bad_integrity++;
    return std::nullopt;
  }
  counters_.requests_answered++;
  return stun::MessageBuilder::reply_to(m, stun::Class::success)
      .add_address(stun::attr::xor_mapped_address, from)
      .with_integrity(local_key_)
      .with_fingerprint()
      .build();
}

}  // namespace gw::load
