// RFC 5769 test vectors (and RFC 8489 Appendix B.1 as corrected by errata 6268).
#include <gtest/gtest.h>

#include "stun/attributes.hpp"
#include "stun/builder.hpp"
#include "stun/integrity.hpp"
#include "stun/message.hpp"

namespace gw::stun {
namespace {

Bytes hex(std::string_view text) {
  std::string compact;
  for (char c : text) {
    if (c != ' ' && c != '\n') compact.push_back(c);
  }
  Bytes out;
  EXPECT_TRUE(from_hex(compact, out));
  return out;
}

// RFC 5769 §2.1: pads USERNAME with spaces (0x20), which RFC 8489 allows.
const Bytes kRequest = hex(
    "00010058 2112a442 b7e7a701 bc34d686 fa87dfae"
    "80220010 5354554e 20746573 7420636c 69656e74"
    "00240004 6e0001ff 80290008 932ff9b1 51263b36"
    "00060009 6576746a 3a683676 59202020"
    "00080014 9aeaa70c bfd8cb56 781ef2b5 b2d3f249 c1b571a2"
    "80280004 e57a3bcf");
// RFC 5769 §2.2 and §2.3.
const Bytes kResponseV4 = hex(
    "0101003c 2112a442 b7e7a701 bc34d686 fa87dfae"
    "8022000b 74657374 20766563 746f7220"
    "00200008 0001a147 e112a643"
    "00080014 2b91f599 fd9e90c3 8c7489f9 2af9ba53 f06be7d7"
    "80280004 c07d4c96");
const Bytes kResponseV6 = hex(
    "01010048 2112a442 b7e7a701 bc34d686 fa87dfae"
    "8022000b 74657374 20766563 746f7220"
    "00200014 0002a147 0113a9fa a5d3f179 bc25f4b5 bed2b9d9"
    "00080014 a382954e 4be67bf1 1784c97c 8292c275 bfe3ed41"
    "80280004 c8fb0b4c");
// RFC 5769 §2.4: long-term credentials, no FINGERPRINT.
const Bytes kLongTerm = hex(
    "00010060 2112a442 78ad3433 c6ad72c0 29da412e"
    "00060012 e3839ee3 8388e383 aae38383 e382afe3 82b90000"
    "0015001c 662f2f34 39396b39 35346436 4f4c3334 6f4c3946 53547679 36347341"
    "0014000b 6578616d 706c652e 6f726700"
    "00080014 f6702465 6dd64a3e 02b8e071 2e85c9a2 8ca89666");
// RFC 8489 Appendix B.1 as corrected by errata 6268 (the published vector's
// lengths and HMAC are wrong): USERHASH, PASSWORD-ALGORITHM, MI-SHA256.
const Bytes kLongTermSha256 = hex(
    "00010090 2112a442 78ad3433 c6ad72c0 29da412e"
    "001e0020 4a3cf38f ef6992bd a952c678 0417da0f 24819415 569e60b2 05c46e41 407f1704"
    "00150029 6f624d61 744a6f73 32414141 43662f2f 3439396b 39353464 364f4c33"
    "346f4c39 46535476 79363473 41000000"
    "0014000b 6578616d 706c652e 6f726700"
    "001d0004 00020000"
    "001c0020 b5c7bf00 5b6c52a2 1c51c5e8 92f81924 136296cb 927c4314 9309278c c6518e65");

const std::string kShortTermPassword = "VOkJxbRl1RmTxUk/WvJxBt";
// U+30DE U+30C8 U+30EA U+30C3 U+30AF U+30B9 ("matorikkusu") in UTF-8.
const std::string kLongTermUser = "\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa\xe3\x83\x83\xe3\x82\xaf\xe3\x82\xb9";
// The RFC's password "The<U+00AD>M<U+00AA>tr<U+2168>" after SASLprep: we do
// not implement SASLprep, so the prepared form is given here.
const std::string kLongTermPassword = "TheMatrIX";

TEST(StunRfc5769, SampleRequest) {
  auto m = decode(kRequest);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->cls, Class::request);
  EXPECT_EQ(m->method, Method::binding);
  EXPECT_EQ(get_text(*m, attr::software), "STUN test client");
  EXPECT_EQ(get_text(*m, attr::username), "evtj:h6vY");
  EXPECT_EQ(get_priority(*m), 0x6e0001ffU);
  EXPECT_EQ(get_u64(*m, attr::ice_controlled), 0x932ff9b151263b36ULL);
  const auto key = short_term_key(kShortTermPassword);
  EXPECT_EQ(check_message_integrity(kRequest, *m, key), Check::ok);
  EXPECT_EQ(check_message_integrity(kRequest, *m, short_term_key("wrong")), Check::mismatch);
  EXPECT_EQ(check_fingerprint(kRequest, *m), Check::ok);

