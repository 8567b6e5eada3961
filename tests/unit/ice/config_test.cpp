#include "ice/config.hpp"

#include <gtest/gtest.h>

namespace gw::ice {
namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

TEST(IceConfig, AddressMappingForms) {
  auto plain = parse_address_mapping("203.0.113.10");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->local.has_value());
  EXPECT_EQ(plain->advertised, ip("203.0.113.10"));
  auto mapped = parse_address_mapping("100.64.0.2=203.0.113.10");
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ(mapped->local, ip("100.64.0.2"));
  auto v6 = parse_address_mapping("2001:db8::1");
  ASSERT_TRUE(v6.ok());
  EXPECT_FALSE(v6->advertised.is_v4());
  EXPECT_FALSE(parse_address_mapping("gateway.example").ok());
  EXPECT_FALSE(parse_address_mapping("100.64.0.2=").ok());
  EXPECT_FALSE(parse_address_mapping("100.64.0.2=2001:db8::1").ok());
}

TEST(IceConfig, AdvertisedForPrefersExactLocal) {
  std::vector<AddressMapping> plan = {*parse_address_mapping("203.0.113.1"),
                                      *parse_address_mapping("100.64.0.9=203.0.113.9"),
                                      *parse_address_mapping("2001:db8::5")};
  EXPECT_EQ(advertised_for(plan, ip("100.64.0.9")), ip("203.0.113.9"));
  EXPECT_EQ(advertised_for(plan, ip("100.64.0.2")), ip("203.0.113.1"));
  EXPECT_EQ(advertised_for(plan, ip("fd00::2")), ip("2001:db8::5"));
  EXPECT_FALSE(advertised_for({}, ip("100.64.0.2")).has_value());
  std::vector<AddressMapping> only_exact = {*parse_address_mapping("100.64.0.9=203.0.113.9")};
  EXPECT_FALSE(advertised_for(only_exact, ip("100.64.0.2")).has_value());
}

TEST(IceConfig, CredentialLimits) {
  EXPECT_TRUE(check_credentials("abcd", std::string(22, 'x')).ok());
  EXPECT_TRUE(check_credentials("a+/9", std::string(256, 'x')).ok());
  EXPECT_FALSE(check_credentials("abc", std::string(22, 'x')).ok());
  EXPECT_FALSE(check_credentials("abcd", std::string(21, 'x')).ok());
  EXPECT_FALSE(check_credentials(std::string(257, 'a'), std::string(22, 'x')).ok());
  EXPECT_FALSE(check_credentials("ab:d", std::string(22, 'x')).ok());
}

}  // namespace
}  // namespace gw::ice
