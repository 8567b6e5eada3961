#include "gateway/api_message.hpp"

#include <gtest/gtest.h>

#include <string>

#include "gateway/api_validate.hpp"

namespace gw::gateway {
namespace {

const std::string kSdp = "v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\n";

Request parse_ok(const std::string& frame) {
  auto p = parse_request(frame);
  EXPECT_TRUE(p.request.ok()) << frame << " -> " << p.request.error().code << ": " << p.request.error().message;
  EXPECT_TRUE(p.id.has_value());
  return p.request.ok() ? p.request.value() : Request{PingRequest{}};
}

template <class T>
T parse_as(const std::string& frame) {
  Request r = parse_ok(frame);
  EXPECT_TRUE(std::holds_alternative<T>(r)) << frame;
  return std::holds_alternative<T>(r) ? std::get<T>(r) : T{};
}

std::string error_code_of(const std::string& frame, const Limits& limits = {}) {
  auto p = parse_request(frame, limits);
  EXPECT_FALSE(p.request.ok()) << frame;
  if (p.request.ok()) return "";
  EXPECT_FALSE(p.request.error().message.empty());
  return p.request.error().code;
}

TEST(ApiParse, Hello) {
  auto h = parse_as<HelloRequest>(R"({"id":1,"type":"hello","versions":[1,2],"client":"demo/1.0"})");
  EXPECT_EQ(h.versions, (std::vector<int>{1, 2}));
  EXPECT_EQ(h.client, "demo/1.0");
  EXPECT_EQ(negotiate_version(h).value(), 1);
  auto bare = parse_as<HelloRequest>(R"({"id":2,"type":"hello"})");
  EXPECT_EQ(bare.versions, (std::vector<int>{kProtocolVersion}));
  auto none = negotiate_version(HelloRequest{{7, 9}, ""});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, "unsupported-version");
}

TEST(ApiParse, SigninSignoutPing) {
  auto s = parse_as<SigninRequest>(R"({"id":"a1","type":"signin","dn":"1001","token":"t0k"})");
  EXPECT_EQ(s.dn, "1001");
  EXPECT_EQ(s.token, "t0k");
  EXPECT_FALSE(s.password.has_value());
  auto p = parse_as<SigninRequest>(R"({"id":3,"type":"signin","dn":"+33.agent_7-b","password":"pw"})");
  EXPECT_EQ(p.password, "pw");
  parse_as<SignoutRequest>(R"({"id":4,"type":"signout"})");
  parse_as<PingRequest>(R"({"id":5,"type":"ping"})");
}

TEST(ApiParse, CallTargets) {
  auto echo = parse_as<CallRequest>(R"({"id":1,"type":"call","target":"echo","sdp":")" + kSdp + R"("})");
  EXPECT_EQ(echo.target.kind, Target::Kind::echo);
  EXPECT_EQ(echo.sdp.substr(0, 5), "v=0\r\n");
  EXPECT_FALSE(echo.trickle);
  auto tone = parse_as<CallRequest>(R"({"id":1,"type":"call","target":"tone","trickle":true,"sdp":")" + kSdp + R"("})");
  EXPECT_EQ(tone.target.kind, Target::Kind::tone);
  EXPECT_TRUE(tone.trickle);
  auto dn = parse_as<CallRequest>(R"({"id":1,"type":"call","target":"2001","sdp":")" + kSdp + R"("})");
  EXPECT_EQ(dn.target, (Target{Target::Kind::dn, "2001"}));
  auto uri = parse_as<CallRequest>(R"({"id":1,"type":"call","target":"sip:queue@10.0.0.5:5060;transport=udp","sdp":")" +
                                   kSdp + R"("})");
  EXPECT_EQ(uri.target.kind, Target::Kind::sip_uri);
  EXPECT_EQ(uri.target.value, "sip:queue@10.0.0.5:5060;transport=udp");
  auto sips = parse_as<CallRequest>(R"({"id":1,"type":"call","target":"SIPS:a@b","sdp":")" + kSdp + R"("})");
  EXPECT_EQ(sips.target.kind, Target::Kind::sip_uri);
}

TEST(ApiParse, AnswerRejectHangupHoldResumeStats) {
  auto a = parse_as<AnswerRequest>(R"({"id":1,"type":"answer","call_id":"c-1","sdp":")" + kSdp + R"("})");
  EXPECT_EQ(a.call_id, "c-1");
  auto r = parse_as<RejectRequest>(R"({"id":1,"type":"reject","call_id":"c-1","reason":"busy"})");
  EXPECT_EQ(r.reason, RejectReason::busy);
  EXPECT_EQ(parse_as<RejectRequest>(R"({"id":1,"type":"reject","call_id":"c-1"})").reason, RejectReason::rejected);
  EXPECT_EQ(parse_as<RejectRequest>(R"({"id":1,"type":"reject","call_id":"c","reason":"unavailable"})").reason,
            RejectReason::unavailable);
  EXPECT_EQ(parse_as<HangupRequest>(R"({"id":1,"type":"hangup","call_id":"c_2"})").call_id, "c_2");
  EXPECT_EQ(parse_as<HoldRequest>(R"({"id":1,"type":"hold","call_id":"c3"})").call_id, "c3");
  EXPECT_EQ(parse_as<ResumeRequest>(R"({"id":1,"type":"resume","call_id":"c4"})").call_id, "c4");
  EXPECT_EQ(parse_as<StatsRequest>(R"({"id":1,"type":"stats","call_id":"c5"})").call_id, "c5");
}

