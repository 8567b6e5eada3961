// STUN Binding server logic (RFC 8489 §6.3, RFC 5780 §6.1), sans-IO.
//
// With an alternate address the server has four sockets (RFC 5780 §6):
//   primary = IP1:P1, alt_port = IP1:P2, alt_ip = IP2:P1, alt_ip_port = IP2:P2.
// The tool binds sockets() and, per datagram, calls
//   if (auto r = server.handle(bytes, source, arrived_on, now))
//     socket[r->from].send_to(r->bytes, r->to);
//
// Decisions (documented here since the RFCs leave them open):
// - XOR-MAPPED-ADDRESS always; MAPPED-ADDRESS only for RFC 3489 requests
//   (no magic cookie), unless `always_mapped_address` is set (lets clients
//   detect payload-rewriting ALGs, RFC 5780 §4.2 footnote).
// - RFC 3489 requests get MAPPED-ADDRESS, SOURCE-ADDRESS and CHANGED-ADDRESS
//   (their names for RESPONSE-ORIGIN and OTHER-ADDRESS) and no FINGERPRINT.
// - FINGERPRINT when the request had one (`FingerprintPolicy::when_requested`)
//   or on every RFC 5389+ reply (`always`).
// - CHANGE-REQUEST asking for a change without an alternate address: 420
//   with UNKNOWN-ATTRIBUTES (RFC 5780 §6.1); flags both zero are fine.
// - PADDING: the reply is padded up to the request size, never beyond it,
//   so it never amplifies (RFC 5780 §7.6 asks for no more than that).
// - Errors (400, 420) go back to the source from the arrival socket,
//   ignoring CHANGE-REQUEST/RESPONSE-PORT.
// - Requests are not authenticated: USERNAME/MESSAGE-INTEGRITY/ICE
//   attributes are understood and ignored (a plain public STUN server).
// Thread: any thread, one instance per thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "stun/message.hpp"
#include "stun/rate_limiter.hpp"
#include "stun/server_counters.hpp"
#include "util/clock.hpp"
#include "util/socket_address.hpp"

namespace gw::stun {

// Bit 0: port changed, bit 1: IP changed, relative to the primary socket.
enum class LocalSocket : std::uint8_t { primary = 0, alt_port = 1, alt_ip = 2, alt_ip_port = 3 };
std::string_view local_socket_name(LocalSocket s);

enum class FingerprintPolicy { when_requested, always };

struct ServerConfig {
  SocketAddress primary;                   // IP1:P1
  std::optional<SocketAddress> alternate;  // IP2:P2; enables RFC 5780
  std::string software = "webrtc-gw";      // empty: no SOFTWARE
  FingerprintPolicy fingerprint = FingerprintPolicy::when_requested;
  bool answer_rfc3489 = true;
  bool always_mapped_address = false;
  RateLimitConfig rate_limit{};            // off by default
};

struct ServerReply {
  Bytes bytes;
  LocalSocket from = LocalSocket::primary;
  SocketAddress to;
};

class Server {
 public:
  explicit Server(ServerConfig config);

  // Zero or one reply; every packet without a reply is counted in counters().
  std::optional<ServerReply> handle(ByteView packet, const SocketAddress& source,
                                    LocalSocket arrived_on, TimePoint now);

  [[nodiscard]] SocketAddress address_of(LocalSocket s) const;
  [[nodiscard]] std::vector<LocalSocket> sockets() const;  // 1 or 4
  [[nodiscard]] bool has_alternate() const { return config_.alternate.has_value(); }
  [[nodiscard]] const ServerCounters& counters() const { return counters_; }
  [[nodiscard]] const ServerConfig& config() const { return config_; }

 private:
  std::optional<ServerReply> answer(ByteView packet, const Message& request,
                                    const SocketAddress& source, LocalSocket arrived_on);
  ServerReply error_reply(const Message& request, int code, const SocketAddress& source,
                          LocalSocket arrived_on, const std::vector<std::uint16_t>& unknown = {});
  ServerReply count(ServerReply reply);

  ServerConfig config_;
  RateLimiter limiter_;
  ServerCounters counters_;
};

}  // namespace gw::stun
