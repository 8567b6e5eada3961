// SRTP against RFC 3711 App. B, RFC 6188 §7 and RFC 7714 §16 vectors.
// libsrtp's API takes master keys only, so each test chains:
//   RFC vector -> validates the test's reference KDF / transform ->
//   libsrtp's protect output must equal the reference's, bit for bit.
#include <gtest/gtest.h>

#include "srtp/session.hpp"
#include "srtp_reference.hpp"

using namespace gw;
using namespace gw::srtp;

namespace {

Bytes hex(std::string_view s) {
  Bytes b;
  std::string clean;
  for (char c : s) {
    if (c != ' ') clean.push_back(c);
  }
  EXPECT_TRUE(from_hex(clean, b)) << s;
  return b;
}
Bytes cat(const Bytes& a, const Bytes& b) {
  Bytes o = a;
  o.insert(o.end(), b.begin(), b.end());
  return o;
}

// RFC 3711 B.3 master material and its derived session keys.
const Bytes kB3Key = hex("E1F97A0D3E018BE0D64FA32C06DE4139");
const Bytes kB3Salt = hex("0EC675AD498AFEEBB6960B3AABE6");
const Bytes kB3CipherKey = hex("C61E7A93744F39EE10734AFE3FF7A087");
const Bytes kB3CipherSalt = hex("30CBBC08863D8C85D49DB34A9AE1");
const Bytes kB3AuthKey = hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4");

// RFC 6188 §7.2 (AES_256_CM_PRF).
const Bytes k6188Key = hex("f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6");
const Bytes k6188Salt = hex("3b04803de51ee7c96423ab5b78d2");
const Bytes k6188CipherKey = hex("5ba1064e30ec51613cad926c5a28ef731ec7fb397f70a960653caf06554cd8c4");
const Bytes k6188CipherSalt = hex("fa31791685ca444a9e07c6c64e93");
const Bytes k6188AuthKey = hex("fd9c32d39ed5fbb5a9dc96b30818454d1313dc05");

// RFC 7714 §16 session key/salt and the RTP packet its vectors share.
const Bytes k7714Key128 = hex("000102030405060708090a0b0c0d0e0f");
const Bytes k7714Key256 = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
const Bytes k7714Salt = hex("517569642070726f2071756f");
const Bytes k7714Rtp = hex("8040f17b8041f8d35501a0b2 47616c6c696120657374206f6d6e69732064697669736120"
                           "696e207061727465732074726573");
const Bytes k7714Srtp128 = hex("8040f17b8041f8d35501a0b2 f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f"
                               "42a5f47a51c7d19b36de3adf8833 899d7f27beb16a9152cf765ee4390cce");

// The packet libsrtp's own driver uses: header then 16 x 0xab.
const Bytes kPlain = hex("800f1234decafbadcafebabe abababababababababababababababab");

Session make(Profile p, const Bytes& ks, Direction d) {
  auto s = Session::create(p, ks, d);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return std::move(s.value());
}

}  // namespace

