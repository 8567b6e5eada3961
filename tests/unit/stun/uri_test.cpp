#include <gtest/gtest.h>

#include "stun/uri.hpp"

namespace gw::stun {
namespace {

TEST(StunUri, Forms) {
  struct Case {
    const char* text;
    Transport transport;
    const char* host;
    std::uint16_t port;
  };
  const Case cases[] = {
      {"stun:stun.example.org", Transport::udp, "stun.example.org", 3478},
      {"stun:stun.example.org:19302", Transport::udp, "stun.example.org", 19302},
      {"STUN:192.0.2.1?transport=tcp", Transport::tcp, "192.0.2.1", 3478},
      {"stuns:example.org", Transport::tls, "example.org", 5349},
      {"stuns:example.org:443?transport=tcp", Transport::tls, "example.org", 443},
      {"stun:[2001:db8::1]:3479", Transport::udp, "2001:db8::1", 3479},
      {"example.org", Transport::udp, "example.org", 3478},
      {"localhost:3480", Transport::udp, "localhost", 3480},
      {"[::1]:3478", Transport::udp, "::1", 3478},
      {"198.51.100.1", Transport::udp, "198.51.100.1", 3478},
  };
  for (const auto& c : cases) {
    auto u = parse_stun_uri(c.text);
    ASSERT_TRUE(u.ok()) << c.text << ": " << u.error().message;
    EXPECT_EQ(u->transport, c.transport) << c.text;
    EXPECT_EQ(u->host, c.host) << c.text;
    EXPECT_EQ(u->port, c.port) << c.text;
  }
  EXPECT_EQ(parse_stun_uri("stun:h?transport=tcp")->to_string(), "stun:h:3478?transport=tcp");
  EXPECT_EQ(parse_stun_uri("stuns:[::1]")->to_string(), "stuns:[::1]:5349");
}

TEST(StunUri, Rejects) {
  for (const char* bad : {"turn:example.org", "http://example.org", "stun:", "stun:host:99999",
                          "stuns:host?transport=udp", "stun:host?transport=sctp"}) {
    EXPECT_FALSE(parse_stun_uri(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace gw::stun
