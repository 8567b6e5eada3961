#include "gateway/api_http.hpp"

#include <boost/json.hpp>

#include "gateway/api_validate.hpp"

namespace gw::gateway {
namespace {

constexpr std::string_view kCalls = "/api/v1/calls";

}  // namespace

HttpRoute route_http(std::string_view method, std::string_view path) {
  path = path.substr(0, path.find('?'));
  HttpRoute r;
  if (path == kCalls) {
    r.kind = method == "POST" ? HttpRoute::Kind::create_call : HttpRoute::Kind::method_not_allowed;
    if (r.kind == HttpRoute::Kind::method_not_allowed) r.allow = "POST";
    return r;
  }
  if (path.size() > kCalls.size() + 1 && path.substr(0, kCalls.size()) == kCalls &&
      path[kCalls.size()] == '/') {
    std::string_view id = path.substr(kCalls.size() + 1);
    if (!check_call_id(id)) return r;  // not_found
    if (method != "DELETE") {
      r.kind = HttpRoute::Kind::method_not_allowed;
      r.allow = "DELETE";
      return r;
    }
    r.kind = HttpRoute::Kind::delete_call;
    r.call_id = std::string(id);
  }
  return r;
}

std::string http_call_created(std::string_view call_id, std::string_view sdp) {
  boost::json::object o;
  o["call_id"] = call_id;
  o["sdp"] = sdp;
  return boost::json::serialize(o);
}

std::string http_error_body(const Error& e) {
  boost::json::object err;
  err["code"] = e.code;
  err["message"] = e.message;
  boost::json::object o;
  o["error"] = std::move(err);
  return boost::json::serialize(o);
}

std::string http_call_failed_body(std::string_view reason, std::string_view message) {
  boost::json::object err;
  err["code"] = to_string(ErrorCode::call_failed);
  err["message"] = message;
  err["reason"] = reason;
  boost::json::object o;
  o["error"] = std::move(err);
  return boost::json::serialize(o);
}

int http_status_for(const Error& e) {
  auto c = error_code_from_string(e.code);
  return c ? http_status(*c) : 500;
}

}  // namespace gw::gateway
