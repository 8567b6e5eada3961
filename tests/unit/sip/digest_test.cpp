#include "sip/digest.hpp"

#include <gtest/gtest.h>

namespace gw::sip {
namespace {

// RFC 7616 §3.9.1 (the example HTTP request, MD5 and SHA-256).
constexpr const char* kNonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
constexpr const char* kCnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
constexpr const char* kOpaque = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";

DigestRequest rfc7616_request() {
  return DigestRequest{"GET", "/dir/index.html", "Mufasa", "Circle of Life", kCnonce, 1, ""};
}

DigestChallenge rfc7616_challenge(const char* algorithm) {
  std::string text = std::string("Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=") +
                     algorithm + ", nonce=\"" + kNonce + "\", opaque=\"" + kOpaque + "\"";
  auto ch = parse_digest_challenge(text);
  EXPECT_TRUE(ch.ok());
  return *ch;
}

TEST(Digest, Rfc7616Md5Vector) {
  auto r = digest_response(rfc7616_challenge("MD5"), rfc7616_request());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "8ca523f5e9506fed4657c9700eebdbec");
}

TEST(Digest, Rfc7616Sha256Vector) {
  auto r = digest_response(rfc7616_challenge("SHA-256"), rfc7616_request());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

TEST(Digest, Rfc2617Vector) {
  // RFC 2617 §3.5 (algorithm absent = MD5, qop=auth).
  auto ch = parse_digest_challenge(
      "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
      "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
  ASSERT_TRUE(ch.ok());
  DigestRequest req{"GET", "/dir/index.html", "Mufasa", "Circle Of Life", "0a4f113b", 1, ""};
  auto r = digest_response(*ch, req);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "6629fae49393a05397450978507c4ef1");
}

TEST(Digest, ParsesParamsInAnyOrderWithEscapes) {
  auto ch = parse_digest_challenge(
      "Digest nonce=\"n\\\"1\",realm=\"a \\\\ b\" , stale=TRUE, algorithm=SHA-256-sess, foo=bar");
  ASSERT_TRUE(ch.ok());
  EXPECT_EQ(ch->nonce, "n\"1");
  EXPECT_EQ(ch->realm, "a \\ b");
  EXPECT_TRUE(ch->stale);
  EXPECT_EQ(ch->algorithm(), DigestAlgorithm::sha256_sess);
  EXPECT_EQ(ch->params.at("foo"), "bar");
  EXPECT_TRUE(ch->qop.empty());
}

TEST(Digest, RejectsBadChallenges) {
  EXPECT_FALSE(parse_digest_challenge("Basic realm=\"x\"").ok());
  EXPECT_FALSE(parse_digest_challenge("Digest realm=\"x\"").ok());           // no nonce
  EXPECT_FALSE(parse_digest_challenge("Digest nonce=\"x\"").ok());           // no realm
  EXPECT_FALSE(parse_digest_challenge("Digest realm=\"x, nonce=\"y").ok());  // unterminated
  EXPECT_FALSE(parse_digest_challenge("Digest").ok());
  EXPECT_FALSE(parse_digest_challenge("").ok());
  auto ch = parse_digest_challenge("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-1");
  ASSERT_TRUE(ch.ok());
  EXPECT_FALSE(ch->algorithm().has_value());
  EXPECT_FALSE(digest_response(*ch, rfc7616_request()).ok());
}

TEST(Digest, NoQopUsesTheRfc2069Form) {
  auto ch = parse_digest_challenge("Digest realm=\"r\", nonce=\"n\"");
  ASSERT_TRUE(ch.ok());
  DigestRequest req{"REGISTER", "sip:example.com", "alice", "pw", "", 1, ""};
  auto r = digest_response(*ch, req);
  ASSERT_TRUE(r.ok());
  // H(H(alice:r:pw):n:H(REGISTER:sip:example.com))
  std::string ha1 = digest_hash_hex(DigestAlgorithm::md5, "alice:r:pw");
  std::string ha2 = digest_hash_hex(DigestAlgorithm::md5, "REGISTER:sip:example.com");
  EXPECT_EQ(*r, digest_hash_hex(DigestAlgorithm::md5, ha1 + ":n:" + ha2));
}

TEST(Digest, AuthorizationHeaderCarriesEveryField) {
  auto h = digest_authorization(rfc7616_challenge("SHA-256"), rfc7616_request());
  ASSERT_TRUE(h.ok());
  EXPECT_NE(h->find("Digest username=\"Mufasa\""), std::string::npos);
  EXPECT_NE(h->find("algorithm=SHA-256"), std::string::npos);
  EXPECT_NE(h->find("qop=auth, nc=00000001"), std::string::npos);
  EXPECT_NE(h->find("response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\""),
            std::string::npos);
  EXPECT_NE(h->find(std::string("opaque=\"") + kOpaque + "\""), std::string::npos);
}

TEST(Digest, SofiaCredentialString) {
  auto s = sofia_auth_string("Digest", "127.0.0.1", "alice", "pa:ss");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, "Digest:\"127.0.0.1\":alice:pa:ss");
  EXPECT_FALSE(sofia_auth_string("Digest", "a\"b", "alice", "x").ok());
  EXPECT_FALSE(sofia_auth_string("Digest", "r", "al:ice", "x").ok());
}

// RFC 8760 answers for an INVITE (sip-leg's own, since sofia-sip does MD5
// only). Expected values computed independently with Python's hashlib:
// H(H(carol:sipp.test:pw):8760nonce1:00000001:0a4f113b:auth:H(INVITE:uri)).
DigestRequest invite_request() {
  return DigestRequest{"INVITE", "sip:auth@127.0.0.1:35100", "carol", "pw", "0a4f113b", 1, ""};
}
std::string sipp_challenge(const char* algorithm) {
  return std::string("Digest realm=\"sipp.test\", nonce=\"8760nonce1\", qop=\"auth\", algorithm=") + algorithm;
}

TEST(Digest, Rfc8760AnswersSha256ForAnInvite) {
  auto h = rfc8760_authorization({sipp_challenge("SHA-256")}, "", invite_request());
  ASSERT_TRUE(h.has_value());
  EXPECT_NE(h->find("response=\"e1b99dd29d50c90fd416c8def2a3eef75c9ff5a155ec8994fb86ac6be3ae6dbb\""),
            std::string::npos) << *h;
  EXPECT_NE(h->find("uri=\"sip:auth@127.0.0.1:35100\""), std::string::npos);
  EXPECT_NE(h->find("algorithm=SHA-256"), std::string::npos);
}

TEST(Digest, Rfc8760AnswersSha512_256) {
  auto h = rfc8760_authorization({sipp_challenge("SHA-512-256")}, "sipp.test", invite_request());
  ASSERT_TRUE(h.has_value());
  EXPECT_NE(h->find("response=\"bc6514ee94ed87e978b83e26c9200635a30b620028ffbbf81f522012803b2f49\""),
            std::string::npos) << *h;
}

TEST(Digest, Rfc8760LeavesMd5ToSofiaAndHonoursTheRealm) {
  EXPECT_FALSE(rfc8760_authorization({sipp_challenge("MD5")}, "", invite_request()).has_value());
  EXPECT_FALSE(rfc8760_authorization({"Digest realm=\"r\", nonce=\"n\""}, "", invite_request()).has_value());
  EXPECT_FALSE(rfc8760_authorization({sipp_challenge("SHA-256")}, "other", invite_request()).has_value());
  // The first RFC 8760 challenge wins, after any MD5 one.
  auto h = rfc8760_authorization({sipp_challenge("MD5"), sipp_challenge("SHA-512-256"), sipp_challenge("SHA-256")},
                                 "", invite_request());
  ASSERT_TRUE(h.has_value());
  EXPECT_NE(h->find("algorithm=SHA-512-256"), std::string::npos);
  EXPECT_TRUE(is_rfc8760(DigestAlgorithm::sha256_sess));
  EXPECT_FALSE(is_rfc8760(DigestAlgorithm::md5_sess));
}

}  // namespace
}  // namespace gw::sip
