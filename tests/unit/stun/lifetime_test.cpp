// Binding lifetime search (RFC 5780 §4.6) against the simulated NAT.
#include <gtest/gtest.h>

#include "nat_sim.hpp"
#include "stun/lifetime_search.hpp"

namespace gw::stun {
namespace {

LifetimeConfig config() {
  LifetimeConfig c;
  c.server = sim::addr("198.51.100.1:3478");
  c.initial = seconds(10);
  c.max = seconds(600);
  c.resolution = seconds(5);
  return c;
}

TEST(NatLifetime, FindsTheBindingTimeout) {
  sim::NatSpec nat;
  nat.filtering = Behaviour::address_and_port_dependent;
  nat.lifetime = seconds(47);
  sim::World w(nat, sim::rfc5780_server());
  LifetimeSearch search(config());
  ASSERT_TRUE(w.run(search, std::chrono::hours(3)));
  const auto& r = search.result();
  EXPECT_TRUE(r.completed) << r.failure;
  ASSERT_TRUE(r.upper.has_value());
  EXPECT_LE(r.lower, seconds(47));
  EXPECT_GE(*r.upper, seconds(47));
  EXPECT_LE(*r.upper - r.lower, seconds(5));
  EXPECT_GE(r.recommended_keepalive, seconds(20));
  EXPECT_LE(r.recommended_keepalive, seconds(24));
  const auto events = search.take_events();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().kind, LifetimeEvent::Kind::finished);
  EXPECT_EQ(events.front().kind, LifetimeEvent::Kind::trial_started);
  EXPECT_TRUE(search.take_events().empty());
}

TEST(NatLifetime, LongLivedBindingStopsAtMax) {
  sim::NatSpec nat;
  nat.lifetime = std::chrono::hours(1);
  sim::World w(nat, sim::rfc5780_server());
  LifetimeSearch search(config());
  ASSERT_TRUE(w.run(search, std::chrono::hours(3)));
  EXPECT_TRUE(search.result().completed);
  EXPECT_EQ(search.result().lower, seconds(600));
  EXPECT_FALSE(search.result().upper.has_value());
}

TEST(NatLifetime, SingleAddressServerIsEnough) {
  ServerConfig single;
  single.primary = sim::addr("198.51.100.1:3478");
  sim::World w(sim::NatSpec{}, single);
  LifetimeSearch search(config());
  ASSERT_TRUE(w.run(search, std::chrono::hours(3)));
  // §4.6 needs RESPONSE-PORT only, not a second address.
  EXPECT_TRUE(search.result().completed) << search.result().failure;
}

TEST(NatLifetime, UnreachableServerFailsCleanly) {
  sim::NatSpec nat;
  nat.udp_blocked = true;
  sim::World w(nat, sim::rfc5780_server());
  LifetimeSearch search(config());
  ASSERT_TRUE(w.run(search));
  EXPECT_FALSE(search.result().completed);
  EXPECT_NE(search.result().failure.find("did not answer"), std::string::npos);
  EXPECT_FALSE(search.result().to_json().at("completed").as_bool());
}

}  // namespace
}  // namespace gw::stun
