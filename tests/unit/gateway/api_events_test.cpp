#include "gateway/api_events.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "gateway/api_http.hpp"
#include "gateway/turn_credentials.hpp"

namespace gw::gateway {
namespace {

namespace json = boost::json;

json::object parsed(const std::string& text) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  EXPECT_FALSE(ec) << text;
  EXPECT_TRUE(v.is_object()) << text;
  return v.is_object() ? v.get_object() : json::object{};
}

std::string str(const json::object& o, std::string_view k) {
  const json::value* v = o.if_contains(k);
  return (v != nullptr && v->is_string()) ? std::string(v->get_string()) : std::string("<absent>");
}

sdp::Candidate host_candidate() {
  return sdp::parse_candidate("candidate:7 1 udp 2130706431 203.0.113.20 40000 typ host").value();
}

TEST(ApiEvents, EveryEventRoundTrips) {
  CallStats st;
  st.codec = "PCMU/8000";
  const std::vector<Event> events{
      IncomingCallEvent{"c1", "sip:4000@pbx", "Front desk", "v=0\r\n"},
      RingingEvent{"c1"},
      EarlyMediaEvent{"c1", "v=0\r\n"},
      AnsweredEvent{"c1", std::string("v=0\r\n")},
      EndedEvent{"c1", EndReason::busy, "", 486},
      HeldEvent{"c1", HoldOrigin::remote},
      ResumedEvent{"c1", HoldOrigin::local},
      DtmfEvent{"c1", "5#", 160},
      IceCandidateEvent{"c1", host_candidate(), "0"},
      StatsEvent{"c1", st},
      SignedOutEvent{"signed-in-elsewhere", "You signed in on another page."},
  };
  for (const Event& e : events) {
    json::object o = parsed(serialize_event(e));
    EXPECT_EQ(str(o, "type"), "event");
    EXPECT_EQ(str(o, "event"), event_name(e));
    if (!std::holds_alternative<SignedOutEvent>(e)) {
      EXPECT_EQ(str(o, "call_id"), "c1");
    }
    EXPECT_FALSE(o.contains("id"));
  }
}

TEST(ApiEvents, FieldsOfEachEvent) {
  auto in = parsed(serialize_event(IncomingCallEvent{"c9", "1001", "", "v=0\r\ns=-\r\n"}));
  EXPECT_EQ(str(in, "from"), "1001");
  EXPECT_EQ(str(in, "sdp"), "v=0\r\ns=-\r\n");
  EXPECT_FALSE(in.contains("display_name"));
  auto ans = parsed(serialize_event(AnsweredEvent{"c9", std::nullopt}));
  EXPECT_FALSE(ans.contains("sdp"));
  auto held = parsed(serialize_event(HeldEvent{"c9", HoldOrigin::local}));
  EXPECT_EQ(str(held, "by"), "local");
  auto dtmf = parsed(serialize_event(DtmfEvent{"c9", "1", 250}));
  EXPECT_EQ(str(dtmf, "digits"), "1");
  EXPECT_EQ(dtmf.at("duration_ms").as_int64(), 250);
  auto cand = parsed(serialize_event(IceCandidateEvent{"c9", host_candidate(), "0"}));
  auto back = sdp::parse_candidate(str(cand, "candidate"));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, host_candidate());
  EXPECT_EQ(str(cand, "mid"), "0");
  auto eoc = parsed(serialize_event(IceCandidateEvent{"c9", std::nullopt, "0"}));
  EXPECT_TRUE(eoc.at("candidate").is_null());
}

TEST(ApiEvents, EndedReasonsHaveSentences) {
  auto o = parsed(serialize_event(EndedEvent{"c1", EndReason::no_answer, "", std::nullopt}));
  EXPECT_EQ(str(o, "reason"), "no-answer");
  EXPECT_EQ(str(o, "message"), "Nobody answered.");
  EXPECT_FALSE(o.contains("sip_status"));
  auto custom = parsed(serialize_event(EndedEvent{"c1", EndReason::not_found, "2001 is not signed in.", 404}));
  EXPECT_EQ(str(custom, "message"), "2001 is not signed in.");
  EXPECT_EQ(custom.at("sip_status").as_int64(), 404);
  for (int i = 0; i <= static_cast<int>(EndReason::error); ++i) {
    auto r = static_cast<EndReason>(i);
    EXPECT_FALSE(describe(r).empty());
    EXPECT_EQ(end_reason_from_string(to_string(r)), r);
  }
  for (auto name : {"busy", "no-answer", "not-found", "rejected", "peer-gone", "consent-lost", "server-shutdown"}) {
    EXPECT_TRUE(end_reason_from_string(name).has_value()) << name;
  }
}