TEST(ApiParse, Dtmf) {
  auto d = parse_as<DtmfRequest>(R"({"id":1,"type":"dtmf","call_id":"c","digits":"123*#abcD"})");
  EXPECT_EQ(d.digits, "123*#ABCD");
  EXPECT_EQ(d.duration_ms, 100);
  EXPECT_EQ(parse_as<DtmfRequest>(R"({"id":1,"type":"dtmf","call_id":"c","digits":"5","duration_ms":40})").duration_ms, 40);
  EXPECT_EQ(parse_as<DtmfRequest>(R"({"id":1,"type":"dtmf","call_id":"c","digits":"5","duration_ms":2000})").duration_ms,
            2000);
}

TEST(ApiParse, IceCandidate) {
  auto c = parse_as<IceCandidateRequest>(
      R"({"id":1,"type":"ice-candidate","call_id":"c","mid":"0","candidate":"candidate:1 1 udp 2122260223 192.0.2.7 5000 typ host generation 0"})");
  ASSERT_TRUE(c.candidate.has_value());
  EXPECT_EQ(c.candidate->address, "192.0.2.7");
  EXPECT_EQ(c.candidate->port, 5000);
  EXPECT_EQ(c.mid, "0");
  auto end = parse_as<IceCandidateRequest>(R"({"id":1,"type":"ice-candidate","call_id":"c","candidate":null})");
  EXPECT_FALSE(end.candidate.has_value());
  EXPECT_EQ(end.mid, "");
  auto empty = parse_as<IceCandidateRequest>(R"({"id":1,"type":"ice-candidate","call_id":"c","candidate":"","mid":"0"})");
  EXPECT_FALSE(empty.candidate.has_value());
}

TEST(ApiParse, IdsAndTypeNames) {
  auto p = parse_request(R"({"type":"ping","id":9007199254740991})");
  ASSERT_TRUE(p.request.ok());
  EXPECT_EQ(std::get<std::uint64_t>(*p.id), 9007199254740991u);
  auto s = parse_request(R"({"id":"req-7","type":"ping"})");
  EXPECT_EQ(std::get<std::string>(*s.id), "req-7");
  EXPECT_EQ(request_type(Request{IceCandidateRequest{}}), "ice-candidate");
  EXPECT_EQ(request_type(Request{HelloRequest{}}), "hello");
  EXPECT_EQ(request_type(Request{PingRequest{}}), "ping");
}

TEST(ApiErrors, BadJsonAndShape) {
  EXPECT_EQ(error_code_of("{\"id\":1,"), "bad-json");
  EXPECT_EQ(error_code_of(""), "bad-json");
  EXPECT_EQ(error_code_of("{\"id\":1,\"type\":\"ping\"} x"), "bad-json");
  EXPECT_EQ(error_code_of("{\"id\":1,\"type\":\"p\xff\"}"), "bad-json");  // invalid UTF-8
  EXPECT_EQ(error_code_of("[1,2]"), "bad-request");
  EXPECT_EQ(error_code_of("42"), "bad-request");
  std::string deep = std::string(100, '[') + std::string(100, ']');
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"hello","versions":)" + deep + "}"), "bad-json");
}

TEST(ApiErrors, OversizedFrameAndSdp) {
  std::string big(70000, 'x');
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"ping","pad":")" + big + "\"}"), "too-large");
  std::string sdp = "v=0" + std::string(33 * 1024, 'a');
  auto p = parse_request(R"({"id":5,"type":"call","target":"echo","sdp":")" + sdp + "\"}");
  ASSERT_FALSE(p.request.ok());
  EXPECT_EQ(p.request.error().code, "too-large");
  EXPECT_EQ(std::get<std::uint64_t>(*p.id), 5u);  // the id is still echoed
  Limits small;
  small.max_frame_bytes = 20;
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"ping"} )", small), "too-large");
}

