// libFuzzer target for libcore/gateway: parse arbitrary bytes as a WebSocket
// frame and as an HTTP call body; for an accepted request, build the
// response or event a gateway would send and require it to parse back as a
// JSON object with the same id. Errors must serialize the same way.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include <boost/json.hpp>

#include "gateway/api_events.hpp"
#include "gateway/api_http.hpp"
#include "gateway/api_message.hpp"

namespace {

namespace json = boost::json;
using namespace gw::gateway;

void check(bool ok) {
  if (!ok) std::abort();
}

json::object reparse(const std::string& text) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  check(!ec && v.is_object());
  return v.get_object();
}

// The frame a gateway would answer a request with (request-specific fields).
struct ReplyBuilder {
  const RequestId& id;
  std::string operator()(const HelloRequest& h) const {
    HelloReply reply;
    reply.version = negotiate_version(h).value_or(1);
    reply.ice_servers.push_back(turn_server({"turn:t:3478"}, h.client, "1001", 1700000000, 60));
    return hello_response(id, reply);
  }
  std::string operator()(const SigninRequest& s) const { return signin_response(id, s.dn); }
  std::string operator()(const CallRequest& c) const {
    check(parse_http_call(json::serialize(json::object{{"target", c.target.value}, {"sdp", c.sdp}})).ok());
    return call_response(id, "c-1");
  }
  std::string operator()(const DtmfRequest& d) const {
    return serialize_event(DtmfEvent{d.call_id, d.digits, d.duration_ms});
  }
  std::string operator()(const IceCandidateRequest& c) const {
    return serialize_event(IceCandidateEvent{c.call_id, c.candidate, c.mid});
  }
  std::string operator()(const StatsRequest& s) const { return stats_response(id, s.call_id, {}); }
  std::string operator()(const AnswerRequest& a) const { return serialize_event(AnsweredEvent{a.call_id, a.sdp}); }
  std::string operator()(const RejectRequest& r) const {
    return serialize_event(EndedEvent{r.call_id, EndReason::rejected, std::string(to_string(r.reason)), 603});
  }
  std::string operator()(const PingRequest&) const { return ping_response(id, 1); }
  std::string operator()(const auto&) const { return ok_response(id); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto http = parse_http_call(text);
  if (!http) check(!http_error_body(http.error()).empty());

  ParsedFrame frame = parse_request(text);
  if (!frame.request) {
    json::object err = reparse(error_response(frame.id, frame.request.error()));
    check(err.at("error").as_object().at("code").as_string() == frame.request.error().code);
    return 0;
  }
  check(frame.id.has_value());
  check(!request_type(*frame.request).empty());
  json::object ok = reparse(ok_response(*frame.id));
  check(ok.at("id") == id_to_json(*frame.id));
  std::string reply = std::visit(ReplyBuilder{*frame.id}, *frame.request);
  json::object back = reparse(reply);
  if (back.contains("id")) check(back.at("id") == id_to_json(*frame.id));
  // Parsing is deterministic.
  ParsedFrame again = parse_request(text);
  check(again.request.ok() && again.request.value() == frame.request.value());
  return 0;
}
