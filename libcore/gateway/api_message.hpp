// Browser signaling protocol (docs/API.md), sans-IO: one WebSocket text
// frame in, one typed request out, with strict validation and clear errors.
// Thread: any (pure functions, no shared state).
//
// Usage:
//   auto frame = gw::gateway::parse_request(text);
//   if (!frame.request) send(gw::gateway::error_response(frame.id, frame.request.error()));
//   else std::visit(handler, *frame.request);   // frame.id is set when ok
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sdp/candidate.hpp"
#include "util/result.hpp"

namespace gw::gateway {

// Protocol versions this build speaks (hello negotiates the highest common).
inline constexpr int kProtocolVersion = 1;

// Size limits applied by the parser (docs/API.md "Limits").
struct Limits {
  std::size_t max_frame_bytes = 64 * 1024;
  std::size_t max_sdp_bytes = 32 * 1024;
  std::size_t max_json_depth = 8;
};

// Error codes on the wire ("error":{"code":...}); each has an HTTP status.
enum class ErrorCode : std::uint8_t {
  bad_json, too_large, bad_request, unknown_type, missing_field, unknown_field,
  bad_field, bad_dn, bad_digits, bad_call_id, bad_target, bad_sdp, bad_candidate,
  unsupported_version,
  // Produced by the gateway, not by the parser:
  not_signed_in, already_signed_in, auth_failed, dn_in_use, no_such_call,
  bad_state, target_not_found, rate_limited, overloaded, call_failed, shutting_down,
  internal,
};
std::string_view to_string(ErrorCode c);
int http_status(ErrorCode c);
// The code for a wire string; nullopt for an unknown one.
std::optional<ErrorCode> error_code_from_string(std::string_view s);
Error make_api_error(ErrorCode c, std::string message);

// "id": a non-negative integer (<= 2^53-1) or a string of 1..64 characters.
using RequestId = std::variant<std::uint64_t, std::string>;

// Call targets: built-in echo/tone, a signed-in DN, or a SIP URI.
struct Target {
  enum class Kind : std::uint8_t { echo, tone, dn, sip_uri };
  Kind kind = Kind::echo;
  std::string value;  // "echo", "tone", the DN or the URI as given
  friend bool operator==(const Target&, const Target&) = default;
};

enum class RejectReason : std::uint8_t { busy, rejected, unavailable };
std::string_view to_string(RejectReason r);

struct HelloRequest {
  std::vector<int> versions{kProtocolVersion};  // client's versions
  std::string client;                            // e.g. "webrtc-gw.js/1.0"
  friend bool operator==(const HelloRequest&, const HelloRequest&) = default;
};
struct SigninRequest {
  std::string dn;
  std::optional<std::string> token;
  std::optional<std::string> password;
  friend bool operator==(const SigninRequest&, const SigninRequest&) = default;
};
struct SignoutRequest {
  friend bool operator==(const SignoutRequest&, const SignoutRequest&) = default;
};
struct CallRequest {
  Target target;
  std::string sdp;       // the browser's offer
  bool trickle = false;  // more candidates follow in ice-candidate requests
  friend bool operator==(const CallRequest&, const CallRequest&) = default;
};
struct AnswerRequest {
  std::string call_id;
  std::string sdp;  // the browser's answer to incoming-call's offer
  friend bool operator==(const AnswerRequest&, const AnswerRequest&) = default;
};
struct RejectRequest {
  std::string call_id;
  RejectReason reason = RejectReason::rejected;
  friend bool operator==(const RejectRequest&, const RejectRequest&) = default;
};
struct HangupRequest {
  std::string call_id;
  friend bool operator==(const HangupRequest&, const HangupRequest&) = default;
};
struct HoldRequest {
  std::string call_id;
  friend bool operator==(const HoldRequest&, const HoldRequest&) = default;
};
struct ResumeRequest {
  std::string call_id;
  friend bool operator==(const ResumeRequest&, const ResumeRequest&) = default;
};
struct DtmfRequest {
  std::string call_id;
  std::string digits;     // 1..32 of 0-9 * # A-D (a-d are upper-cased)
  int duration_ms = 100;  // per digit, 40..2000
  friend bool operator==(const DtmfRequest&, const DtmfRequest&) = default;
};
struct IceCandidateRequest {
  std::string call_id;
  std::optional<sdp::Candidate> candidate;  // nullopt: end-of-candidates
  std::string mid;                          // may be empty
  friend bool operator==(const IceCandidateRequest&, const IceCandidateRequest&) = default;
};
struct StatsRequest {
  std::string call_id;
  friend bool operator==(const StatsRequest&, const StatsRequest&) = default;
};
struct PingRequest {
  friend bool operator==(const PingRequest&, const PingRequest&) = default;
};

using Request = std::variant<HelloRequest, SigninRequest, SignoutRequest, CallRequest,
                             AnswerRequest, RejectRequest, HangupRequest, HoldRequest,
                             ResumeRequest, DtmfRequest, IceCandidateRequest, StatsRequest,
                             PingRequest>;

// The "type" string of a request ("hello", "ice-candidate", ...).
std::string_view request_type(const Request& r);

// A parsed frame. `id` is set whenever the frame carried a valid id, even
// when the request itself is rejected, so that the error can echo it.
struct ParsedFrame {
  std::optional<RequestId> id;
  Result<Request> request;
};

// Never throws. Errors carry one of the parser's ErrorCodes as their code.
ParsedFrame parse_request(std::string_view frame, const Limits& limits = {});

// The highest version both sides speak; unsupported_version when none.
Result<int> negotiate_version(const HelloRequest& hello);

}  // namespace gw::gateway
