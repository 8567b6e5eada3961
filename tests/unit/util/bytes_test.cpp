#include "util/bytes.hpp"

#include <gtest/gtest.h>

TEST(Bytes, HexRoundTrip) {
  gw::Bytes b;
  ASSERT_TRUE(gw::from_hex("AB:cd:01", b));
  EXPECT_EQ(gw::to_hex(b), "abcd01");
  EXPECT_FALSE(gw::from_hex("abc", b));
  EXPECT_FALSE(gw::from_hex("zz", b));
  EXPECT_FALSE(gw::from_hex("a:b", b));
}

TEST(Bytes, BigEndian) {
  gw::Bytes b;
  gw::ByteWriter w(b);
  w.u16(0x0102);
  w.u32(0x03040506);
  ASSERT_EQ(b.size(), 6U);
  EXPECT_EQ(gw::load_be16(b.data()), 0x0102);
  EXPECT_EQ(gw::load_be32(b.data() + 2), 0x03040506U);
}
