#include "dtls/certificate.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

using namespace gw;
using namespace gw::dtls;

TEST(DtlsCertificate, GenerateP256WithSha256Fingerprint) {
  auto c = Certificate::generate();
  ASSERT_TRUE(c.ok()) << c.error().message;
  const auto& fp = c->fingerprint();
  EXPECT_EQ(fp.algorithm, "sha-256");
  EXPECT_EQ(fp.digest.size(), 32U);
  std::string hex = fp.hex();
  EXPECT_EQ(hex.size(), 32U * 3 - 1);
  EXPECT_EQ(hex[2], ':');
  EXPECT_EQ(hex.find_first_of("abcdef"), std::string::npos);  // upper case
  EXPECT_EQ(fp.to_string().rfind("sha-256 ", 0), 0U);
  auto other = Certificate::generate();
  EXPECT_NE(other->fingerprint(), fp);
}

TEST(DtlsCertificate, PemRoundTripKeepsFingerprint) {
  auto c = Certificate::generate("test");
  ASSERT_TRUE(c.ok());
  std::string cert = c->cert_pem();
  std::string key = c->key_pem();
  EXPECT_NE(cert.find("BEGIN CERTIFICATE"), std::string::npos);
  EXPECT_NE(key.find("PRIVATE KEY"), std::string::npos);
  auto back = Certificate::from_pem(cert, key);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->fingerprint(), c->fingerprint());

  std::string cert_path = ::testing::TempDir() + "/gw_cert.pem";
  std::string key_path = ::testing::TempDir() + "/gw_key.pem";
  std::ofstream(cert_path) << cert;
  std::ofstream(key_path) << key;
  auto loaded = Certificate::load(cert_path, key_path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->fingerprint(), c->fingerprint());
  std::remove(cert_path.c_str());
  std::remove(key_path.c_str());
}

TEST(DtlsCertificate, MismatchedKeyAndGarbageRejected) {
  auto a = Certificate::generate();
  auto b = Certificate::generate();
  EXPECT_EQ(Certificate::from_pem(a->cert_pem(), b->key_pem()).error().code, "dtls.key-mismatch");
  EXPECT_FALSE(Certificate::from_pem("nope", "nope").ok());
  EXPECT_FALSE(Certificate::load("/nonexistent/c.pem", "/nonexistent/k.pem").ok());
}

TEST(DtlsFingerprint, ParseAndFormat) {
  std::string hex = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";
  auto f = Fingerprint::parse("sha-256 " + hex);
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->hex(), hex);
  auto bare = Fingerprint::parse(hex);
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(*bare, *f);
  std::string lower = hex;
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(ch));
  auto low = Fingerprint::parse("SHA-256 " + lower);
  ASSERT_TRUE(low.ok());
  EXPECT_EQ(*low, *f);
  EXPECT_EQ(Fingerprint::parse("md5 AB:CD").error().code, "dtls.fingerprint-algorithm");
  EXPECT_EQ(Fingerprint::parse("sha-256 AB:CD").error().code, "dtls.fingerprint-length");
  EXPECT_EQ(Fingerprint::parse("sha-256 ZZ:CD").error().code, "dtls.fingerprint-syntax");
  EXPECT_TRUE(Fingerprint::parse("sha-1 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01").ok());
}

TEST(DtlsFingerprint, OtherAlgorithmsOfACertificate) {
  auto c = Certificate::generate();
  auto f384 = Fingerprint::of(c->x509(), "sha-384");
  ASSERT_TRUE(f384.ok());
  EXPECT_EQ(f384->digest.size(), 48U);
  auto back = Fingerprint::parse(f384->to_string());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, *f384);
}
