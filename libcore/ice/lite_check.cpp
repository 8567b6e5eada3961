#include "ice/lite_check.hpp"

#include "stun/attributes.hpp"
#include "stun/builder.hpp"
#include "stun/integrity.hpp"

namespace gw::ice {

namespace {

constexpr int kRoleConflict = 487;  // RFC 8445 §7.3.1.1

std::string_view username_of(const stun::Message& m) {
  const auto* u = m.find(stun::attr::username);
  if (u == nullptr) return {};
  return {reinterpret_cast<const char*>(u->value.data()), u->value.size()};
}

Bytes error_reply(const stun::Message& request, int code, std::string_view reason, ByteView key) {
  auto b = stun::MessageBuilder::reply_to(request, stun::Class::error);
  b.add_error(code, reason);
  // RFC 8445 §7.3: 400/401 cannot be authenticated; 487 is (the sender knows our pwd).
  if (!key.empty()) b.with_integrity(key);
  b.with_fingerprint();
  return b.build();
}

}  // namespace

std::optional<std::string_view> check_local_ufrag(const stun::Message& request) {
  std::string_view user = username_of(request);
  auto colon = user.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  return user.substr(0, colon);
}

CheckOutcome answer_check(ByteView packet, const stun::Message& request, const LiteCredentials& creds,
                          const SocketAddress& from, std::string_view software) {
  using Kind = CheckOutcome::Kind;
  CheckOutcome out;
  if (request.method != stun::Method::binding || request.cls != stun::Class::request) return out;
  // RFC 8489 §7.3: a bad FINGERPRINT means this is not STUN for us; drop silently.
  if (stun::check_fingerprint(packet, request) == stun::Check::mismatch) return out;

  // RFC 8445 §7.3 + RFC 8489 §9.1.3: USERNAME and MESSAGE-INTEGRITY are required.
  if (!request.has(stun::attr::username) || !request.has(stun::attr::message_integrity)) {
    out.kind = Kind::bad_request;
    out.response = error_reply(request, stun::error::bad_request, "Bad Request", {});
    return out;
  }
  std::string_view user = username_of(request);
  std::string expected_prefix = creds.local_ufrag + ":";
  bool user_ok = user.substr(0, expected_prefix.size()) == expected_prefix &&
                 (creds.remote_ufrag.empty() || user.substr(expected_prefix.size()) == creds.remote_ufrag);
  Bytes key = stun::short_term_key(creds.local_pwd);
  if (!user_ok || stun::check_message_integrity(packet, request, key) != stun::Check::ok) {
    out.kind = Kind::unauthorized;
    out.response = error_reply(request, stun::error::unauthenticated, "Unauthorized", {});
    return out;
  }
  // A lite agent is always controlled (RFC 8445 §6.1.1); a peer claiming to
  // be controlled as well must switch (§7.3.1.1).
  if (request.has(stun::attr::ice_controlled)) {
    out.kind = Kind::role_conflict;
    out.response = error_reply(request, kRoleConflict, "Role Conflict", key);
    return out;
  }
  auto b = stun::MessageBuilder::reply_to(request, stun::Class::success);
  b.add_address(stun::attr::xor_mapped_address, from);  // RFC 8445 §7.3.1.2
  if (!software.empty()) b.add_text(stun::attr::software, software);
  b.with_integrity(key).with_fingerprint();
  out.kind = Kind::success;
  out.response = b.build();
  out.use_candidate = request.has(stun::attr::use_candidate);
  return out;
}

}  // namespace gw::ice