TEST(ApiEvents, StatsOmitUnknownValues) {
  CallStats s;
  s.codec = "opus/48000/2";
  s.jitter_ms = 2.5;
  s.packets_received = 500;
  s.packets_lost = -1;
  auto o = parsed(serialize_event(StatsEvent{"c1", s}));
  const json::object& st = o.at("stats").as_object();
  EXPECT_EQ(str(st, "codec"), "opus/48000/2");
  EXPECT_FALSE(st.contains("rtt_ms"));
  EXPECT_FALSE(st.contains("audio_level"));
  EXPECT_DOUBLE_EQ(st.at("jitter_ms").as_double(), 2.5);
  EXPECT_EQ(st.at("packets_received").to_number<std::uint64_t>(), 500u);
  EXPECT_EQ(st.at("packets_lost").as_int64(), -1);
  s.rtt_ms = 31.0;
  auto r = parsed(stats_response(RequestId{std::uint64_t{4}}, "c1", s));
  EXPECT_TRUE(r.at("ok").as_bool());
  EXPECT_DOUBLE_EQ(r.at("stats").as_object().at("rtt_ms").as_double(), 31.0);
}

TEST(ApiResponses, OkAndError) {
  auto ok = parsed(call_response(RequestId{std::string("r1")}, "c-77"));
  EXPECT_EQ(str(ok, "id"), "r1");
  EXPECT_TRUE(ok.at("ok").as_bool());
  EXPECT_EQ(str(ok, "call_id"), "c-77");
  auto err = parsed(error_response(RequestId{std::uint64_t{12}}, make_api_error(ErrorCode::no_such_call, "no call c-9")));
  EXPECT_EQ(err.at("id").to_number<std::uint64_t>(), 12u);
  EXPECT_FALSE(err.at("ok").as_bool());
  EXPECT_EQ(str(err.at("error").as_object(), "code"), "no-such-call");
  EXPECT_EQ(str(err.at("error").as_object(), "message"), "no call c-9");
  auto anon = parsed(error_response(std::nullopt, make_api_error(ErrorCode::bad_json, "x")));
  EXPECT_TRUE(anon.at("id").is_null());
  auto in = parsed(signin_response(RequestId{std::uint64_t{1}}, "1001"));
  EXPECT_EQ(str(in, "dn"), "1001");
  auto pong = parsed(ping_response(RequestId{std::uint64_t{1}}, 1700000000123));
  EXPECT_EQ(pong.at("now_ms").to_number<std::uint64_t>(), 1700000000123u);
}

TEST(ApiResponses, ErrorEchoesParsedId) {
  auto p = parse_request(R"({"id":"q","type":"dtmf","call_id":"c","digits":"x"})");
  ASSERT_FALSE(p.request.ok());
  auto o = parsed(error_response(p.id, p.request.error()));
  EXPECT_EQ(str(o, "id"), "q");
  EXPECT_EQ(str(o.at("error").as_object(), "code"), "bad-digits");
}

TEST(ApiResponses, HelloCarriesIceServersAndLimits) {
  HelloReply reply;
  reply.session_id = "s1";
  reply.ice_servers.push_back(IceServer{{"stun:stun.example.net:3478"}, std::nullopt, std::nullopt});
  reply.ice_servers.push_back(turn_server({"turn:turn.example.net:3478?transport=udp"}, "north-secret", "1001",
                                          1700000000, 86400));
  auto o = parsed(hello_response(RequestId{std::uint64_t{1}}, reply));
  EXPECT_EQ(o.at("version").as_int64(), 1);
  EXPECT_EQ(str(o, "session_id"), "s1");
  const json::array& servers = o.at("iceServers").as_array();
  ASSERT_EQ(servers.size(), 2u);
  EXPECT_FALSE(servers[0].as_object().contains("username"));
  EXPECT_EQ(servers[0].as_object().at("urls").as_array()[0].as_string(), "stun:stun.example.net:3478");
  EXPECT_EQ(str(servers[1].as_object(), "username"), "1700086400:1001");
  EXPECT_EQ(str(servers[1].as_object(), "credential"), "k73YzrLjwc3QolJJFbHtdF5mlCs=");
  EXPECT_EQ(o.at("limits").as_object().at("max_frame_bytes").to_number<std::uint64_t>(), 65536u);
  EXPECT_EQ(o.at("limits").as_object().at("max_sdp_bytes").to_number<std::uint64_t>(), 32768u);
}

