// A SIP user agent on sofia-sip's nua, joined to a GLib main context
// (su_glib_root_create). It owns the SIP transport(s), one optional
// registration, and the calls (sip/call.hpp).
//
// Thread: everything here runs on the GlibThread given to create(): call
// create() and every method from that thread (GlibThread::post/run_sync),
// and callbacks run there too. No sofia-sip or GLib type appears here.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "sip/call.hpp"
#include "sip/glib_thread.hpp"
#include "sip/tls_log.hpp"
#include "util/result.hpp"

namespace gw::sip {

struct Credentials {
  std::string user;      // digest user name (defaults to the AOR's user part)
  std::string password;
  std::string realm;     // only answer challenges for this realm (empty: any)
};

// Who places one call when it is not the UA's own AOR (a gateway calling on
// behalf of a signed-in agent): its From and the credentials for challenges.
struct CallIdentity {
  std::string from;  // sip:2001@example.net
  Credentials credentials;
};

// The address plan (design brief §6): where to bind, what to advertise.
struct UaConfig {
  std::string bind_host = "0.0.0.0";
  std::uint16_t bind_port = 5060;
  std::string transport = "udp";  // udp, tcp, tls, or "" for udp+tcp
  std::string advertise;       // host put in Via/Contact instead of the bind address
  std::string contact;         // explicit Contact URI (overrides the generated one)
  std::string outbound_proxy;  // every request goes here first (RFC 3261 §8.1.2)
  std::string from;            // our AOR: sip:user@domain
  std::string display_name;
  Credentials credentials;
  std::string user_agent = "sip-leg";
  unsigned session_expires = 0;  // RFC 4028: ask for this; 0 = only honour the peer's
  unsigned min_se = 90;
  unsigned max_redirects = 5;    // 3xx hops a call follows
  // TLS (RFC 3261 §26.2.1, RFC 5630): sofia-sip's certificate directory
  // (agent.pem: our certificate and key, needed to accept TLS connections;
  // cafile.pem: the CAs we trust), and whether to verify the server's
  // certificate on outgoing connections: its chain against cafile.pem and
  // that it names the host we connect to (subjectAltName DNS/URI or CN,
  // RFC 5922 §7.2). Default: not verified.
  std::string tls_dir;
  bool tls_verify = false;
};

// The sofia-sip bind URL for `c`: sip:HOST:PORT;transport=T, with
// maddr=BIND when an advertised host differs (Via/Contact carry the host part).
std::string make_bind_url(const UaConfig& c);

struct RegisterOptions {
  std::string registrar;    // sip:registrar[:port][;transport=tcp]
  unsigned expires = 3600;  // asked; the server's grant is reported
  unsigned retry_s = 30;    // longest wait between attempts after a failure (0: give up)
};

// Whom one registration binds. A user agent may hold many (a gateway
// registers every signed-in DN on its one SIP socket).
struct RegistrationIdentity {
  std::string aor;        // sip:user@domain (To and From)
  std::string contact;    // Contact URI; empty: the stack's own
  Credentials credentials;
};
using RegistrationId = std::uint64_t;

// lost: a refresh failed, so the registrar may have dropped our binding; we
// keep trying with backoff until it is back (RFC 3261 §10.2.4).
enum class RegistrationState { registering, registered, failed, unregistered, lost };
std::string_view to_string(RegistrationState s);

struct RegistrationEvent {
  RegistrationState state = RegistrationState::registering;
  int status = 0;
  std::string reason;
  unsigned expires = 0;     // granted, when registered
  bool refresh = false;     // a refresh of an existing binding
  std::string contact;      // the binding as the registrar returned it
  bool final = false;       // failed for good (auth refused): no more retries
  bool recovered = false;   // registered again after `lost`
  unsigned retry_in = 0;    // failed/lost: seconds until the next attempt
};

struct UaCounters {
  std::uint64_t events = 0, unhandled = 0, handler_errors = 0;
  std::uint64_t incoming_calls = 0, rejected_incoming = 0;
};

class UserAgent {
 public:
  struct Callbacks {
    std::function<void(const RegistrationEvent&)> on_registration;
    // A new incoming call. The callee sets the call's media and handler, then
    // rings, answers or rejects it. When unset, incoming calls get 486.
    std::function<void(const std::shared_ptr<Call>&)> on_incoming;
    // With tls_verify: an outgoing TLS connection was dropped because of the
    // server's certificate (sip/tls_log.hpp). The request that needed it is
    // not failed by the stack until its transaction times out.
    std::function<void(const TlsFailure&)> on_tls_failure;
  };

  // On the GLib thread: binds the transport(s). Fails on a bad URL or a port
  // in use.
  static Result<std::unique_ptr<UserAgent>> create(GlibThread& loop, UaConfig config, Callbacks cb);
  ~UserAgent();
  UserAgent(const UserAgent&) = delete;
  UserAgent& operator=(const UserAgent&) = delete;

  Status start_registration(RegisterOptions options);
  void unregister();  // REGISTER with Expires: 0; reports `unregistered`
  [[nodiscard]] bool registered() const;

  // Further registrations, each with its own AOR, Contact and credentials;
  // `on_event` gets that registration's events.
  RegistrationId add_registration(RegistrationIdentity who, RegisterOptions options,
                                  std::function<void(const RegistrationEvent&)> on_event);
  // Unregisters it (Expires: 0) and forgets it once the registrar answered
  // (its last event is `unregistered`).
  void remove_registration(RegistrationId id);
  [[nodiscard]] std::size_t registrations() const;

  // INVITE `target` (a SIP URI) with an offer from `media`; as `who` when
  // given (From and digest credentials), else as the UA's own AOR.
  Result<std::shared_ptr<Call>> call(const std::string& target, std::shared_ptr<MediaNegotiator> media,
                                     Call::Handler handler, std::optional<CallIdentity> who = std::nullopt);

  // Ends calls and the registration, then the stack; `done` runs when the
  // stack has shut down (or after `timeout_ms`).
  void shutdown(std::function<void()> done, unsigned timeout_ms = 3000);

  [[nodiscard]] const UaConfig& config() const;
  [[nodiscard]] UaCounters counters() const;
  [[nodiscard]] std::size_t active_calls() const;

  struct Impl;

 private:
  explicit UserAgent(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace gw::sip
