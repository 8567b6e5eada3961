// parse_request: one text frame -> typed request (docs/API.md "Requests").
#include <array>
#include <exception>
#include <initializer_list>
#include <limits>
#include <utility>

#include <boost/json.hpp>

#include "gateway/api_fields.hpp"
#include "gateway/api_http.hpp"
#include "gateway/api_message.hpp"
#include "gateway/api_validate.hpp"

namespace gw::gateway {
namespace {

namespace json = boost::json;
using detail::Fields;
using detail::quoted;

constexpr std::uint64_t kMaxIntegerId = (std::uint64_t{1} << 53) - 1;

using Parser = Result<Request> (*)(const Fields&);

Result<Request> parse_hello(const Fields& f) {
  if (auto st = f.only({"versions", "client"}); !st) return st.error();
  HelloRequest h;
  if (const json::value* v = f.raw("versions")) {
    const json::array* a = v->if_array();
    if (a == nullptr || a->empty() || a->size() > 16) {
      return make_api_error(ErrorCode::bad_field, "\"versions\" must be an array of 1..16 integers");
    }
    h.versions.clear();
    for (const json::value& e : *a) {
      if (!e.is_int64() || e.get_int64() < 1 || e.get_int64() > 1000) {
        return make_api_error(ErrorCode::bad_field, "\"versions\" must hold integers in 1..1000");
      }
      h.versions.push_back(static_cast<int>(e.get_int64()));
    }
  }
  auto client = f.opt_string("client", 128);
  if (!client) return client.error();
  h.client = client->value_or("");
  return Request{std::move(h)};
}

Result<Request> parse_signin(const Fields& f) {
  if (auto st = f.only({"dn", "token", "password"}); !st) return st.error();
  auto dn = f.string("dn", 1024);
  if (!dn) return dn.error();
  if (auto st = check_dn(*dn); !st) return st.error();
  auto token = f.opt_string("token", 4096);
  if (!token) return token.error();
  auto password = f.opt_string("password", 1024);
  if (!password) return password.error();
  if (token->has_value() && password->has_value()) {
    return make_api_error(ErrorCode::bad_request, "give either \"token\" or \"password\", not both");
  }
  return Request{SigninRequest{std::move(*dn), std::move(*token), std::move(*password)}};
}

Result<Request> parse_signout(const Fields& f) {
  if (auto st = f.only({}); !st) return st.error();
  return Request{SignoutRequest{}};
}

Result<Request> parse_ping(const Fields& f) {
  if (auto st = f.only({}); !st) return st.error();
  return Request{PingRequest{}};
}

Result<Request> parse_call(const Fields& f) {
  if (auto st = f.only({"target", "sdp", "trickle"}); !st) return st.error();
  auto text = f.string("target", 1024);
  if (!text) return text.error();
  auto target = parse_target(*text);
  if (!target) return target.error();
  auto sdp = f.sdp();
  if (!sdp) return sdp.error();
  auto trickle = f.opt_bool("trickle");
  if (!trickle) return trickle.error();
  return Request{CallRequest{std::move(*target), std::move(*sdp), trickle->value_or(false)}};
}

Result<Request> parse_answer(const Fields& f) {
  if (auto st = f.only({"call_id", "sdp"}); !st) return st.error();
  auto id = f.call_id();
  if (!id) return id.error();
  auto sdp = f.sdp();
  if (!sdp) return sdp.error();
  return Request{AnswerRequest{std::move(*id), std::move(*sdp)}};
}

Result<Request> parse_reject(const Fields& f) {
  if (auto st = f.only({"call_id", "reason"}); !st) return st.error();
  auto id = f.call_id();
  if (!id) return id.error();
  auto reason = f.opt_string("reason", 64);
  if (!reason) return reason.error();
  RejectRequest r{std::move(*id), RejectReason::rejected};
  if (reason->has_value()) {
    const std::string& s = **reason;
    if (s == "busy") r.reason = RejectReason::busy;
    else if (s == "unavailable") r.reason = RejectReason::unavailable;
    else if (s != "rejected") {
      return make_api_error(ErrorCode::bad_field, "\"reason\" must be \"busy\", \"rejected\" or \"unavailable\"");
    }
  }
  return Request{std::move(r)};
}

// hangup, hold, resume and stats carry only a call_id.
template <class T>
Result<Request> parse_call_only(const Fields& f) {
  if (auto st = f.only({"call_id"}); !st) return st.error();
  auto id = f.call_id();
  if (!id) return id.error();
  return Request{T{std::move(*id)}};
}

Result<Request> parse_dtmf(const Fields& f) {
  if (auto st = f.only({"call_id", "digits", "duration_ms"}); !st) return st.error();
  auto id = f.call_id();
  if (!id) return id.error();
  auto raw = f.string("digits", 1024);
  if (!raw) return raw.error();
  auto digits = normalize_digits(*raw);
  if (!digits) return digits.error();
  auto duration = f.opt_int("duration_ms", 40, 2000);
  if (!duration) return duration.error();
  return Request{DtmfRequest{std::move(*id), std::move(*digits), static_cast<int>(duration->value_or(100))}};
}

Result<Request> parse_ice_candidate(const Fields& f) {
  if (auto st = f.only({"call_id", "candidate", "mid"}); !st) return st.error();
  auto id = f.call_id();
  if (!id) return id.error();
  const json::value* c = f.raw("candidate");
  if (c == nullptr) return make_api_error(ErrorCode::missing_field, "missing field \"candidate\"");
  IceCandidateRequest r{std::move(*id), std::nullopt, ""};
  if (!c->is_null()) {
    const json::string* s = c->if_string();
    if (s == nullptr || s->size() > 1024) {
      return make_api_error(ErrorCode::bad_field, "\"candidate\" must be a string of at most 1024 characters or null");
    }
    if (!s->empty()) {  // "" is how browsers spell end-of-candidates
      auto cand = sdp::parse_candidate(std::string_view(s->data(), s->size()));
      if (!cand) return make_api_error(ErrorCode::bad_candidate, "bad candidate: " + cand.error().message);
      r.candidate = std::move(*cand);
    }
  }
  auto mid = f.opt_string("mid", 32);
  if (!mid) return mid.error();
  r.mid = mid->value_or("");
  return Request{std::move(r)};
}

struct TypeEntry {
  std::string_view type;
  Parser parse;
};

constexpr std::array<TypeEntry, 13> kParsers{{
    {"hello", parse_hello},
    {"signin", parse_signin},
    {"signout", parse_signout},
    {"call", parse_call},
    {"answer", parse_answer},
    {"reject", parse_reject},
    {"hangup", parse_call_only<HangupRequest>},
    {"hold", parse_call_only<HoldRequest>},
    {"resume", parse_call_only<ResumeRequest>},
    {"dtmf", parse_dtmf},
    {"ice-candidate", parse_ice_candidate},
    {"stats", parse_call_only<StatsRequest>},
    {"ping", parse_ping},
}};

// "id": integer 0..2^53-1 or string 1..64 characters.
Result<RequestId> parse_id(const json::object& o) {
  const json::value* v = o.if_contains("id");
  if (v == nullptr) return make_api_error(ErrorCode::missing_field, "missing field \"id\"");
  if (v->is_int64() && v->get_int64() >= 0 && static_cast<std::uint64_t>(v->get_int64()) <= kMaxIntegerId) {
    return RequestId{static_cast<std::uint64_t>(v->get_int64())};
  }
  if (v->is_uint64() && v->get_uint64() <= kMaxIntegerId) return RequestId{v->get_uint64()};
  const json::string* s = v->if_string();
  if (s != nullptr && !s->empty() && s->size() <= 64) return RequestId{std::string(*s)};
  return make_api_error(ErrorCode::bad_field,
                        "\"id\" must be an integer in 0..2^53-1 or a string of 1..64 characters");
}

Result<Request> parse_body(const json::object& o, const Limits& limits) {
  const json::value* t = o.if_contains("type");
  if (t == nullptr) return make_api_error(ErrorCode::missing_field, "missing field \"type\"");
  const json::string* type = t->if_string();
  if (type == nullptr) return make_api_error(ErrorCode::bad_field, "\"type\" must be a string");
  for (const auto& e : kParsers) {
    if (e.type == std::string_view(*type)) return e.parse(Fields(o, limits, true));
  }
  std::string shown(type->subview().substr(0, 64));
  return make_api_error(ErrorCode::unknown_type, "unknown request type " + quoted(shown));
}

// Size limit, then non-throwing parse with a depth limit; must be an object.
Result<json::value> parse_object(std::string_view text, const Limits& limits, std::string_view what) {
  if (text.size() > limits.max_frame_bytes) {
    return make_api_error(ErrorCode::too_large, std::string(what) + " is " + std::to_string(text.size()) +
                                                    " bytes, the limit is " + std::to_string(limits.max_frame_bytes));
  }
  json::parse_options opt;
  opt.max_depth = limits.max_json_depth;
  json::error_code ec;
  json::value v = json::parse(text, ec, json::storage_ptr(), opt);
  if (ec) return make_api_error(ErrorCode::bad_json, std::string(what) + " is not valid JSON: " + ec.message());
  if (!v.is_object()) return make_api_error(ErrorCode::bad_request, std::string(what) + " must be a JSON object");
  return v;
}

ParsedFrame parse_checked(std::string_view frame, const Limits& limits) {
  auto v = parse_object(frame, limits, "frame");
  if (!v) return {std::nullopt, v.error()};
  const json::object& o = v->get_object();
  auto id = parse_id(o);
  if (!id) return {std::nullopt, id.error()};
  return {std::move(*id), parse_body(o, limits)};
}

Result<HttpCallRequest> parse_http_checked(std::string_view body, const Limits& limits) {
  auto v = parse_object(body, limits, "body");
  if (!v) return v.error();
  Fields f(v->get_object(), limits, false);
  if (auto st = f.only({"target", "sdp"}); !st) return st.error();
  auto text = f.string("target", 1024);
  if (!text) return text.error();
  auto target = parse_target(*text);
  if (!target) return target.error();
  auto sdp = f.sdp();
  if (!sdp) return sdp.error();
  return HttpCallRequest{std::move(*target), std::move(*sdp)};
}

}  // namespace

ParsedFrame parse_request(std::string_view frame, const Limits& limits) {
  try {
    return parse_checked(frame, limits);
  } catch (const std::exception& e) {  // bad_alloc and the like: never across the API
    return {std::nullopt, make_api_error(ErrorCode::internal, std::string("parser failure: ") + e.what())};
  }
}

}  // namespace gw::gateway

namespace gw::gateway {

Result<HttpCallRequest> parse_http_call(std::string_view body, const Limits& limits) {
  try {
    return parse_http_checked(body, limits);
  } catch (const std::exception& e) {
    return make_api_error(ErrorCode::internal, std::string("parser failure: ") + e.what());
  }
}

}  // namespace gw::gateway
