// STUN codec: header checks, attribute framing, typed attributes, builder.
#include <gtest/gtest.h>

#include "stun/attributes.hpp"
#include "stun/builder.hpp"
#include "stun/integrity.hpp"
#include "stun/message.hpp"

namespace gw::stun {
namespace {

const TransactionId kTid{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

Bytes binding_request() {
  return MessageBuilder(Method::binding, Class::request, kTid).add_text(attr::software, "x").build();
}

TEST(StunCodec, MessageTypeBits) {
  EXPECT_EQ(message_type(Method::binding, Class::request), 0x0001);
  EXPECT_EQ(message_type(Method::binding, Class::indication), 0x0011);
  EXPECT_EQ(message_type(Method::binding, Class::success), 0x0101);
  EXPECT_EQ(message_type(Method::binding, Class::error), 0x0111);
  Method m{};
  Class c{};
  split_message_type(0x0113, m, c);  // Allocate error response (RFC 8656)
  EXPECT_EQ(static_cast<int>(m), 3);
  EXPECT_EQ(c, Class::error);
  for (std::uint16_t t = 0; t < 0x3FFF; t += 7) {
    split_message_type(t, m, c);
    EXPECT_EQ(message_type(m, c), t);
  }
}

TEST(StunCodec, HeaderChecks) {
  const Bytes good = binding_request();
  ASSERT_TRUE(decode(good).ok());
  EXPECT_EQ(decode(ByteView(good).first(19)).error().code, "stun.truncated");
  Bytes b = good;
  b[0] |= 0x80;
  EXPECT_EQ(decode(b).error().code, "stun.not-stun");
  b = good;
  b[4] ^= 0xFF;
  EXPECT_EQ(decode(b).error().code, "stun.bad-cookie");
  EXPECT_TRUE(decode(b, DecodeOptions{true}).ok());
  EXPECT_TRUE(decode(b, DecodeOptions{true})->is_rfc3489());
  b = good;
  b[3] += 2;
  EXPECT_EQ(decode(b).error().code, "stun.bad-length");
  b = good;
  b.push_back(0);
  b.push_back(0);
  b.push_back(0);
  b.push_back(0);
  EXPECT_EQ(decode(b).error().code, "stun.bad-length");  // trailing bytes
  b = good;
  b[22] = 0x00;
  b[23] = 0x40;  // attribute length past the end
  EXPECT_EQ(decode(b).error().code, "stun.attribute-overflow");
}

TEST(StunCodec, LooksLikeStun) {
  EXPECT_TRUE(looks_like_stun(binding_request()));
  Bytes rtp(40, 0);
  rtp[0] = 0x80;
  EXPECT_FALSE(looks_like_stun(rtp));
  Bytes dtls(40, 0);
  dtls[0] = 22;
  EXPECT_FALSE(looks_like_stun(dtls));
  EXPECT_FALSE(looks_like_stun(ByteView(binding_request()).first(10)));
}

TEST(StunCodec, StreamFraming) {
  const auto m = binding_request();
  EXPECT_FALSE(stream_message_size(ByteView(m).first(3)).has_value());
  EXPECT_EQ(stream_message_size(m), m.size());
}

TEST(StunCodec, RoundTripKeepsAttributesInOrder) {
  const auto bytes = MessageBuilder(Method::binding, Class::request, kTid)
                         .add_text(attr::username, "abc")
                         .add_u32(attr::priority, 7)
                         .add_flag(attr::use_candidate)
                         .add_u64(attr::ice_controlling, 0x0102030405060708ULL)
                         .add(0x7777, Bytes{1, 2, 3, 4, 5})
                         .build();
  auto m = decode(bytes);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->attributes.size(), 5U);
  EXPECT_EQ(m->attributes[4].type, 0x7777);
  EXPECT_EQ(m->attributes[4].value, (Bytes{1, 2, 3, 4, 5}));
  EXPECT_EQ(encode(*m), bytes);
  EXPECT_EQ(get_u64(*m, attr::ice_controlling), 0x0102030405060708ULL);
  EXPECT_TRUE(m->has(attr::use_candidate));
}

TEST(StunCodec, AddressesV4AndV6) {
  for (const char* text : {"192.0.2.1:32853", "[2001:db8::1]:3478"}) {
    const auto a = SocketAddress::parse(text).value();
    const auto bytes = MessageBuilder(Method::binding, Class::success, kTid)
                           .add_address(attr::xor_mapped_address, a)
                           .add_address(attr::mapped_address, a)
                           .add_address(attr::other_address, a)
                           .add_address(attr::response_origin, a)
                           .add_address(attr::changed_address, a)
                           .add_address(attr::source_address, a)
                           .add_address(attr::alternate_server, a)
                           .build();
    auto m = decode(bytes).value();
    for (auto t : {attr::xor_mapped_address, attr::mapped_address, attr::other_address,
                   attr::response_origin, attr::changed_address, attr::source_address,
                   attr::alternate_server}) {
      EXPECT_EQ(get_address(m, t), a) << attribute_name(t);
    }
    // The XOR form must not carry the address in clear.
    EXPECT_NE(m.find(attr::xor_mapped_address)->value, m.find(attr::mapped_address)->value);
  }
  EXPECT_FALSE(decode_address(Bytes{0, 3, 0, 1, 1, 2, 3, 4}).ok());
  EXPECT_FALSE(decode_address(Bytes{0, 1, 0, 1, 1, 2, 3}).ok());
}

TEST(StunCodec, TypedAttributes) {
  const auto e = decode_error_code(encode_error_code({420, ""})).value();
  EXPECT_EQ(e.code, 420);
  EXPECT_EQ(e.reason, "Unknown Attribute");
  EXPECT_FALSE(decode_error_code(Bytes{0, 0, 7, 0}).ok());
  const std::vector<std::uint16_t> unknown{0x0003, 0x7000, 0x0042};
  EXPECT_EQ(decode_unknown_attributes(encode_unknown_attributes(unknown)).value(), unknown);
  EXPECT_EQ(decode_change_request(encode_change_request({true, false})).value(),
            (ChangeRequest{true, false}));
  EXPECT_EQ(encode_change_request({true, true}), (Bytes{0, 0, 0, 6}));
  EXPECT_FALSE(decode_change_request(Bytes{0, 0}).ok());
  EXPECT_EQ(decode_response_port(encode_response_port(40000)).value(), 40000);
  const std::vector<PasswordAlgorithm> algs{{1, {}}, {2, {}}, {0x1234, {9, 9, 9}}};
  EXPECT_EQ(decode_password_algorithms(encode_password_algorithms(algs)).value(), algs);
  EXPECT_FALSE(decode_password_algorithms(Bytes{0, 1, 0, 9, 1}).ok());
  EXPECT_EQ(attribute_name(attr::other_address), "OTHER-ADDRESS");
  EXPECT_EQ(attribute_name(0x7abc), "0x7ABC");
}

TEST(StunCodec, IntegrityBothKindsThenFingerprint) {
  const auto key = long_term_key("user", "realm", "pass", PasswordAlgorithmId::sha256);
  const auto bytes = MessageBuilder(Method::binding, Class::request, kTid)
                         .add_text(attr::username, "user")
                         .with_integrity(key)
                         .with_integrity_sha256(key)
                         .with_fingerprint()
                         .build();
  auto m = decode(bytes).value();
  ASSERT_EQ(m.attributes.size(), 4U);
  EXPECT_EQ(m.attributes[1].type, attr::message_integrity);
  EXPECT_EQ(m.attributes[2].type, attr::message_integrity_sha256);
  EXPECT_EQ(m.attributes[3].type, attr::fingerprint);
  EXPECT_EQ(check_message_integrity(bytes, m, key), Check::ok);
  EXPECT_EQ(check_message_integrity_sha256(bytes, m, key), Check::ok);
  EXPECT_EQ(check_fingerprint(bytes, m), Check::ok);
  EXPECT_EQ(check_integrity(bytes, m, short_term_key("other")), Check::mismatch);
  EXPECT_EQ(long_term_key("user", "realm", "pass").size(), 16U);  // MD5
  EXPECT_EQ(crc32(as_bytes("123456789")), 0xCBF43926U);
}

TEST(StunCodec, FingerprintMustBeLast) {
  auto bytes = MessageBuilder(Method::binding, Class::request, kTid).with_fingerprint().build();
  auto m = decode(bytes).value();
  m.attributes.push_back({attr::software, Bytes{'a'}, 0});
  const auto moved = encode(m);
  EXPECT_EQ(check_fingerprint(moved, decode(moved).value()), Check::mismatch);
}

TEST(StunCodec, RandomTransactionIdsDiffer) {
  EXPECT_NE(random_transaction_id(), random_transaction_id());
}

}  // namespace
}  // namespace gw::stun
