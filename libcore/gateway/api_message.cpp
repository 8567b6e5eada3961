#include "gateway/api_message.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace gw::gateway {
namespace {

struct CodeInfo {
  ErrorCode code;
  std::string_view name;
  int status;
};

constexpr std::array<CodeInfo, 26> kCodes{{
    {ErrorCode::bad_json, "bad-json", 400},
    {ErrorCode::too_large, "too-large", 413},
    {ErrorCode::bad_request, "bad-request", 400},
    {ErrorCode::unknown_type, "unknown-type", 400},
    {ErrorCode::missing_field, "missing-field", 400},
    {ErrorCode::unknown_field, "unknown-field", 400},
    {ErrorCode::bad_field, "bad-field", 400},
    {ErrorCode::bad_dn, "bad-dn", 400},
    {ErrorCode::bad_digits, "bad-digits", 400},
    {ErrorCode::bad_call_id, "bad-call-id", 400},
    {ErrorCode::bad_target, "bad-target", 400},
    {ErrorCode::bad_sdp, "bad-sdp", 400},
    {ErrorCode::bad_candidate, "bad-candidate", 400},
    {ErrorCode::unsupported_version, "unsupported-version", 400},
    {ErrorCode::not_signed_in, "not-signed-in", 403},
    {ErrorCode::already_signed_in, "already-signed-in", 409},
    {ErrorCode::auth_failed, "auth-failed", 401},
    {ErrorCode::dn_in_use, "dn-in-use", 409},
    {ErrorCode::no_such_call, "no-such-call", 404},
    {ErrorCode::bad_state, "bad-state", 409},
    {ErrorCode::target_not_found, "target-not-found", 404},
    {ErrorCode::rate_limited, "rate-limited", 429},
    {ErrorCode::overloaded, "overloaded", 503},
    {ErrorCode::call_failed, "call-failed", 409},
    {ErrorCode::shutting_down, "shutting-down", 503},
    {ErrorCode::internal, "internal", 500},
}};

const CodeInfo& info(ErrorCode c) {
  auto it = std::find_if(kCodes.begin(), kCodes.end(), [c](const CodeInfo& i) { return i.code == c; });
  return it != kCodes.end() ? *it : kCodes.back();
}

constexpr std::array<std::string_view, 13> kTypes{
    "hello", "signin", "signout", "call", "answer", "reject", "hangup",
    "hold", "resume", "dtmf", "ice-candidate", "stats", "ping"};
static_assert(kTypes.size() == std::variant_size_v<Request>);

}  // namespace

std::string_view to_string(ErrorCode c) { return info(c).name; }
int http_status(ErrorCode c) { return info(c).status; }

std::optional<ErrorCode> error_code_from_string(std::string_view s) {
  for (const auto& i : kCodes) {
    if (i.name == s) return i.code;
  }
  return std::nullopt;
}

Error make_api_error(ErrorCode c, std::string message) {
  return Error{std::string(to_string(c)), std::move(message)};
}

std::string_view to_string(RejectReason r) {
  switch (r) {
    case RejectReason::busy: return "busy";
    case RejectReason::rejected: return "rejected";
    case RejectReason::unavailable: return "unavailable";
  }
  return "rejected";
}

std::string_view request_type(const Request& r) { return kTypes[r.index()]; }

Result<int> negotiate_version(const HelloRequest& hello) {
  int best = 0;
  for (int v : hello.versions) {
    if (v >= 1 && v <= kProtocolVersion) best = std::max(best, v);
  }
  if (best == 0) {
    return make_api_error(ErrorCode::unsupported_version,
                          "no common protocol version; this server speaks version " +
                              std::to_string(kProtocolVersion));
  }
  return best;
}

}  // namespace gw::gateway