TEST(ApiErrors, IdAndType) {
  EXPECT_EQ(error_code_of(R"({"type":"ping"})"), "missing-field");
  EXPECT_EQ(error_code_of(R"({"id":-1,"type":"ping"})"), "bad-field");
  EXPECT_EQ(error_code_of(R"({"id":1.5,"type":"ping"})"), "bad-field");
  EXPECT_EQ(error_code_of(R"({"id":"","type":"ping"})"), "bad-field");
  EXPECT_EQ(error_code_of(R"({"id":9007199254740992,"type":"ping"})"), "bad-field");
  EXPECT_EQ(error_code_of(R"({"id":{},"type":"ping"})"), "bad-field");
  EXPECT_EQ(error_code_of(R"({"id":1})"), "missing-field");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":7})"), "bad-field");
  auto p = parse_request(R"({"id":"x","type":"subscribe"})");
  ASSERT_FALSE(p.request.ok());
  EXPECT_EQ(p.request.error().code, "unknown-type");
  EXPECT_NE(p.request.error().message.find("subscribe"), std::string::npos);
  EXPECT_EQ(std::get<std::string>(*p.id), "x");
}

TEST(ApiErrors, MissingExtraMistypedFields) {
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"signin"})"), "missing-field");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"signin","dn":"1001","DN":"1"})"), "unknown-field");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"ping","extra":true})"), "unknown-field");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"signin","dn":1001})"), "bad-field");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"signin","dn":"1","token":"a","password":"b"})"), "bad-request");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"call","target":"echo","sdp":")" + kSdp + R"(","trickle":"yes"})"),
            "bad-field");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"call","target":"echo"})"), "missing-field");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"hello","versions":[]})"), "bad-field");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"hello","versions":["1"]})"), "bad-field");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"reject","call_id":"c","reason":"nope"})"), "bad-field");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"ice-candidate","call_id":"c"})"), "missing-field");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"ice-candidate","call_id":"c","candidate":5})"), "bad-field");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"ice-candidate","call_id":"c","candidate":null,"mid":0})"), "bad-field");
}

TEST(ApiErrors, DnSyntax) {
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"signin","dn":""})"), "bad-dn");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"signin","dn":"10 01"})"), "bad-dn");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"signin","dn":"-1001"})"), "bad-dn");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"signin","dn":"a@b"})"), "bad-dn");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"signin","dn":"Echo"})"), "bad-dn");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"signin","dn":")" + std::string(65, '1') + "\"}"), "bad-dn");
  EXPECT_TRUE(check_dn(std::string(64, '1')).ok());
}

TEST(ApiErrors, DigitsAndDuration) {
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"dtmf","call_id":"c","digits":"12E"})"), "bad-digits");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"dtmf","call_id":"c","digits":""})"), "bad-digits");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"dtmf","call_id":"c","digits":")" + std::string(33, '1') + "\"}"),
            "bad-digits");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"dtmf","call_id":"c","digits":"1","duration_ms":39})"), "bad-field");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"dtmf","call_id":"c","digits":"1","duration_ms":2001})"), "bad-field");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"dtmf","call_id":"c","digits":"1","duration_ms":100.5})"), "bad-field");
}

TEST(ApiErrors, CallIdTargetSdpCandidate) {
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"hangup","call_id":""})"), "bad-call-id");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"hangup","call_id":"a/b"})"), "bad-call-id");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"hangup","call_id":")" + std::string(65, 'c') + "\"}"), "bad-call-id");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"hangup"})"), "missing-field");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"call","target":"sip:","sdp":")" + kSdp + "\"}"), "bad-target");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"call","target":"sip:a b@c","sdp":")" + kSdp + "\"}"), "bad-target");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"call","target":"tel:+1","sdp":")" + kSdp + "\"}"), "bad-target");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"call","target":"echo","sdp":"hello"})"), "bad-sdp");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"call","target":"echo","sdp":""})"), "bad-sdp");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"answer","call_id":"c","sdp":"v=0\u0000"})"), "bad-sdp");
  EXPECT_EQ(error_code_of(R"({"id":1,"type":"ice-candidate","call_id":"c","candidate":"candidate:garbage"})"),
            "bad-candidate");
}

TEST(ApiErrors, CodesHaveStatuses) {
  EXPECT_EQ(http_status(ErrorCode::too_large), 413);
  EXPECT_EQ(http_status(ErrorCode::bad_json), 400);
  EXPECT_EQ(http_status(ErrorCode::rate_limited), 429);
  EXPECT_EQ(http_status(ErrorCode::no_such_call), 404);
  EXPECT_EQ(http_status(ErrorCode::auth_failed), 401);
  EXPECT_EQ(http_status(ErrorCode::shutting_down), 503);
  for (int i = 0; i <= static_cast<int>(ErrorCode::internal); ++i) {
    auto c = static_cast<ErrorCode>(i);
    EXPECT_EQ(error_code_from_string(to_string(c)), c) << i;
  }
  EXPECT_FALSE(error_code_from_string("nope").has_value());
}

}  // namespace
}  // namespace gw::gateway
