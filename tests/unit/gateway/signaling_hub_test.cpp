// SignalingHub (docs/API.md §2-§7) with a recording output and a real media
// engine: sessions, sign-in, calls to echo and between browsers, limits,
// shutdown and the HTTP one-call endpoint.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <thread>

#include "hub_test_util.hpp"

namespace gw::gateway {
namespace {

using testing::error_of;
using testing::str;
namespace json = boost::json;

class Hub : public testing::HubFixture {
 protected:
  // A call from `caller` to `target` that must succeed; returns the call id.
  std::string call(ConnectionId caller, const std::string& target) {
    auto r = request(caller, {{"type", "call"}, {"target", target}, {"sdp", chromium_offer()}});
    EXPECT_EQ(error_of(r), "") << json::serialize(r);
    return str(r, "call_id");
  }
};

std::string hmac_sha1_base64(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  std::string b64(4 * ((len + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), mac, static_cast<int>(len));
  b64.resize(static_cast<std::size_t>(n));
  return b64;
}

TEST_F(Hub, HelloIsRequiredFirst) {
  start();
  ConnectionId c = open();
  auto r = request(c, {{"type", "ping"}});
  EXPECT_FALSE(r["ok"].as_bool());
  EXPECT_EQ(error_of(r), "bad-state");
  r = request(c, {{"type", "call"}, {"target", "echo"}, {"sdp", chromium_offer()}});
  EXPECT_EQ(error_of(r), "bad-state");
  EXPECT_EQ(hub_->counters().calls_started, 0u);

  r = request(c, {{"type", "hello"}, {"versions", json::array{1, 7}}, {"client", "unit/1"}});
  ASSERT_TRUE(r["ok"].as_bool()) << json::serialize(r);
  EXPECT_EQ(r["version"].as_int64(), 1);
  EXPECT_EQ(str(r, "session_id").rfind("s-", 0), 0u);
  EXPECT_EQ(r["limits"].at("max_frame_bytes").to_number<std::int64_t>(), 65536);
  EXPECT_EQ(r["limits"].at("max_sdp_bytes").to_number<std::int64_t>(), 32768);
  EXPECT_TRUE(r["iceServers"].as_array().empty());
  EXPECT_TRUE(request(c, {{"type", "ping"}})["ok"].as_bool());
  // Two sessions never share an id.
  ConnectionId d = open();
  auto r2 = request(d, {{"type", "hello"}, {"versions", json::array{1}}});
  EXPECT_NE(str(r2, "session_id"), str(r, "session_id"));
  EXPECT_EQ(error_of(request(d, {{"type", "hello"}, {"versions", json::array{2, 3}}})),
            "unsupported-version");
}

TEST_F(Hub, ParseErrorsKeepTheSessionAndEchoTheId) {
  start();
  ConnectionId c = hello_session();
  auto r = raw(c, "{not json");
  EXPECT_EQ(error_of(r), "bad-json");
  EXPECT_TRUE(r["id"].is_null());
  r = raw(c, R"({"id":"x-1","type":"dance"})");
  EXPECT_EQ(error_of(r), "unknown-type");
  EXPECT_EQ(str(r, "id"), "x-1");
  r = raw(c, R"({"type":"ping"})");
  EXPECT_EQ(error_of(r), "missing-field");
  EXPECT_TRUE(r["id"].is_null());
  EXPECT_TRUE(request(c, {{"type", "ping"}})["ok"].as_bool());
  EXPECT_TRUE(out_.closed.empty());
}

TEST_F(Hub, HelloGivesStunAndTurnRestCredentials) {
  HubConfig cfg;
  cfg.stun_urls = {"stun:stun.example.net:3478"};
  cfg.turn_urls = {"turn:turn.example.net:3478?transport=udp"};
  cfg.turn_secret = "north-secret";
  cfg.turn_ttl_s = 3600;
  start(cfg);
  ConnectionId c = open();
  auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  auto r = request(c, {{"type", "hello"}, {"versions", json::array{1}}});
  auto& servers = r["iceServers"].as_array();
  ASSERT_EQ(servers.size(), 2u) << json::serialize(r);
  EXPECT_EQ(servers[0].at("urls").as_array().at(0).as_string(), "stun:stun.example.net:3478");
  EXPECT_EQ(servers[0].as_object().if_contains("username"), nullptr);
  const auto& turn = servers[1].as_object();
  EXPECT_EQ(turn.at("urls").as_array().at(0).as_string(), "turn:turn.example.net:3478?transport=udp");
  std::string user = str(turn, "username");
  auto colon = user.find(':');
  ASSERT_NE(colon, std::string::npos);
  EXPECT_EQ(user.substr(colon + 1), str(r, "session_id"));
  std::int64_t expiry = std::stoll(user.substr(0, colon));
  EXPECT_NEAR(static_cast<double>(expiry), static_cast<double>(now.count() + 3600), 5.0);
  EXPECT_EQ(str(turn, "credential"), hmac_sha1_base64("north-secret", user));
  // After sign-in a fresh hello names the DN.
  ASSERT_EQ(error_of(request(c, {{"type", "signin"}, {"dn", "1001"}})), "");
  r = request(c, {{"type", "hello"}, {"versions", json::array{1}}});
  user = str(r["iceServers"].as_array().at(1).as_object(), "username");
  EXPECT_EQ(user.substr(user.find(':')), ":1001");
  EXPECT_EQ(str(r["iceServers"].as_array().at(1).as_object(), "credential"),
            hmac_sha1_base64("north-secret", user));
}

TEST_F(Hub, SecondSigninTakesTheDnOver) {
  start();
  ConnectionId a = agent("1001");
  ConnectionId b = hello_session();
  auto r = request(b, {{"type", "signin"}, {"dn", "1001"}});
  EXPECT_EQ(str(r, "dn"), "1001");
  auto ev = event(a, "signed-out");
  EXPECT_EQ(str(ev, "reason"), "signed-in-elsewhere");
  EXPECT_FALSE(str(ev, "message").empty());
  EXPECT_TRUE(events(b, "signed-out").empty());
  EXPECT_EQ(hub_->counters().signed_in, 1u);
  // Calls to 1001 now ring b, and a may sign in as another DN.
  ConnectionId caller = hello_session();
  std::string id = call(caller, "1001");
  EXPECT_EQ(str(event(b, "incoming-call"), "call_id"), id);
  EXPECT_TRUE(events(a, "incoming-call").empty());
  EXPECT_EQ(error_of(request(a, {{"type", "signin"}, {"dn", "1002"}})), "");
  EXPECT_EQ(error_of(request(b, {{"type", "signin"}, {"dn", "1003"}})), "already-signed-in");
  EXPECT_EQ(error_of(request(caller, {{"type", "signout"}})), "not-signed-in");
  EXPECT_EQ(error_of(request(a, {{"type", "signout"}})), "");
  EXPECT_EQ(error_of(request(caller, {{"type", "call"}, {"target", "1002"}, {"sdp", chromium_offer()}})),
            "target-not-found");
}

TEST_F(Hub, AgentsFileAuthAndFailedSigninLimit) {
  HubConfig cfg;
  cfg.agents = {{"1001", "s3cr3t"}, {"1002", "other"}};
  start(cfg);
  ConnectionId c = hello_session();
  EXPECT_EQ(error_of(request(c, {{"type", "signin"}, {"dn", "1001"}, {"token", "s3cr3t"}})), "");
  ConnectionId d = hello_session(IpAddress::v4(0x7f000002));
  for (int i = 0; i < 5; ++i) {
    json::object req{{"type", "signin"}, {"dn", i == 4 ? "9999" : "1002"}};
    req[i % 2 == 0 ? "token" : "password"] = "wrong";
    EXPECT_EQ(error_of(request(d, req)), "auth-failed") << i;
  }
  EXPECT_EQ(error_of(request(d, {{"type", "signin"}, {"dn", "1002"}, {"token", "wrong"}})), "rate-limited");
  EXPECT_EQ(error_of(request(d, {{"type", "signin"}, {"dn", "1002"}})), "rate-limited");
  // Other client IPs are not affected.
  ConnectionId e = hello_session(IpAddress::v4(0x7f000003));
  EXPECT_EQ(error_of(request(e, {{"type", "signin"}, {"dn", "1002"}, {"password", "other"}})), "");
  EXPECT_EQ(error_of(request(e, {{"type", "signin"}, {"dn", "1002"}, {"password", "x"}, {"token", "y"}})),
            "bad-request");
}

// API §7 limits failed sign-ins to stop guessing secrets: once a client IP
// is over the limit, a right guess must not sign in either, or the limit
// only changes the error code of the wrong guesses.
TEST_F(Hub, FailedSigninLimitAlsoStopsARightGuess) {
  HubConfig cfg;
  cfg.agents = {{"1002", "other"}};
  start(cfg);
  ConnectionId d = hello_session(IpAddress::v4(0x7f000002));
  for (int i = 0; i < 6; ++i)
    request(d, {{"type", "signin"}, {"dn", "1002"}, {"token", "guess" + std::to_string(i)}});
  EXPECT_EQ(error_of(request(d, {{"type", "signin"}, {"dn", "1002"}, {"token", "other"}})), "rate-limited");
}

TEST_F(Hub, EchoCallAnswersAtOnceAndHangsUp) {
  start();
  ConnectionId c = hello_session();
  std::string id = call(c, "echo");
  ASSERT_FALSE(id.empty());
  auto answered = event(c, "answered");
  EXPECT_EQ(str(answered, "call_id"), id);
  std::string sdp = str(answered, "sdp");
  EXPECT_EQ(sdp.rfind("v=0\r\n", 0), 0u);
  EXPECT_NE(sdp.find("a=ice-lite"), std::string::npos);
  EXPECT_NE(sdp.find("a=setup:passive"), std::string::npos);
  EXPECT_NE(sdp.find(" 127.0.0.1 " + std::to_string(media_->status().at(0).port) + " typ host"),
            std::string::npos)
      << sdp;
  EXPECT_EQ(hub_->counters().calls_active, 1u);
  auto st = request(c, {{"type", "stats"}, {"call_id", id}});
  EXPECT_EQ(str(st, "call_id"), id);
  EXPECT_EQ(error_of(request(c, {{"type", "hold"}, {"call_id", id}})), "");
  EXPECT_EQ(str(event(c, "held"), "by"), "local");
  EXPECT_EQ(error_of(request(c, {{"type", "resume"}, {"call_id", id}})), "");
  EXPECT_EQ(error_of(request(c, {{"type", "ice-candidate"}, {"call_id", id}, {"candidate", nullptr}})), "");
  // Another session cannot touch it.
  ConnectionId other = hello_session();
  EXPECT_EQ(error_of(request(other, {{"type", "hangup"}, {"call_id", id}})), "no-such-call");
  EXPECT_EQ(error_of(request(c, {{"type", "hangup"}, {"call_id", id}})), "");
  EXPECT_EQ(ended_reason(c, id), "hangup");
  EXPECT_EQ(hub_->counters().calls_active, 0u);
  EXPECT_EQ(error_of(request(c, {{"type", "hangup"}, {"call_id", id}})), "no-such-call");
  EXPECT_EQ(error_of(request(c, {{"type", "call"}, {"target", "echo"}, {"sdp", "v=0\r\nnot webrtc"}})),
            "bad-sdp");
  EXPECT_EQ(
      error_of(request(c, {{"type", "call"}, {"target", "sip:q@192.0.2.1"}, {"sdp", chromium_offer()}})),
      "target-not-found");
}

TEST_F(Hub, CallToUnknownDnIsTargetNotFound) {
  start();
  ConnectionId c = hello_session();
  auto r = request(c, {{"type", "call"}, {"target", "2001"}, {"sdp", chromium_offer()}});
  EXPECT_EQ(error_of(r), "target-not-found");
  EXPECT_TRUE(events(c, "ringing").empty());
  EXPECT_EQ(hub_->counters().calls_active, 0u);
}

TEST_F(Hub, BrowserToBrowserCall) {
  start();
  ConnectionId ag = agent("2001");
  ConnectionId c = hello_session();
  std::string id = call(c, "2001");
  EXPECT_EQ(str(event(c, "ringing"), "call_id"), id);
  auto inc = event(ag, "incoming-call");
  EXPECT_EQ(str(inc, "call_id"), id);
  EXPECT_EQ(str(inc, "from"), "customer");
  std::string offer = str(inc, "sdp");
  EXPECT_NE(offer.find("a=setup:actpass"), std::string::npos);
  EXPECT_NE(offer.find("a=ice-lite"), std::string::npos);
  // Not yet: the caller cannot answer, DTMF needs an answered call.
  EXPECT_EQ(error_of(request(c, {{"type", "answer"}, {"call_id", id}, {"sdp", offer}})), "bad-state");
  EXPECT_EQ(error_of(request(c, {{"type", "dtmf"}, {"call_id", id}, {"digits", "1"}})), "bad-state");
  EXPECT_EQ(error_of(request(c, {{"type", "hold"}, {"call_id", id}})), "bad-state");

  EXPECT_EQ(error_of(request(ag, {{"type", "answer"}, {"call_id", id}, {"sdp", browser_answer(offer)}})), "");
  auto answered = event(c, "answered");
  EXPECT_EQ(str(answered, "call_id"), id);
  EXPECT_NE(str(answered, "sdp").find("a=setup:passive"), std::string::npos);
  EXPECT_EQ(error_of(request(ag, {{"type", "answer"}, {"call_id", id}, {"sdp", browser_answer(offer)}})),
            "bad-state");
  EXPECT_EQ(error_of(request(c, {{"type", "dtmf"}, {"call_id", id}, {"digits", "12#"}})), "");
  EXPECT_EQ(str(event(ag, "dtmf"), "digits"), "12#");
  EXPECT_EQ(error_of(request(ag, {{"type", "hold"}, {"call_id", id}})), "");
  EXPECT_EQ(str(event(c, "held"), "by"), "remote");

  EXPECT_EQ(error_of(request(c, {{"type", "hangup"}, {"call_id", id}})), "");
  EXPECT_EQ(ended_reason(c, id), "hangup");
  EXPECT_EQ(ended_reason(ag, id), "remote-hangup");
  EXPECT_EQ(hub_->counters().calls_active, 0u);
}

TEST_F(Hub, BadAgentAnswerEndsTheCall) {
  start();
  ConnectionId ag = agent("2001");
  ConnectionId c = hello_session();
  std::string id = call(c, "2001");
  EXPECT_EQ(error_of(request(ag, {{"type", "answer"}, {"call_id", id}, {"sdp", "v=0\r\nbroken"}})),
            "bad-sdp");
  EXPECT_EQ(ended_reason(c, id), "error");
  EXPECT_EQ(hub_->counters().calls_active, 0u);
}

TEST_F(Hub, RejectBusy) {
  start();
  ConnectionId ag = agent("2001");
  ConnectionId c = hello_session();
  std::string id = call(c, "2001");
  EXPECT_EQ(error_of(request(ag, {{"type", "reject"}, {"call_id", id}, {"reason", "busy"}})), "");
  EXPECT_EQ(ended_reason(c, id), "busy");
  EXPECT_EQ(events(ag, "ended").size(), 1u);
  EXPECT_EQ(error_of(request(ag, {{"type", "reject"}, {"call_id", id}})), "no-such-call");
}

TEST_F(Hub, CallerCancelsWhileRinging) {
  start();
  ConnectionId ag = agent("2001");
  ConnectionId c = hello_session();
  std::string id = call(c, "2001");
  EXPECT_EQ(error_of(request(c, {{"type", "hangup"}, {"call_id", id}})), "");
  EXPECT_EQ(ended_reason(c, id), "hangup");
  EXPECT_EQ(ended_reason(ag, id), "cancelled");
}

TEST_F(Hub, RingTimeout) {
  HubConfig cfg;
  cfg.ring_timeout = milliseconds(200);
  start(cfg);
  ConnectionId ag = agent("2001");
  ConnectionId c = hello_session();
  std::string id = call(c, "2001");
  run_for(milliseconds(50));
  EXPECT_TRUE(events(c, "ended").empty());
  run_for(milliseconds(600));
  EXPECT_EQ(ended_reason(c, id), "no-answer");
  EXPECT_EQ(ended_reason(ag, id), "cancelled");
  EXPECT_EQ(hub_->counters().calls_active, 0u);
}

TEST_F(Hub, AnsweredCallOutlivesTheRingTimeout) {
  HubConfig cfg;
  cfg.ring_timeout = milliseconds(150);
  start(cfg);
  ConnectionId ag = agent("2001");
  ConnectionId c = hello_session();
  std::string id = call(c, "2001");
  std::string offer = str(event(ag, "incoming-call"), "sdp");
  ASSERT_EQ(error_of(request(ag, {{"type", "answer"}, {"call_id", id}, {"sdp", browser_answer(offer)}})), "");
  run_for(milliseconds(400));
  EXPECT_TRUE(events(c, "ended").empty());
  EXPECT_EQ(hub_->counters().calls_active, 1u);
}

TEST_F(Hub, AgentSocketClosesWhileRinging) {
  start();
  ConnectionId ag = agent("2001");
  ConnectionId c = hello_session();
  std::string id = call(c, "2001");
  hub_->on_ws_close(ag);
  EXPECT_EQ(ended_reason(c, id), "unavailable");
  EXPECT_EQ(hub_->counters().calls_active, 0u);
  EXPECT_EQ(hub_->counters().signed_in, 0u);
  EXPECT_EQ(error_of(request(c, {{"type", "call"}, {"target", "2001"}, {"sdp", chromium_offer()}})),
            "target-not-found");
  hub_->on_ws_close(ag);  // twice: harmless
  hub_->on_ws_message(ag, R"({"id":1,"type":"ping"})");
}

TEST_F(Hub, CallerSocketClosesDuringACall) {
  start();
  ConnectionId ag = agent("2001");
  ConnectionId c = hello_session();
  std::string id = call(c, "2001");
  std::string offer = str(event(ag, "incoming-call"), "sdp");
  ASSERT_EQ(error_of(request(ag, {{"type", "answer"}, {"call_id", id}, {"sdp", browser_answer(offer)}})), "");
  hub_->on_ws_close(c);
  EXPECT_EQ(ended_reason(ag, id), "peer-gone");
  EXPECT_EQ(hub_->counters().calls_active, 0u);
}

TEST_F(Hub, CallsPerSessionLimit) {
  HubConfig cfg;
  cfg.calls_per_session = 2;
  start(cfg);
  ConnectionId c = hello_session();
  std::string first = call(c, "echo");
  call(c, "tone");
  EXPECT_EQ(error_of(request(c, {{"type", "call"}, {"target", "echo"}, {"sdp", chromium_offer()}})),
            "overloaded");
  ASSERT_EQ(error_of(request(c, {{"type", "hangup"}, {"call_id", first}})), "");
  call(c, "echo");
  // The gateway-wide limit too.
  hub_.reset();
  HubConfig small;
  small.max_calls = 1;
  hub_ = std::make_unique<SignalingHub>(io_, small, *media_, out_);
  ConnectionId d = hello_session();
  call(d, "echo");
  ConnectionId e = hello_session();
  EXPECT_EQ(error_of(request(e, {{"type", "call"}, {"target", "echo"}, {"sdp", chromium_offer()}})),
            "overloaded");
}

TEST_F(Hub, RequestFloodIsRateLimitedThenClosed) {
  HubConfig cfg;
  cfg.requests_per_s = 1;
  cfg.request_burst = 5;
  cfg.rate_close_after = milliseconds(200);
  start(cfg);
  ConnectionId c = hello_session();  // hello takes one token
  int ok = 0, limited = 0;
  for (int i = 0; i < 20; ++i) {
    auto r = request(c, {{"type", "ping"}});
    (error_of(r) == "rate-limited" ? limited : ok) += 1;
  }
  EXPECT_EQ(ok, 4);
  EXPECT_EQ(limited, 16);
  EXPECT_TRUE(out_.closed.empty()) << "not over the limit for rate_close_after yet";
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  EXPECT_EQ(error_of(request(c, {{"type", "ping"}})), "rate-limited");
  ASSERT_EQ(out_.closed.size(), 1u);
  EXPECT_EQ(out_.closed[0].id, c);
  EXPECT_EQ(out_.closed[0].code, 1008);
  EXPECT_GE(hub_->counters().rate_limited, 17u);
}

TEST_F(Hub, DefaultRateLetsABurstOf100Through) {
  start();
  ConnectionId c = hello_session();
  int limited = 0;
  for (int i = 0; i < 150; ++i) limited += error_of(request(c, {{"type", "ping"}})) == "rate-limited" ? 1 : 0;
  EXPECT_GE(limited, 40);
  EXPECT_LE(limited, 51);
  EXPECT_TRUE(out_.closed.empty());
}

TEST_F(Hub, ShutdownEndsCallsAndSignsOut) {
  start();
  ConnectionId ag = agent("2001");
  ConnectionId c = hello_session();
  std::string echo_id = call(c, "echo");
  std::string ring_id = call(c, "2001");
  hub_->shutdown();
  EXPECT_EQ(ended_reason(c, echo_id), "server-shutdown");
  EXPECT_EQ(ended_reason(c, ring_id), "server-shutdown");
  EXPECT_EQ(ended_reason(ag, ring_id), "server-shutdown");
  EXPECT_EQ(str(event(ag, "signed-out"), "reason"), "server-shutdown");
  EXPECT_TRUE(events(c, "signed-out").empty()) << "c was not signed in";
  EXPECT_EQ(hub_->counters().calls_active, 0u);
  EXPECT_EQ(hub_->counters().signed_in, 0u);
  EXPECT_EQ(error_of(request(c, {{"type", "call"}, {"target", "echo"}, {"sdp", chromium_offer()}})),
            "shutting-down");
  EXPECT_EQ(error_of(request(c, {{"type", "signin"}, {"dn", "3000"}})), "shutting-down");
}

// --- HTTP one-call endpoint (API §6) ---

struct HttpResult {
  std::optional<HttpReply> reply;
  int calls = 0;
};

std::function<void(HttpReply)> into(HttpResult& r) {
  return [&r](HttpReply reply) {
    r.reply = std::move(reply);
    ++r.calls;
  };
}

HttpApiRequest post(std::string body) {
  return {route_http("POST", "/api/v1/calls"), std::move(body), IpAddress::v4(0x7f000001)};
}
HttpApiRequest del(const std::string& id) {
  return {route_http("DELETE", "/api/v1/calls/" + id), {}, IpAddress::v4(0x7f000001)};
}

std::string call_body(const std::string& target, const std::string& sdp) {
  return json::serialize(json::object{{"target", target}, {"sdp", sdp}});
}

TEST_F(Hub, HttpEchoCallAndDelete) {
  start();
  HttpResult r;
  hub_->on_http_api(post(call_body("echo", chromium_offer())), into(r));
  ASSERT_TRUE(r.reply.has_value());
  EXPECT_EQ(r.reply->status, 201);
  EXPECT_EQ(r.reply->content_type, "application/json");
  auto body = json::parse(r.reply->body).as_object();
  std::string id = str(body, "call_id");
  EXPECT_NE(str(body, "sdp").find("a=ice-lite"), std::string::npos);
  ASSERT_EQ(r.reply->headers.size(), 1u);
  EXPECT_EQ(r.reply->headers[0], (std::pair<std::string, std::string>{"Location", "/api/v1/calls/" + id}));
  EXPECT_EQ(hub_->counters().calls_active, 1u);

  HttpResult d;
  hub_->on_http_api(del(id), into(d));
  ASSERT_TRUE(d.reply.has_value());
  EXPECT_EQ(d.reply->status, 204);
  EXPECT_TRUE(d.reply->body.empty());
  EXPECT_EQ(hub_->counters().calls_active, 0u);
  EXPECT_EQ(r.calls, 1) << "the POST was answered once";

  HttpResult again;
  hub_->on_http_api(del(id), into(again));
  EXPECT_EQ(again.reply->status, 404);
  HttpResult unknown;
  hub_->on_http_api(del("c-999"), into(unknown));
  EXPECT_EQ(unknown.reply->status, 404);
  EXPECT_NE(unknown.reply->body.find("no-such-call"), std::string::npos);
}

TEST_F(Hub, HttpCannotDeleteAWebSocketCall) {
  start();
  ConnectionId c = hello_session();
  std::string id = call(c, "echo");
  HttpResult d;
  hub_->on_http_api(del(id), into(d));
  EXPECT_EQ(d.reply->status, 404);
  EXPECT_EQ(hub_->counters().calls_active, 1u);
}

TEST_F(Hub, HttpErrors) {
  start();
  for (const auto& [body, status, code] : std::vector<std::tuple<std::string, int, std::string>>{
           {"{nope", 400, "bad-json"},
           {call_body("echo", "v=0\r\nnot webrtc"), 400, "bad-sdp"},
           {call_body("echo", sdp::testing::read_data(sdp::testing::kSippOffer)), 400, "bad-sdp"},
           {call_body("2001", chromium_offer()), 404, "target-not-found"},
           {R"({"target":"echo"})", 400, "missing-field"},
       }) {
    HttpResult r;
    hub_->on_http_api(post(body), into(r));
    ASSERT_TRUE(r.reply.has_value()) << body;
    EXPECT_EQ(r.reply->status, status) << body;
    EXPECT_NE(r.reply->body.find(code), std::string::npos) << r.reply->body;
  }
  EXPECT_EQ(hub_->counters().calls_active, 0u);
}

TEST_F(Hub, HttpCallToAgentWaitsForTheAnswer) {
  start();
  ConnectionId ag = agent("2001");
  HttpResult r;
  hub_->on_http_api(post(call_body("2001", chromium_offer())), into(r));
  EXPECT_FALSE(r.reply.has_value()) << "answered later";
  auto inc = event(ag, "incoming-call");
  ASSERT_EQ(error_of(request(ag, {{"type", "answer"},
                                  {"call_id", str(inc, "call_id")},
                                  {"sdp", browser_answer(str(inc, "sdp"))}})),
            "");
  ASSERT_TRUE(r.reply.has_value());
  EXPECT_EQ(r.reply->status, 201);
  EXPECT_EQ(str(json::parse(r.reply->body).as_object(), "call_id"), str(inc, "call_id"));

  HttpResult busy;
  hub_->on_http_api(post(call_body("2001", chromium_offer())), into(busy));
  auto inc2 = events(ag, "incoming-call").back();
  ASSERT_EQ(
      error_of(request(ag, {{"type", "reject"}, {"call_id", str(inc2, "call_id")}, {"reason", "busy"}})), "");
  ASSERT_TRUE(busy.reply.has_value());
  EXPECT_EQ(busy.reply->status, 409);
  auto b = json::parse(busy.reply->body).as_object();
  EXPECT_EQ(str(b["error"].as_object(), "code"), "call-failed");
  EXPECT_EQ(str(b["error"].as_object(), "reason"), "busy");
  EXPECT_EQ(busy.calls, 1);
}

}  // namespace
}  // namespace gw::gateway
