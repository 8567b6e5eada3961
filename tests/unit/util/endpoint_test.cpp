#include "util/endpoint.hpp"

#include <gtest/gtest.h>

using gw::parse_endpoint;
using gw::Transport;

TEST(Endpoint, UdpHostPort) {
  auto ep = parse_endpoint("udp:127.0.0.1:5004");
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->transport, Transport::udp);
  EXPECT_EQ(ep->host, "127.0.0.1");
  EXPECT_EQ(ep->port, 5004);
  EXPECT_EQ(ep->to_string(), "udp:127.0.0.1:5004");
}

TEST(Endpoint, BracketedIpv6) {
  auto ep = parse_endpoint("tcp:[::1]:3478");
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->transport, Transport::tcp);
  EXPECT_EQ(ep->host, "::1");
  EXPECT_EQ(ep->to_string(), "tcp:[::1]:3478");
}

TEST(Endpoint, UnixPath) {
  auto ep = parse_endpoint("unix:/tmp/a.sock");
  ASSERT_TRUE(ep.ok());
  EXPECT_TRUE(ep->is_unix());
  EXPECT_EQ(ep->path, "/tmp/a.sock");
  EXPECT_FALSE(parse_endpoint("unix:").ok());
}

TEST(Endpoint, DefaultsApply) {
  auto ep = parse_endpoint("stun.example.org", {Transport::udp, 3478});
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->port, 3478);
  auto bare6 = parse_endpoint("2001:db8::1", {Transport::udp, 3478});
  ASSERT_TRUE(bare6.ok());
  EXPECT_EQ(bare6->host, "2001:db8::1");
}

TEST(Endpoint, Errors) {
  EXPECT_EQ(parse_endpoint("udp:1.2.3.4").error().code, "endpoint.no-port");
  EXPECT_EQ(parse_endpoint("1.2.3.4:70000").error().code, "endpoint.bad-port");
  EXPECT_EQ(parse_endpoint("1.2.3.4:").error().code, "endpoint.bad-port");
  EXPECT_EQ(parse_endpoint("[::1:5").error().code, "endpoint.bad-ipv6");
  EXPECT_EQ(parse_endpoint("").error().code, "endpoint.empty");
  EXPECT_EQ(parse_endpoint("bad host:1").error().code, "endpoint.bad-host");
}
