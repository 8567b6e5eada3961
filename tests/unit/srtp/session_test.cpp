#include "srtp/session.hpp"

#include <gtest/gtest.h>

#include "rtp/packet.hpp"
#include "srtp/keys.hpp"
#include "srtp/openssl_gcm.hpp"
#include "srtp/sdes.hpp"

using namespace gw;
using namespace gw::srtp;

namespace {

Bytes key_for(Profile p, std::uint8_t fill) { return Bytes(key_salt_length(p), fill); }

Bytes rtcp_rr() {
  Bytes b;
  from_hex("80c90001" "11223344", b);
  return b;
}

class PerProfile : public ::testing::TestWithParam<Profile> {};

}  // namespace

TEST_P(PerProfile, RtpAndRtcpRoundTrip) {
  Profile p = GetParam();
  auto tx = Session::create(p, key_for(p, 0x11), Direction::outbound);
  auto rx = Session::create(p, key_for(p, 0x11), Direction::inbound);
  ASSERT_TRUE(tx.ok() && rx.ok());
  for (std::uint16_t seq = 1; seq < 50; ++seq) {
    Bytes payload(160, static_cast<std::uint8_t>(seq));
    Bytes plain = rtp::build_rtp(0, seq, seq * 160U, 0xabcdef, payload);
    Bytes pkt = plain;
    ASSERT_EQ(tx->protect_rtp(pkt), PacketStatus::ok);
    EXPECT_EQ(pkt.size(), plain.size() + info(p).rtp_tag_length);
    EXPECT_NE(Bytes(pkt.begin() + 12, pkt.begin() + 172), payload);
    ASSERT_EQ(rx->unprotect_rtp(pkt), PacketStatus::ok);
    EXPECT_EQ(pkt, plain);
  }
  Bytes rtcp = rtcp_rr();
  Bytes pkt = rtcp;
  ASSERT_EQ(tx->protect_rtcp(pkt), PacketStatus::ok);
  EXPECT_GT(pkt.size(), rtcp.size() + 4);
  ASSERT_EQ(rx->unprotect_rtcp(pkt), PacketStatus::ok);
  EXPECT_EQ(pkt, rtcp);
}

TEST_P(PerProfile, ReplayAndAuthFailuresAreReported) {
  Profile p = GetParam();
  auto tx = Session::create(p, key_for(p, 0x22), Direction::outbound);
  auto rx = Session::create(p, key_for(p, 0x22), Direction::inbound);
  ASSERT_TRUE(tx.ok() && rx.ok());
  Bytes pkt = rtp::build_rtp(8, 7, 0, 1, Bytes(20, 1));
  ASSERT_EQ(tx->protect_rtp(pkt), PacketStatus::ok);
  Bytes copy = pkt;
  Bytes tampered = pkt;
  tampered[15] ^= 0x01;
  EXPECT_EQ(rx->unprotect_rtp(tampered), PacketStatus::auth_fail);
  ASSERT_EQ(rx->unprotect_rtp(pkt), PacketStatus::ok);
  EXPECT_EQ(rx->unprotect_rtp(copy), PacketStatus::replay_fail);
  // Wrong key: authentication fails.
  auto other = Session::create(p, key_for(p, 0x23), Direction::inbound);
  Bytes pkt2 = rtp::build_rtp(8, 8, 0, 1, Bytes(20, 1));
  ASSERT_EQ(tx->protect_rtp(pkt2), PacketStatus::ok);
  EXPECT_EQ(other->unprotect_rtp(pkt2), PacketStatus::auth_fail);
}

