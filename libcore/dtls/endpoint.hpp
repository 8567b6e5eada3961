// A DTLS-SRTP endpoint (RFC 5764) on OpenSSL, sans-IO: datagrams and `now`
// go in; datagrams to send, events and the next deadline come out.
// DTLS 1.2 only, mutual certificates, the peer's checked against the
// a=fingerprint it announced (RFC 8122 §5, RFC 8827 §6.5).
//
// Timers: OpenSSL's DTLS retransmission timer reads the system clock itself
// (3.0 has no clock hook). The compromise: DTLS_set_timer_cb sets the
// RFC 6347 §4.2.4.1 schedule (initial_retransmit, doubling, capped), the
// deadline we report is `now` + OpenSSL's remaining time, and on_timer()
// asks OpenSSL to retransmit; OpenSSL then does so only when its own clock
// agrees. Everything else (handshake timeout, events) runs on the caller's
// clock. Scenario tests on a fake clock therefore still let real time pass
// for retransmissions (keep initial_retransmit small there).
//
// Thread: one thread at a time (the call's media loop). The Certificate may
// be shared read-only between endpoints and threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "dtls/certificate.hpp"
#include "srtp/keys.hpp"
#include "srtp/profile.hpp"
#include "util/bytes.hpp"
#include "util/clock.hpp"
#include "util/result.hpp"

namespace gw::dtls {

// a=setup values (RFC 4145 §4, RFC 8842 §5): active = DTLS client.
enum class Role : std::uint8_t { active, passive, actpass };
std::string_view role_name(Role r);
Result<Role> parse_role(std::string_view text);
// The role to take given ours and the peer's a=setup (RFC 8842 §5.3):
// actpass facing active -> passive, facing passive -> active, facing actpass
// (we answer) -> active, facing nothing yet -> passive (wait for a
// ClientHello). Two fixed equal roles are an error.
Result<Role> resolve_role(Role local, std::optional<Role> remote);

struct EndpointConfig {
  Role role = Role::passive;  // active or passive (resolve actpass before)
  std::shared_ptr<const Certificate> certificate;
  // Unset: any certificate is accepted (its fingerprint is reported).
  std::optional<Fingerprint> remote_fingerprint;
  std::vector<srtp::Profile> profiles = srtp::default_dtls_profiles();  // preference order
  std::size_t mtu = 1200;
  Duration initial_retransmit = milliseconds(1000);  // RFC 6347 §4.2.4.1
  Duration max_retransmit = milliseconds(8000);
  Duration handshake_timeout = seconds(30);
};

struct HandshakeDone {
  srtp::SrtpKeys keys;           // profile + local/remote master keys per RFC 5764 §4.2
  Fingerprint peer_fingerprint;  // sha-256 of the peer's certificate
  std::string cipher;            // DTLS cipher suite, for logs
};

enum class FailureReason : std::uint8_t {
  fingerprint_mismatch,  // peer certificate does not match remote_fingerprint
  alert,                 // the peer sent a fatal alert
  timeout,               // handshake_timeout elapsed or OpenSSL gave up retransmitting
  no_srtp_profile,       // handshake done without a common SRTP profile
  protocol,              // any other handshake error
};
std::string_view failure_name(FailureReason r);

struct Failure {
  FailureReason reason;
  std::string detail;
};

struct Closed {};  // the peer sent close_notify

using Event = std::variant<HandshakeDone, Failure, Closed>;

enum class State : std::uint8_t { idle, handshaking, connected, failed, closed };

class Endpoint {
 public:
  static Result<std::unique_ptr<Endpoint>> create(EndpointConfig config);
  ~Endpoint();
  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;

  // Before start() only: actpass resolution and late SDP answers.
  Status set_role(Role role);
  void set_remote_fingerprint(Fingerprint fp);

  // Begins the handshake: a client sends its ClientHello, both arm the
  // handshake timeout. A passive endpoint also starts on its first datagram.
  void start(TimePoint now);
  // One received DTLS datagram (RFC 7983 first byte 20..63).
  void feed(ByteView datagram, TimePoint now);
  // Call when now >= next_deadline().
  void on_timer(TimePoint now);
  [[nodiscard]] std::optional<TimePoint> next_deadline() const;
  // Sends close_notify (once connected) and stops.
  void close();

  // Datagrams to send to the peer, in order; and events, in order.
  std::vector<Bytes> take_outgoing();
  std::vector<Event> take_events();

  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] Role role() const { return config_.role; }
  [[nodiscard]] const EndpointConfig& config() const { return config_; }

 private:
  explicit Endpoint(EndpointConfig config);
  Status init_ssl();
  void drive(TimePoint now);
  void finish_handshake();
  void fail(FailureReason reason, std::string detail);
  void update_deadline(TimePoint now);
  std::string error_detail(const char* what);

  static int verify_trampoline(X509_STORE_CTX* store, void* arg) noexcept;
  static void info_trampoline(const SSL* ssl, int where, int ret) noexcept;
  static unsigned int timer_trampoline(SSL* ssl, unsigned int previous_us) noexcept;

  struct Impl;
  std::unique_ptr<Impl> impl_;
  EndpointConfig config_;
  State state_ = State::idle;
  std::optional<TimePoint> retransmit_at_;
  std::optional<TimePoint> handshake_deadline_;
  std::vector<Event> events_;
  bool fingerprint_mismatch_ = false;
  std::string peer_alert_;  // description of a fatal alert received
};

}  // namespace gw::dtls
