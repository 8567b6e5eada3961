// A browser's side of ICE against one gateway candidate, sans-IO: we are the
// full, controlling agent (the offerer, RFC 8445 §6.1.1) and the gateway is
// ICE-lite (§2.5), so we check, we nominate (USE-CANDIDATE on every check,
// as against any lite peer) and we keep consent (RFC 7675). A full peer's
// own checks (ice-session in answer.sh) are answered too.
// Thread: one thread at a time (the call's loop).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "stun/message.hpp"
#include "util/bytes.hpp"
#include "util/clock.hpp"
#include "util/socket_address.hpp"

namespace gw::load {

struct IceConfig {
  std::string local_ufrag, local_pwd, remote_ufrag, remote_pwd;
  SocketAddress remote;
  std::uint64_t tie_breaker = 0;
  Duration check_interval = milliseconds(100);
  Duration check_timeout = seconds(5);
  Duration consent_interval = seconds(5);  // RFC 7675 §5.1: randomised 0.8..1.2 x this
  Duration consent_timeout = seconds(30);  // RFC 7675 §5.1
};

struct IceCounters {
  std::uint64_t checks_sent = 0;
  std::uint64_t consent_sent = 0, consent_ok = 0, consent_failures = 0;
  std::uint64_t requests_answered = 0;  // the peer's checks (a full peer only)
  std::uint64_t bad_integrity = 0, bad_fingerprint = 0, error_responses = 0, unmatched = 0;
};

class IceClient {
 public:
  enum class State : std::uint8_t { checking, connected, failed };

  explicit IceClient(IceConfig config);

  // A STUN datagram from `from`. Returns a response to send back to `from`
  // when it was a valid request from the peer.
  std::optional<Bytes> on_stun(ByteView data, const SocketAddress& from, TimePoint now);
  // Call often (every tick): a request to send to remote() when one is due.
  std::optional<Bytes> on_tick(TimePoint now);

  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] bool consent_lost() const { return consent_lost_; }
  [[nodiscard]] const SocketAddress& remote() const { return config_.remote; }
  [[nodiscard]] const IceCounters& counters() const { return counters_; }

 private:
  Bytes make_request(const stun::TransactionId& tid, bool nominate) const;
  void on_response(const stun::Message& m, ByteView data, TimePoint now);
  std::optional<Bytes> on_request(const stun::Message& m, ByteView data, const SocketAddress& from);
  Duration next_consent_interval() const;

  IceConfig config_;
  Bytes remote_key_, local_key_;
  State state_ = State::checking;
  std::optional<TimePoint> started_;
  TimePoint next_send_{};
  stun::TransactionId check_tid_{};
  Bytes check_;  // retransmitted as is (RFC 8489 §6.2.1: same transaction id)
  std::optional<stun::TransactionId> consent_tid_;
  TimePoint last_consent_ok_{};
  bool consent_lost_ = false;
  IceCounters counters_;
};

}  // namespace gw::load
