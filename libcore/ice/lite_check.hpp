// ICE-lite connectivity-check responder (RFC 8445 §2.5, §7.3), sans-IO: a
// Binding request in, the response to send and what it means out. The
// gateway is the lite, controlled side; the browser (full agent) checks and
// nominates. Consent freshness (RFC 7675) rides on the same requests.
// Thread: any (pure functions).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "stun/message.hpp"
#include "util/bytes.hpp"
#include "util/socket_address.hpp"

namespace gw::ice {

// The local ufrag a check is addressed to: USERNAME is "LFRAG:RFRAG"
// (RFC 8445 §7.2.2). nullopt when the request has no such USERNAME.
std::optional<std::string_view> check_local_ufrag(const stun::Message& request);

struct LiteCredentials {
  std::string local_ufrag, local_pwd;
  std::string remote_ufrag;  // empty: not checked (trickled later)
};

struct CheckOutcome {
  enum class Kind : std::uint8_t {
    success,         // answered 200; the pair is valid
    bad_request,     // answered 400 (no USERNAME/MESSAGE-INTEGRITY, not a request)
    unauthorized,    // answered 401 (wrong ufrag or integrity)
    role_conflict,   // answered 487: the peer says it is controlled too (RFC 8445 §7.3.1.1)
    drop,            // nothing sent (bad FINGERPRINT, not a Binding request)
  };
  Kind kind = Kind::drop;
  Bytes response;             // empty for drop
  bool use_candidate = false; // RFC 8445 §7.3.1.5: the controlling side nominates this pair
};

// `packet` is the datagram and `request` its decode(). `from` goes into
// XOR-MAPPED-ADDRESS of the success response.
CheckOutcome answer_check(ByteView packet, const stun::Message& request, const LiteCredentials& creds,
                          const SocketAddress& from, std::string_view software = "webrtc-gw");

}  // namespace gw::ice
