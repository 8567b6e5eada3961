#include "sip/tls_log.hpp"

#include <gtest/gtest.h>

namespace gw::sip {
namespace {

// Lines as sofia-sip 1.12.11's tport_tls.c logs them at level 3.
TEST(TlsLog, SubjectMismatchNamesTheHost) {
  TlsLogParser p;
  auto f = p.feed("tls_post_connection_check(0x55d1c0): Peer Subject Mismatch (127.0.0.1)\n");
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->host, "127.0.0.1");
  EXPECT_NE(f->reason.find("does not name 127.0.0.1"), std::string::npos) << f->reason;
  // Incoming connections are not ours to report (we verify outgoing only).
  EXPECT_FALSE(p.feed("tls_post_connection_check(0x1): Peer Subject Mismatch (incoming connection)\n"));
}

TEST(TlsLog, UntrustedChainReportsOpenSslReasonAndSubject) {
  TlsLogParser p;
  EXPECT_FALSE(p.feed("-Error with certificate at depth: 0\n"));
  EXPECT_FALSE(p.feed("  issuer   = /CN=sip.example.net\n"));
  EXPECT_FALSE(p.feed("  subject  = /CN=sip.example.net\n"));
  auto f = p.feed("  err 18:self-signed certificate\n");
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(f->host.empty());
  EXPECT_EQ(f->reason, "the server's certificate is not trusted: self-signed certificate (subject /CN=sip.example.net)");
}

TEST(TlsLog, IgnoresEverythingElse) {
  TlsLogParser p;
  EXPECT_FALSE(p.feed("tport_tls_events(0x1): logical events IN real IN\n"));
  EXPECT_FALSE(p.feed("  err 18:self-signed certificate\n"));  // no certificate block open
  EXPECT_FALSE(p.feed(""));
}

}  // namespace
}  // namespace gw::sip