TEST(SrtpVectors, Rfc3711B2Keystream) {
  Bytes ks = srtp_ref::aes_ctr(hex("2B7E151628AED2A6ABF7158809CF4F3C"),
                               hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"), Bytes(48, 0));
  EXPECT_EQ(to_hex(ks), "e03ead0935c95e80e166b16dd92b4eb4d23513162b02d0f72a43a2fe4a5f97ab"
                        "41e95b3bb0a2e8dd477901e4fca894c0");
}

TEST(SrtpVectors, Rfc3711B3KeyDerivation) {
  EXPECT_EQ(srtp_ref::kdf(kB3Key, kB3Salt, 0x00, 16), kB3CipherKey);
  EXPECT_EQ(srtp_ref::kdf(kB3Key, kB3Salt, 0x02, 14), kB3CipherSalt);
  EXPECT_EQ(srtp_ref::kdf(kB3Key, kB3Salt, 0x01, 20), kB3AuthKey);
}

TEST(SrtpVectors, Rfc6188AesCm256KeyDerivation) {
  EXPECT_EQ(srtp_ref::kdf(k6188Key, k6188Salt, 0x00, 32), k6188CipherKey);
  EXPECT_EQ(srtp_ref::kdf(k6188Key, k6188Salt, 0x02, 14), k6188CipherSalt);
  EXPECT_EQ(srtp_ref::kdf(k6188Key, k6188Salt, 0x01, 20), k6188AuthKey);
}

TEST(SrtpVectors, Rfc7714ReferenceTransform) {
  EXPECT_EQ(srtp_ref::protect_gcm(k7714Key128, k7714Salt, k7714Rtp, 0), k7714Srtp128);
}

TEST(SrtpVectors, AesCm128Sha1_80MatchesRfc3711KeysBitExact) {
  auto tx = make(Profile::aes_cm_128_hmac_sha1_80, cat(kB3Key, kB3Salt), Direction::outbound);
  Bytes p = kPlain;
  ASSERT_EQ(tx.protect_rtp(p), PacketStatus::ok);
  EXPECT_EQ(p, srtp_ref::protect_cm(kB3CipherKey, kB3CipherSalt, kB3AuthKey, 10, kPlain, 0));
  // The same value libsrtp's and other stacks' drivers carry for this key.
  EXPECT_EQ(to_hex(p), "800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb");
  auto rx = make(Profile::aes_cm_128_hmac_sha1_80, cat(kB3Key, kB3Salt), Direction::inbound);
  ASSERT_EQ(rx.unprotect_rtp(p), PacketStatus::ok);
  EXPECT_EQ(p, kPlain);
}

TEST(SrtpVectors, AesCm128Sha1_32MatchesReference) {
  auto tx = make(Profile::aes_cm_128_hmac_sha1_32, cat(kB3Key, kB3Salt), Direction::outbound);
  Bytes p = kPlain;
  ASSERT_EQ(tx.protect_rtp(p), PacketStatus::ok);
  EXPECT_EQ(p, srtp_ref::protect_cm(kB3CipherKey, kB3CipherSalt, kB3AuthKey, 4, kPlain, 0));
}

TEST(SrtpVectors, AesCm256Sha1_80MatchesRfc6188Keys) {
  auto tx = make(Profile::aes_256_cm_hmac_sha1_80, cat(k6188Key, k6188Salt), Direction::outbound);
  Bytes p = kPlain;
  ASSERT_EQ(tx.protect_rtp(p), PacketStatus::ok);
  EXPECT_EQ(p, srtp_ref::protect_cm(k6188CipherKey, k6188CipherSalt, k6188AuthKey, 10, kPlain, 0));
  EXPECT_EQ(to_hex(p), "800f1234decafbadcafebabef1d9de17ff251ff1aa007774b0b4b40da08d9d9a5b3a55d8873b");
}

TEST(SrtpVectors, AeadAesGcmMatchesRfc7714Transform) {
  // Master key/salt = the RFC 7714 material; session keys via the RFC 3711
  // KDF (RFC 7714 §11), then the §8 transform checked above.
  struct Case { Profile p; Bytes key; };
  for (const auto& c : {Case{Profile::aead_aes_128_gcm, k7714Key128}, Case{Profile::aead_aes_256_gcm, k7714Key256}}) {
    auto tx = make(c.p, cat(c.key, k7714Salt), Direction::outbound);
    Bytes p = k7714Rtp;
    ASSERT_EQ(tx.protect_rtp(p), PacketStatus::ok);
    Bytes sk = srtp_ref::kdf(c.key, k7714Salt, 0x00, c.key.size());
    Bytes ss = srtp_ref::kdf(c.key, k7714Salt, 0x02, 12);
    EXPECT_EQ(p, srtp_ref::protect_gcm(sk, ss, k7714Rtp, 0)) << info(c.p).sdes_name;
    auto rx = make(c.p, cat(c.key, k7714Salt), Direction::inbound);
    ASSERT_EQ(rx.unprotect_rtp(p), PacketStatus::ok);
    EXPECT_EQ(p, k7714Rtp);
  }
}

TEST(SrtpVectors, RolloverCounterAcrossWrapMatchesReference) {
  // RFC 3711 §3.3.1: after 65535 the ROC becomes 1 and enters the IV and tag.
  auto tx = make(Profile::aes_cm_128_hmac_sha1_80, cat(kB3Key, kB3Salt), Direction::outbound);
  auto rx = make(Profile::aes_cm_128_hmac_sha1_80, cat(kB3Key, kB3Salt), Direction::inbound);
  std::uint16_t seq = 65500;
  for (int i = 0; i < 100; ++i, ++seq) {
    Bytes plain = kPlain;
    store_be16(plain.data() + 2, seq);
    Bytes p = plain;
    ASSERT_EQ(tx.protect_rtp(p), PacketStatus::ok);
    std::uint32_t roc = i < 36 ? 0 : 1;  // 65500 + 36 = 65536
    ASSERT_EQ(p, srtp_ref::protect_cm(kB3CipherKey, kB3CipherSalt, kB3AuthKey, 10, plain, roc)) << "seq " << seq;
    ASSERT_EQ(rx.unprotect_rtp(p), PacketStatus::ok) << "seq " << seq;
    ASSERT_EQ(p, plain);
  }
}
