#include "ice/events_json.hpp"

#include <gtest/gtest.h>

namespace gw::ice {
namespace {

TEST(IceEventsJson, CredentialsCarrySdpLines) {
  auto ev = credentials_event({"abcd", "0123456789012345678901"}, true, true);
  EXPECT_EQ(ev.at("event").as_string(), "local-credentials");
  const auto& sdp = ev.at("sdp").as_array();
  ASSERT_EQ(sdp.size(), 4u);
  EXPECT_EQ(sdp[0].as_string(), "a=ice-lite");
  EXPECT_EQ(sdp[1].as_string(), "a=ice-ufrag:abcd");
  EXPECT_EQ(sdp[2].as_string(), "a=ice-pwd:0123456789012345678901");
  EXPECT_EQ(sdp[3].as_string(), "a=ice-options:trickle");
}

TEST(IceEventsJson, CandidateEventRoundTrips) {
  auto c = sdp::parse_candidate("candidate:2 1 tcp 1015022847 203.0.113.4 9443 typ host tcptype passive");
  ASSERT_TRUE(c.ok());
  auto ev = candidate_event({*c, std::string("100.64.0.4")}, "0");
  EXPECT_EQ(ev.at("sdp").as_string(), "a=candidate:" + c->to_value());
  EXPECT_EQ(ev.at("tcptype").as_string(), "passive");
  EXPECT_EQ(ev.at("base_address").as_string(), "100.64.0.4");
  EXPECT_EQ(ev.at("mid").as_string(), "0");
  auto back = sdp::parse_candidate(std::string(ev.at("candidate").as_string()));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, *c);
}

TEST(IceEventsJson, SelectedPair) {
  SelectedPair p;
  p.local = *sdp::parse_candidate("candidate:1 1 udp 2015364095 100.64.0.2 5000 typ host");
  p.remote = *sdp::parse_candidate("candidate:3 1 udp 1677729535 203.0.113.9 6000 typ srflx raddr 100.64.1.2 rport 6000");
  p.local_advertised = "203.0.113.2";
  auto ev = selected_pair_event(p);
  EXPECT_EQ(ev.at("local").at("advertised").as_string(), "203.0.113.2");
  EXPECT_EQ(ev.at("remote").at("type").as_string(), "srflx");
  EXPECT_TRUE(ev.at("rtt_ms").is_null());
  EXPECT_EQ(end_of_candidates_event("a").at("sdp").as_string(), "a=end-of-candidates");
  EXPECT_EQ(state_event(1, State::ready).at("state").as_string(), "ready");
}

}  // namespace
}  // namespace gw::ice
