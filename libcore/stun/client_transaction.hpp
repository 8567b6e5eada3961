// A STUN client transaction (RFC 8489 §6.2), sans-IO: it builds the request,
// says when to retransmit, matches responses by transaction id, verifies
// them, and handles the long-term credential challenge (§9.2).
//
// Driving it from a socket loop:
//   ClientTransaction t(spec, config);
//   send(t.start(now));
//   loop: wait for a datagram or until *t.next_deadline();
//     datagram: auto r = t.on_response(bytes, now); if (r.send) send(*r.send);
//     deadline: auto a = t.on_timer(now);            if (a.send) send(*a.send);
//   until t.done(); then look at t.state(), t.response(), t.rtt().
// Thread: any thread, one instance per thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "stun/attributes.hpp"
#include "stun/integrity.hpp"
#include "stun/message.hpp"
#include "util/clock.hpp"

namespace gw::stun {

struct TransactionConfig {
  bool reliable = false;                   // TCP/TLS: one send, Ti timeout (§6.2.2)
  Duration rto = milliseconds(500);        // initial RTO (§6.2.1)
  int max_requests = 7;                    // Rc
  int last_wait_factor = 16;               // Rm: wait Rm*RTO after the last send
  Duration reliable_timeout = milliseconds(39500);  // Ti
  std::optional<Duration> overall_timeout; // caps the whole transaction when set
};

struct Credentials {
  enum class Kind { short_term, long_term };
  Kind kind = Kind::short_term;
  std::string username;
  std::string password;  // used as given: no SASLprep (see integrity.hpp)
  bool short_term_sha256 = false;  // MESSAGE-INTEGRITY-SHA256 for short-term
};

struct RequestSpec {
  Method method = Method::binding;
  std::vector<Attribute> attributes;  // CHANGE-REQUEST, PADDING, SOFTWARE, ...
  bool fingerprint = true;
  // Drop answers whose FINGERPRINT is wrong. NAT discovery turns this off:
  // an ALG rewriting addresses breaks the CRC, which is itself a finding.
  bool strict_fingerprint = true;
  std::optional<Credentials> credentials;
  std::optional<TransactionId> transaction_id;  // random when unset
};

class ClientTransaction {
 public:
  enum class State { idle, running, succeeded, error_response, timed_out, auth_failed };

  struct Action {
    std::optional<Bytes> send;  // bytes to (re)send on the same socket
    bool finished = false;      // the transaction reached a final state
  };

  explicit ClientTransaction(RequestSpec spec, TransactionConfig config = {});

  Bytes start(TimePoint now);  // the first request
  [[nodiscard]] std::optional<TimePoint> next_deadline() const;
  Action on_timer(TimePoint now);
  // True in `accepted` when the packet answered this transaction (right
  // transaction id, valid fingerprint and integrity); others are ignored.
  struct ResponseAction : Action {
    bool accepted = false;
  };
  ResponseAction on_response(ByteView packet, TimePoint now);
  ResponseAction on_response(ByteView packet, const Message& decoded, TimePoint now);

  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] bool done() const { return state_ != State::idle && state_ != State::running; }
  [[nodiscard]] const TransactionId& transaction_id() const { return tid_; }
  [[nodiscard]] const std::optional<Message>& response() const { return response_; }
  [[nodiscard]] const Bytes& response_bytes() const { return response_bytes_; }
  [[nodiscard]] Check response_fingerprint() const { return response_fingerprint_; }
  [[nodiscard]] std::optional<ErrorCode> error() const;
  // From the first send of the answered request to the answer (Karn: not
  // from a retransmission, so it over-estimates when an early copy was lost).
  [[nodiscard]] Duration rtt() const { return rtt_; }
  [[nodiscard]] int transmissions() const { return transmissions_; }
  [[nodiscard]] int auth_attempts() const { return auth_attempts_; }

 private:
  Bytes build_request();
  Bytes begin_attempt(TimePoint now);
  bool handle_challenge(const Message& response);
  bool verify(ByteView packet, const Message& m) const;

  RequestSpec spec_;
  TransactionConfig config_;
  State state_ = State::idle;
  TransactionId tid_{};
  Bytes request_;
  TimePoint started_{};        // whole transaction
  TimePoint attempt_start_{};  // current transaction id
  TimePoint deadline_{};
  Duration interval_{};
  int sends_in_attempt_ = 0;
  int transmissions_ = 0;
  int auth_attempts_ = 0;
  bool stale_retry_used_ = false;
  // Long-term credential state learnt from the 401 (RFC 8489 §9.2.4).
  std::string realm_;
  std::string nonce_;
  std::optional<std::vector<PasswordAlgorithm>> server_algorithms_;
  Bytes key_;
  bool key_sha256_ = false;
  std::optional<Message> response_;
  Bytes response_bytes_;
  Check response_fingerprint_ = Check::absent;
  Duration rtt_{};
};

std::string_view state_name(ClientTransaction::State s);

}  // namespace gw::stun
