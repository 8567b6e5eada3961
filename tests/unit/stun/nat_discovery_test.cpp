// NAT behaviour discovery (RFC 5780 §4) against a simulated NAT and server.
#include <gtest/gtest.h>

#include "nat_sim.hpp"
#include "stun/builder.hpp"
#include "stun/nat_discovery.hpp"

namespace gw::stun {
namespace {

using sim::addr;

DiscoveryConfig config_for(sim::World& w) {
  DiscoveryConfig c;
  c.server = addr("198.51.100.1:3478");
  c.local = w.local()[0];
  c.software = "test";
  return c;
}

struct Combo {
  Behaviour mapping;
  Behaviour filtering;
  const char* rfc3489;
};

constexpr Behaviour EI = Behaviour::endpoint_independent;
constexpr Behaviour AD = Behaviour::address_dependent;
constexpr Behaviour APD = Behaviour::address_and_port_dependent;

const Combo kCombos[] = {
    {EI, EI, "full cone"},  {EI, AD, "restricted cone"}, {EI, APD, "port-restricted cone"},
    {AD, EI, "symmetric"},  {AD, AD, "symmetric"},       {AD, APD, "symmetric"},
    {APD, EI, "symmetric"}, {APD, AD, "symmetric"},      {APD, APD, "symmetric"},
};

NatReport discover(const sim::NatSpec& nat, double loss = 0.0, unsigned seed = 1,
                   ServerConfig server = sim::rfc5780_server()) {
  sim::World w(nat, std::move(server), loss, seed);
  NatDiscovery d(config_for(w));
  EXPECT_TRUE(w.run(d)) << "discovery did not finish";
  return d.report();
}

class NatDiscoveryCombos : public ::testing::TestWithParam<Combo> {};

TEST_P(NatDiscoveryCombos, ClassifiesMappingAndFiltering) {
  const auto& c = GetParam();
  sim::NatSpec nat;
  nat.mapping = c.mapping;
  nat.filtering = c.filtering;
  const auto r = discover(nat);
  EXPECT_TRUE(r.server_reachable);
  EXPECT_EQ(r.nat, Tri::yes);
  EXPECT_EQ(behaviour_name(r.mapping), behaviour_name(c.mapping));
  EXPECT_EQ(behaviour_name(r.filtering), behaviour_name(c.filtering));
  EXPECT_EQ(r.rfc3489_name(), c.rfc3489);
  EXPECT_TRUE(r.conclusive());
  EXPECT_EQ(r.hairpinning, Tri::no);
  EXPECT_EQ(r.port_preserved, Tri::no);
  EXPECT_EQ(r.large_packets, Tri::yes);
  if (c.mapping != EI) {
    EXPECT_NE(r.webrtc_verdict().find("need TURN or a gateway"), std::string::npos);
  }
}

TEST_P(NatDiscoveryCombos, SurvivesThirtyPercentLoss) {
  const auto& c = GetParam();
  sim::NatSpec nat;
  nat.mapping = c.mapping;
  nat.filtering = c.filtering;
  for (unsigned seed = 1; seed <= 3; ++seed) {
    const auto r = discover(nat, 0.3, seed);
    EXPECT_EQ(behaviour_name(r.mapping), behaviour_name(c.mapping)) << "seed " << seed;
    EXPECT_EQ(behaviour_name(r.filtering), behaviour_name(c.filtering)) << "seed " << seed;
  }
}

INSTANTIATE_TEST_SUITE_P(NatAllNine, NatDiscoveryCombos, ::testing::ValuesIn(kCombos));

TEST(NatDiscovery, NoNat) {
  sim::NatSpec nat;
  nat.present = false;
  const auto r = discover(nat);
  EXPECT_EQ(r.nat, Tri::no);
  EXPECT_EQ(r.mapping, EI);
  EXPECT_EQ(r.filtering, EI);
  EXPECT_EQ(r.port_preserved, Tri::yes);
  EXPECT_EQ(r.hairpinning, Tri::yes);  // trivially: socket 1 reaches socket 0
  EXPECT_EQ(r.rfc3489_name(), "open internet");
}

TEST(NatDiscovery, UdpBlocked) {
  sim::NatSpec nat;
  nat.udp_blocked = true;
  const auto r = discover(nat);
  EXPECT_FALSE(r.server_reachable);
  EXPECT_EQ(r.rfc3489_name(), "UDP blocked");
  EXPECT_NE(r.webrtc_verdict().find("UDP blocked"), std::string::npos);
  EXPECT_FALSE(r.not_run.empty());
}

TEST(NatDiscovery, ServerWithoutOtherAddressIsInconclusive) {
  sim::NatSpec nat;
  nat.mapping = APD;
  nat.filtering = APD;
  ServerConfig single;
  single.primary = addr("198.51.100.1:3478");
  const auto r = discover(nat, 0.0, 1, single);
  EXPECT_TRUE(r.server_reachable);
  EXPECT_EQ(r.mapping, Behaviour::unknown);
  EXPECT_EQ(r.filtering, Behaviour::unknown);
  EXPECT_FALSE(r.conclusive());
  EXPECT_EQ(r.rfc3489_name(), "inconclusive");
  EXPECT_NE(r.webrtc_verdict().find("inconclusive"), std::string::npos);
  ASSERT_GE(r.not_run.size(), 2U);
  bool names_other_address = false;
  for (const auto& s : r.not_run) names_other_address |= s.find("OTHER-ADDRESS") != std::string::npos;
  EXPECT_TRUE(names_other_address);
}

TEST(NatDiscovery, HairpinPortPreservationAlgAndFragments) {
  sim::NatSpec nat;
  nat.hairpin = true;
  nat.preserve_port = true;
  nat.alg = true;
  nat.drop_fragments = true;
  auto server = sim::rfc5780_server();
  server.always_mapped_address = true;
  const auto r = discover(nat, 0.0, 1, server);
  EXPECT_EQ(r.hairpinning, Tri::yes);
  EXPECT_EQ(r.port_preserved, Tri::yes);
  EXPECT_EQ(r.alg_detected, Tri::yes);
  EXPECT_EQ(r.large_packets, Tri::no);
  EXPECT_EQ(r.mapping, EI);
}

TEST(NatDiscovery, NoAlgWhenAddressesAgree) {
  auto server = sim::rfc5780_server();
  server.always_mapped_address = true;
  const auto r = discover(sim::NatSpec{}, 0.0, 1, server);
  EXPECT_EQ(r.alg_detected, Tri::no);
  const auto j = r.to_json();
  EXPECT_EQ(j.at("alg_detected").as_string(), "no");
  EXPECT_EQ(j.at("rfc3489").as_string(), "full cone");
}

TEST(NatDiscovery, ServerIgnoringChangeRequestIsNotMisread) {
  // A server that answers CHANGE-REQUEST from its primary address would make
  // every NAT look endpoint-independent; the source check catches it.
  sim::NatSpec nat;
  nat.filtering = APD;
  sim::World w(nat, sim::rfc5780_server());
  auto c = config_for(w);
  NatDiscovery d(c);
  // Feed test I's answer by hand with a bogus OTHER-ADDRESS equal in IP.
  auto sends = d.start(w.clock().now());
  ASSERT_EQ(sends.size(), 1U);
  auto req = decode(sends[0].bytes).value();
  const auto resp = MessageBuilder::reply_to(req, Class::success)
                        .add_address(attr::xor_mapped_address, addr("203.0.113.7:40000"))
                        .add_address(attr::other_address, addr("198.51.100.1:3479"))
                        .with_fingerprint()
                        .build();
  d.on_packet(0, c.server, resp, w.clock().now());
  EXPECT_EQ(d.report().filtering, Behaviour::unknown);
  EXPECT_FALSE(d.report().notes.empty());
}

}  // namespace
}  // namespace gw::stun