TEST_P(PerProfile, MalformedInputIsCountedNotCrashed) {
  Profile p = GetParam();
  auto tx = Session::create(p, key_for(p, 0x33), Direction::outbound);
  auto rx = Session::create(p, key_for(p, 0x33), Direction::inbound);
  for (std::size_t n : {0U, 1U, 11U, 12U, 13U, 20U}) {
    Bytes junk(n, 0x80);
    EXPECT_NE(rx->unprotect_rtp(junk), PacketStatus::ok) << n;
    Bytes junk2(n, 0x80);
    EXPECT_NE(rx->unprotect_rtcp(junk2), PacketStatus::ok) << n;
  }
  Bytes cc15 = rtp::build_rtp(0, 1, 0, 1, Bytes(8, 0));
  cc15[0] = 0x8f;  // 15 CSRCs announced, none present
  EXPECT_EQ(tx->protect_rtp(cc15), PacketStatus::malformed);
  Bytes bad_rtcp(6, 0x80);
  EXPECT_EQ(tx->protect_rtcp(bad_rtcp), PacketStatus::malformed);
  // A session refuses the wrong direction.
  Bytes pkt = rtp::build_rtp(0, 1, 0, 1, Bytes(8, 0));
  EXPECT_EQ(rx->protect_rtp(pkt), PacketStatus::other);
}

TEST_P(PerProfile, SequenceWrapKeepsDecrypting) {
  Profile p = GetParam();
  auto tx = Session::create(p, key_for(p, 0x44), Direction::outbound);
  auto rx = Session::create(p, key_for(p, 0x44), Direction::inbound);
  std::uint16_t seq = 65000;
  for (int i = 0; i < 1200; ++i, ++seq) {
    Bytes plain = rtp::build_rtp(0, seq, 0, 5, Bytes(40, 9));
    Bytes pkt = plain;
    ASSERT_EQ(tx->protect_rtp(pkt), PacketStatus::ok);
    ASSERT_EQ(rx->unprotect_rtp(pkt), PacketStatus::ok) << "seq " << seq;
    ASSERT_EQ(pkt, plain);
  }
}

std::string profile_test_name(const ::testing::TestParamInfo<Profile>& p) {
  return std::string(gw::srtp::info(p.param).sdes_name);
}
INSTANTIATE_TEST_SUITE_P(Srtp, PerProfile, ::testing::ValuesIn(all_profiles()), profile_test_name);

TEST(SrtpSession, RejectsWrongKeyLength) {
  auto s = Session::create(Profile::aead_aes_128_gcm, Bytes(30, 0), Direction::inbound);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "srtp.key-length");
}

TEST(SrtpSession, MoveKeepsWorking) {
  auto tx = Session::create(Profile::aead_aes_128_gcm, Bytes(28, 1), Direction::outbound);
  Session moved = std::move(tx.value());
  Bytes pkt = rtp::build_rtp(0, 1, 0, 1, Bytes(8, 0));
  EXPECT_EQ(moved.protect_rtp(pkt), PacketStatus::ok);
}

// The OpenSSL AES-GCM passes libsrtp's own cipher self-test (run again on
// each install); the PerProfile and vector tests then run over it.
TEST(SrtpSession, OpensslGcmPassesLibsrtpSelfTest) {
  ensure_initialized();
  EXPECT_TRUE(install_openssl_gcm());
}

TEST(SrtpProfile, Names) {
  EXPECT_EQ(profile_from_name("SRTP_AES128_CM_SHA1_80"), Profile::aes_cm_128_hmac_sha1_80);
  EXPECT_EQ(profile_from_name("aead_aes_256_gcm"), Profile::aead_aes_256_gcm);
  EXPECT_EQ(profile_from_dtls_id(0x0007), Profile::aead_aes_128_gcm);
  EXPECT_FALSE(profile_from_dtls_id(0).has_value());
  auto list = parse_profile_list("AEAD_AES_128_GCM, AES_CM_128_HMAC_SHA1_80,AEAD_AES_128_GCM");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 2U);
  EXPECT_EQ(openssl_profile_list(*list), "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80");
  EXPECT_FALSE(parse_profile_list("NOPE").ok());
  EXPECT_FALSE(parse_profile_list("").ok());
}

