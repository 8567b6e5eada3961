// A SignalingHub driven in-process: a recording SignalingOutput, a real
// MediaEngine on 127.0.0.1 (one shard, any port) and an io_context the test
// runs when it needs timers. Frames are kept as parsed JSON per connection.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "../sdp/sdp_test_util.hpp"
#include "gateway/media_engine.hpp"
#include "gateway/signaling_hub.hpp"
#include "sdp/webrtc_answer.hpp"

namespace gw::gateway::testing {

namespace json = boost::json;

struct RecordingOutput : SignalingOutput {
  struct Closed {
    ConnectionId id;
    std::uint16_t code;
    std::string reason;
  };
  std::map<ConnectionId, std::vector<json::object>> frames;
  std::vector<Closed> closed;

  bool send(ConnectionId id, std::string text) override {
    auto v = json::parse(text);
    EXPECT_TRUE(v.is_object()) << text;
    frames[id].push_back(v.is_object() ? v.as_object() : json::object{});
    return true;
  }
  void close(ConnectionId id, std::uint16_t code, std::string reason) override {
    closed.push_back({id, code, std::move(reason)});
  }
};

inline std::string str(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string{};
}

// The error code of a response, "" for ok.
inline std::string error_of(const json::object& response) {
  const auto* e = response.if_contains("error");
  return e != nullptr && e->is_object() ? str(e->as_object(), "code") : std::string{};
}

class HubFixture : public ::testing::Test {
 protected:
  void TearDown() override {
    hub_.reset();
    if (media_) media_->stop();
  }

  void start(HubConfig config = {}) {
    MediaEngineConfig mc;
    mc.bind = IpAddress::v4(0x7f000001);
    mc.shards = 1;
    auto engine = MediaEngine::create(io_, mc, [this](const LegEvent& e) {
      if (hub_) hub_->on_leg_event(e);
    });
    ASSERT_TRUE(engine.ok()) << engine.error().message;
    media_ = std::move(*engine);
    hub_ = std::make_unique<SignalingHub>(io_, std::move(config), *media_, out_,
                                          [this](json::object o) { lifecycle_.push_back(std::move(o)); });
  }

  ConnectionId open(IpAddress client = IpAddress::v4(0x7f000001)) {
    ConnectionId id = ++last_conn_;
    hub_->on_ws_open(id, client);
    return id;
  }

  // Sends a request and returns its response (matched by id).
  json::object request(ConnectionId c, json::object req) {
    std::int64_t id = ++last_id_;
    req["id"] = id;
    hub_->on_ws_message(c, json::serialize(req));
    return response(c, id);
  }
  json::object response(ConnectionId c, std::int64_t id) {
    for (const auto& f : out_.frames[c]) {
      const auto* v = f.if_contains("id");
      if (v != nullptr && v->is_int64() && v->as_int64() == id) return f;
    }
    ADD_FAILURE() << "no response to request " << id << " on connection " << c;
    return {};
  }
  json::object raw(ConnectionId c, std::string_view text) {
    std::size_t before = out_.frames[c].size();
    hub_->on_ws_message(c, text);
    EXPECT_GT(out_.frames[c].size(), before) << "no answer to " << text;
    return out_.frames[c].size() > before ? out_.frames[c].back() : json::object{};
  }

  ConnectionId hello_session(IpAddress client = IpAddress::v4(0x7f000001)) {
    ConnectionId c = open(client);
    auto r = request(c, {{"type", "hello"}, {"versions", json::array{1}}});
    EXPECT_TRUE(r["ok"].as_bool());
    return c;
  }
  ConnectionId agent(const std::string& dn) {
    ConnectionId c = hello_session();
    auto r = request(c, {{"type", "signin"}, {"dn", dn}});
    EXPECT_EQ(error_of(r), "") << json::serialize(r);
    return c;
  }

  std::vector<json::object> events(ConnectionId c, std::string_view name) {
    std::vector<json::object> out;
    for (const auto& f : out_.frames[c]) {
      if (str(f, "type") == "event" && str(f, "event") == name) out.push_back(f);
    }
    return out;
  }
  // The one event `name` on `c`, or a failure.
  json::object event(ConnectionId c, std::string_view name) {
    auto all = events(c, name);
    EXPECT_EQ(all.size(), 1u) << "event " << name << " on connection " << c;
    return all.empty() ? json::object{} : all.back();
  }
  std::string ended_reason(ConnectionId c, const std::string& call_id) {
    for (const auto& e : events(c, "ended")) {
      if (str(e, "call_id") == call_id) return str(e, "reason");
    }
    return "<none>";
  }

  static std::string chromium_offer() { return sdp::testing::read_data(sdp::testing::kChromeAudio); }

  // What a browser answers to the gateway's offer.
  static std::string browser_answer(const std::string& offer_text) {
    auto offer = sdp::parse(offer_text);
    EXPECT_TRUE(offer.ok());
    if (!offer) return {};
    sdp::WebrtcAnswerParams p;
    p.ice_ufrag = "AgNt";
    p.ice_pwd = "agentpasswordagentpassword";
    p.fingerprint = {"sha-256", Bytes(32, 0xAB)};
    p.setup = sdp::Setup::active;
    p.single_codec = true;
    auto a = sdp::answer_webrtc_audio(*offer, p);
    EXPECT_TRUE(a.ok()) << (a ? "" : a.error().message);
    return a ? sdp::serialize(*a) : std::string{};
  }

  void run_for(Duration d) {
    io_.restart();
    io_.run_for(d);
  }

  boost::asio::io_context io_;
  RecordingOutput out_;
  std::unique_ptr<MediaEngine> media_;
  std::unique_ptr<SignalingHub> hub_;
  std::vector<json::object> lifecycle_;
  ConnectionId last_conn_ = 0;
  std::int64_t last_id_ = 0;
};

}  // namespace gw::gateway::testing