// Vectors computed by hand with:
//   printf '%s' '1700086400:1001' | openssl dgst -sha1 -hmac 'north-secret' -binary | base64
TEST(ApiTurn, CredentialsMatchOpensslVectors) {
  auto c = turn_credentials("north-secret", "1001", 1700000000, 86400);
  EXPECT_EQ(c.username, "1700086400:1001");
  EXPECT_EQ(c.credential, "k73YzrLjwc3QolJJFbHtdF5mlCs=");
  EXPECT_EQ(c.expires_unix, 1700086400);
  auto d = turn_credentials("coturn-shared", "agent-7", 1700000000, 3600);
  EXPECT_EQ(d.username, "1700003600:agent-7");
  EXPECT_EQ(d.credential, "+ir/RUzUwsjSE/vVH24hD5UVqSs=");
  auto empty = turn_credentials("", "1001", 0, 1);
  EXPECT_EQ(empty.credential.size(), 28u);  // 20-byte MAC in base64
}

TEST(ApiHttp, Routes) {
  EXPECT_EQ(route_http("POST", "/api/v1/calls").kind, HttpRoute::Kind::create_call);
  EXPECT_EQ(route_http("POST", "/api/v1/calls?x=1").kind, HttpRoute::Kind::create_call);
  auto get = route_http("GET", "/api/v1/calls");
  EXPECT_EQ(get.kind, HttpRoute::Kind::method_not_allowed);
  EXPECT_EQ(get.allow, "POST");
  auto del = route_http("DELETE", "/api/v1/calls/c-12");
  EXPECT_EQ(del.kind, HttpRoute::Kind::delete_call);
  EXPECT_EQ(del.call_id, "c-12");
  EXPECT_EQ(route_http("PUT", "/api/v1/calls/c-12").allow, "DELETE");
  EXPECT_EQ(route_http("DELETE", "/api/v1/calls/a/b").kind, HttpRoute::Kind::not_found);
  EXPECT_EQ(route_http("DELETE", "/api/v1/calls/").kind, HttpRoute::Kind::not_found);
  EXPECT_EQ(route_http("GET", "/").kind, HttpRoute::Kind::not_found);
}

TEST(ApiHttp, CallBodyAndReplies) {
  auto ok = parse_http_call(R"({"target":"echo","sdp":"v=0\r\n"})");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->target.kind, Target::Kind::echo);
  EXPECT_EQ(ok->sdp, "v=0\r\n");
  auto with_id = parse_http_call(R"({"id":1,"target":"echo","sdp":"v=0\r\n"})");
  ASSERT_FALSE(with_id.ok());
  EXPECT_EQ(with_id.error().code, "unknown-field");
  auto bad = parse_http_call("{nope");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(http_status_for(bad.error()), 400);
  auto body = parsed(http_error_body(bad.error()));
  EXPECT_EQ(str(body.at("error").as_object(), "code"), "bad-json");
  auto big = parse_http_call(std::string(70000, ' '));
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(http_status_for(big.error()), 413);
  EXPECT_EQ(http_status_for(Error{"something-else", "?"}), 500);
  auto failed = parsed(http_call_failed_body(to_string(EndReason::busy), describe(EndReason::busy)));
  EXPECT_EQ(str(failed.at("error").as_object(), "code"), "call-failed");
  EXPECT_EQ(str(failed.at("error").as_object(), "reason"), "busy");
  EXPECT_EQ(http_status_for(Error{"call-failed", ""}), 409);
  auto created = parsed(http_call_created("c-1", "v=0\r\n"));
  EXPECT_EQ(str(created, "call_id"), "c-1");
  EXPECT_EQ(str(created, "sdp"), "v=0\r\n");
}

}  // namespace
}  // namespace gw::gateway