TEST(SrtpKeys, Rfc5764Layout) {
  // 2*(16+14) octets: CK(0x01..) SK(0x02..) CS(0x03..) SS(0x04..)
  Bytes m;
  for (std::uint8_t v : {1, 2}) m.insert(m.end(), 16, v);
  for (std::uint8_t v : {3, 4}) m.insert(m.end(), 14, v);
  auto client = split_dtls_keying_material(Profile::aes_cm_128_hmac_sha1_80, m, true);
  auto server = split_dtls_keying_material(Profile::aes_cm_128_hmac_sha1_80, m, false);
  ASSERT_TRUE(client.ok() && server.ok());
  Bytes ck_cs(16, 1);
  ck_cs.insert(ck_cs.end(), 14, 3);
  Bytes sk_ss(16, 2);
  sk_ss.insert(sk_ss.end(), 14, 4);
  EXPECT_EQ(client->local, ck_cs);
  EXPECT_EQ(client->remote, sk_ss);
  EXPECT_EQ(server->local, sk_ss);
  EXPECT_EQ(server->remote, ck_cs);
  EXPECT_FALSE(split_dtls_keying_material(Profile::aead_aes_128_gcm, m, true).ok());
  EXPECT_EQ(exporter_length(Profile::aead_aes_256_gcm), 88U);
}

TEST(Sdes, ParseRfc4568Example) {
  // RFC 4568 §4 example line.
  auto c = CryptoAttribute::parse(
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->tag, 1U);
  EXPECT_EQ(c->suite, Profile::aes_cm_128_hmac_sha1_80);
  EXPECT_EQ(c->key_salt.size(), 30U);
  EXPECT_EQ(c->lifetime, "2^20");
  EXPECT_EQ(c->to_string(), "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20");
}

TEST(Sdes, GenerateRoundTripsEverySuite) {
  for (Profile p : all_profiles()) {
    auto g = CryptoAttribute::generate(p, 3);
    ASSERT_TRUE(g.ok());
    auto back = CryptoAttribute::parse(g->to_string());
    ASSERT_TRUE(back.ok()) << g->to_string() << ": " << back.error().message;
    EXPECT_EQ(back->key_salt, g->key_salt);
    EXPECT_EQ(back->suite, p);
    EXPECT_EQ(back->tag, 3U);
    // Without the tag too, as the CLI accepts it.
    std::string no_tag = g->to_string().substr(2);
    EXPECT_TRUE(CryptoAttribute::parse(no_tag).ok()) << no_tag;
  }
  auto a = CryptoAttribute::generate(Profile::aead_aes_128_gcm);
  auto b = CryptoAttribute::generate(Profile::aead_aes_128_gcm);
  EXPECT_NE(a->key_salt, b->key_salt);
}

TEST(Sdes, Refusals) {
  const std::string key = " inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR";
  EXPECT_EQ(CryptoAttribute::parse("1 F8_128_HMAC_SHA1_80" + key).error().code, "sdes.suite");
  EXPECT_EQ(CryptoAttribute::parse("1 AEAD_AES_128_GCM" + key).error().code, "sdes.key-length");
  EXPECT_EQ(CryptoAttribute::parse("1 AES_CM_128_HMAC_SHA1_80" + key + "|2^20|1:4").error().code, "sdes.mki");
  EXPECT_EQ(CryptoAttribute::parse("1 AES_CM_128_HMAC_SHA1_80" + key + " UNENCRYPTED_SRTP").error().code,
            "sdes.session-param");
  EXPECT_EQ(CryptoAttribute::parse("1 AES_CM_128_HMAC_SHA1_80 key:abcd").error().code, "sdes.key-method");
  EXPECT_EQ(CryptoAttribute::parse("1 AES_CM_128_HMAC_SHA1_80 inline:@@@@").error().code, "sdes.base64");
  EXPECT_EQ(CryptoAttribute::parse("0 AES_CM_128_HMAC_SHA1_80" + key).error().code, "sdes.tag");
  EXPECT_FALSE(CryptoAttribute::parse("").ok());
  EXPECT_TRUE(CryptoAttribute::parse("1 AES_CM_128_HMAC_SHA1_80" + key + " WSH=128").ok());
}

TEST(Sdes, Base64) {
  EXPECT_EQ(base64_encode(as_bytes("")), "");
  EXPECT_EQ(base64_encode(as_bytes("f")), "Zg==");
  EXPECT_EQ(base64_encode(as_bytes("fo")), "Zm8=");
  EXPECT_EQ(base64_encode(as_bytes("foobar")), "Zm9vYmFy");
  EXPECT_EQ(as_string(base64_decode("Zm9vYg==").value()), "foob");
  EXPECT_EQ(as_string(base64_decode("Zm9vYg").value()), "foob");
  EXPECT_FALSE(base64_decode("Z").ok());
}