  const auto rebuilt = MessageBuilder(Method::binding, Class::request, m->transaction_id)
                           .padding_byte(0x20)
                           .add_text(attr::software, "STUN test client")
                           .add_u32(attr::priority, 0x6e0001ff)
                           .add_u64(attr::ice_controlled, 0x932ff9b151263b36ULL)
                           .add_text(attr::username, "evtj:h6vY")
                           .with_integrity(key)
                           .with_fingerprint()
                           .build();
  EXPECT_EQ(to_hex(rebuilt), to_hex(kRequest));
}

void check_response(const Bytes& vector, const std::string& expected_address) {
  auto m = decode(vector);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->cls, Class::success);
  const auto mapped = get_address(*m, attr::xor_mapped_address);
  ASSERT_TRUE(mapped.has_value());
  EXPECT_EQ(mapped->to_string(), expected_address);
  const auto key = short_term_key(kShortTermPassword);
  EXPECT_EQ(check_message_integrity(vector, *m, key), Check::ok);
  EXPECT_EQ(check_fingerprint(vector, *m), Check::ok);
  const auto rebuilt = MessageBuilder::reply_to(*m, Class::success)
                           .padding_byte(0x20)
                           .add_text(attr::software, "test vector")
                           .add_address(attr::xor_mapped_address, *mapped)
                           .with_integrity(key)
                           .with_fingerprint()
                           .build();
  EXPECT_EQ(to_hex(rebuilt), to_hex(vector));
}

TEST(StunRfc5769, IPv4Response) { check_response(kResponseV4, "192.0.2.1:32853"); }

TEST(StunRfc5769, IPv6Response) {
  check_response(kResponseV6, "[2001:db8:1234:5678:11:2233:4455:6677]:32853");
}

TEST(StunRfc5769, LongTermRequest) {
  auto m = decode(kLongTerm);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(get_text(*m, attr::username), kLongTermUser);
  EXPECT_EQ(get_text(*m, attr::realm), "example.org");
  EXPECT_EQ(get_text(*m, attr::nonce), "f//499k954d6OL34oL9FSTvy64sA");
  const auto key = long_term_key(kLongTermUser, "example.org", kLongTermPassword);
  EXPECT_EQ(check_message_integrity(kLongTerm, *m, key), Check::ok);
  EXPECT_EQ(check_message_integrity(kLongTerm, *m,
                                    long_term_key(kLongTermUser, "example.org", "TheMatrIx")),
            Check::mismatch);
  EXPECT_EQ(check_fingerprint(kLongTerm, *m), Check::absent);
  const auto rebuilt = MessageBuilder(Method::binding, Class::request, m->transaction_id)
                           .add_text(attr::username, kLongTermUser)
                           .add_text(attr::nonce, "f//499k954d6OL34oL9FSTvy64sA")
                           .add_text(attr::realm, "example.org")
                           .with_integrity(key)
                           .build();
  EXPECT_EQ(to_hex(rebuilt), to_hex(kLongTerm));
}

TEST(StunRfc5769, Rfc8489LongTermSha256WithErrata) {
  auto m = decode(kLongTermSha256);
  ASSERT_TRUE(m.ok()) << m.error().message;
  const auto* uh = m->find(attr::userhash);
  ASSERT_NE(uh, nullptr);
  EXPECT_EQ(uh->value, userhash(kLongTermUser, "example.org"));
  const auto alg = get_password_algorithm(*m);
  ASSERT_TRUE(alg.has_value());
  EXPECT_EQ(alg->id, static_cast<std::uint16_t>(PasswordAlgorithmId::sha256));
  const auto key = long_term_key(kLongTermUser, "example.org", kLongTermPassword,
                                 PasswordAlgorithmId::sha256);
  EXPECT_EQ(check_integrity(kLongTermSha256, *m, key), Check::ok);
  const auto rebuilt = MessageBuilder(Method::binding, Class::request, m->transaction_id)
                           .add(attr::userhash, userhash(kLongTermUser, "example.org"))
                           .add_text(attr::nonce, "obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA")
                           .add_text(attr::realm, "example.org")
                           .add(attr::password_algorithm,
                                encode_password_algorithm({0x0002, {}}))
                           .with_integrity_sha256(key)
                           .build();
  EXPECT_EQ(to_hex(rebuilt), to_hex(kLongTermSha256));
}

TEST(StunRfc5769, CorruptionBreaksIntegrityAndFingerprint) {
  Bytes v = kRequest;
  v[30] ^= 0x01;  // inside SOFTWARE
  auto m = decode(v);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(check_message_integrity(v, *m, short_term_key(kShortTermPassword)), Check::mismatch);
  EXPECT_EQ(check_fingerprint(v, *m), Check::mismatch);
}

}  // namespace
}  // namespace gw::stun
