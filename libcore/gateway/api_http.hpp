// The plain HTTP one-call endpoint (docs/API.md "HTTP"):
//   POST   /api/v1/calls        {"target","sdp"} -> 201 {"call_id","sdp"}
//   DELETE /api/v1/calls/{id}   -> 204
// Routing, body parsing and bodies, sans-IO.
// Thread: any (pure functions).
#pragma once

#include <string>
#include <string_view>

#include "gateway/api_message.hpp"
#include "util/result.hpp"

namespace gw::gateway {

struct HttpRoute {
  enum class Kind : std::uint8_t { create_call, delete_call, not_found, method_not_allowed };
  Kind kind = Kind::not_found;
  std::string call_id;  // delete_call
  std::string allow;    // method_not_allowed: the Allow header value
};

// `path` may carry a query string, which is ignored.
HttpRoute route_http(std::string_view method, std::string_view path);

struct HttpCallRequest {
  Target target;
  std::string sdp;
  friend bool operator==(const HttpCallRequest&, const HttpCallRequest&) = default;
};

// Body of POST /api/v1/calls; the same checks and error codes as "call".
Result<HttpCallRequest> parse_http_call(std::string_view body, const Limits& limits = {});

// 201 body: {"call_id","sdp"}.
std::string http_call_created(std::string_view call_id, std::string_view sdp);
// Error body {"error":{"code","message"}} and its status (500 for a code
// this protocol does not know).
std::string http_error_body(const Error& e);
int http_status_for(const Error& e);
// 409 body when the far end refused: error code "call-failed" plus
// "reason" (an `ended` reason name, e.g. "busy") and its sentence.
std::string http_call_failed_body(std::string_view reason, std::string_view message);

}  // namespace gw::gateway
