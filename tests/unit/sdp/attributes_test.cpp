#include <gtest/gtest.h>

#include "sdp/candidate.hpp"
#include "sdp/media_attributes.hpp"
#include "sdp/security_attributes.hpp"

namespace gw::sdp {
namespace {

TEST(SdpAttributes, Rtpmap) {
  auto r = parse_rtpmap("111 opus/48000/2");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->pt, 111);
  EXPECT_EQ(r->name, "opus");
  EXPECT_EQ(r->clock, 48000u);
  EXPECT_EQ(r->channels, 2);
  EXPECT_EQ(format_rtpmap(*r), "111 opus/48000/2");
  EXPECT_EQ(format_rtpmap(*parse_rtpmap("0 PCMU/8000")), "0 PCMU/8000");
  EXPECT_FALSE(parse_rtpmap("128 x/8000").ok());
  EXPECT_FALSE(parse_rtpmap("96 x").ok());
  EXPECT_FALSE(parse_rtpmap("96 x/0").ok());
  EXPECT_FALSE(parse_rtpmap("96 x/8000/0").ok());
  EXPECT_FALSE(parse_rtpmap("96").ok());
  EXPECT_EQ(parse_rtpmap("x y/1").error().code, "sdp.bad-attribute");
}

TEST(SdpAttributes, FmtpAndRtcpFb) {
  auto f = parse_fmtp("111 minptime=10;useinbandfec=1");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->pt, 111);
  EXPECT_EQ(f->params, "minptime=10;useinbandfec=1");
  auto fb = parse_rtcp_fb("96 nack pli");
  ASSERT_TRUE(fb.ok());
  EXPECT_EQ(fb->feedback, "nack pli");
  EXPECT_TRUE(parse_rtcp_fb("* transport-cc").ok());
  EXPECT_FALSE(parse_rtcp_fb("x nack").ok());
}

TEST(SdpAttributes, RtcpAttribute) {
  auto r = parse_rtcp("9 IN IP4 0.0.0.0");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->port, 9);
  EXPECT_EQ(r->address->address, "0.0.0.0");
  EXPECT_EQ(format_rtcp(*r), "9 IN IP4 0.0.0.0");
  EXPECT_EQ(parse_rtcp("53020")->port, 53020);
  EXPECT_FALSE(parse_rtcp("9 IN IP4").ok());
  EXPECT_FALSE(parse_rtcp("99999").ok());
}

TEST(SdpAttributes, ExtmapSsrcMsidGroup) {
  auto e = parse_extmap("3/sendonly urn:x attr1 attr2");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->id, 3);
  EXPECT_EQ(e->direction, Direction::sendonly);
  EXPECT_EQ(e->uri, "urn:x");
  EXPECT_EQ(format_extmap(*e), "3/sendonly urn:x attr1 attr2");
  EXPECT_FALSE(parse_extmap("0 urn:x").ok());
  EXPECT_FALSE(parse_extmap("1/bogus urn:x").ok());

  auto s = parse_ssrc("1769921802 cname:lvIeH/anlLAStdGq");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->ssrc, 1769921802u);
  EXPECT_EQ(s->attribute, "cname");
  EXPECT_EQ(s->value, "lvIeH/anlLAStdGq");
  EXPECT_FALSE(parse_ssrc("4294967296 cname:x").ok());
  EXPECT_FALSE(parse_ssrc("12").ok());

  auto g = parse_ssrc_group("FID 1 2");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->ssrcs, (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(parse_msid("s t")->track_id, "t");
  EXPECT_FALSE(parse_msid("").ok());
  auto b = parse_group("BUNDLE 0 1");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(format_group(*b), "BUNDLE 0 1");
}

TEST(SdpAttributes, DirectionHelpers) {
  Attributes list{{"mid", "0"}, {"sendonly"}};
  EXPECT_EQ(direction_of(list), Direction::sendonly);
  set_direction(list, Direction::inactive);
  EXPECT_EQ(list.size(), 2u);
  EXPECT_EQ(direction_of(list), Direction::inactive);
  EXPECT_EQ(direction_of({}), Direction::sendrecv);
  EXPECT_EQ(make_direction(false, true), Direction::recvonly);
  EXPECT_EQ(parse_ptime("20"), 20u);
  EXPECT_EQ(parse_ptime("20.5"), 20u);
  EXPECT_FALSE(parse_ptime("x").has_value());
}

TEST(SdpAttributes, Fingerprint) {
  auto fp = parse_fingerprint(
      "sha-256 70:7A:9A:C1:90:0E:45:05:C4:83:F6:D5:F8:CA:35:76:49:F8:48:5B:61:E5:BC:31:22:3F:DF:D9:77:A7:42:54");
  ASSERT_TRUE(fp.ok()) << fp.error().message;
  EXPECT_EQ(fp->algorithm, "sha-256");
  ASSERT_EQ(fp->bytes.size(), 32u);
  EXPECT_EQ(fp->bytes[0], 0x70);
  EXPECT_EQ(fp->bytes[31], 0x54);
  EXPECT_EQ(format_fingerprint(*fp),
            "sha-256 70:7A:9A:C1:90:0E:45:05:C4:83:F6:D5:F8:CA:35:76:49:F8:48:5B:61:E5:BC:31:22:3F:DF:D9:77:A7:42:54");
  EXPECT_EQ(parse_fingerprint("SHA-1 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33")->algorithm, "sha-1");
  EXPECT_FALSE(parse_fingerprint("sha-256").ok());
  EXPECT_FALSE(parse_fingerprint("sha-256 7:0A").ok());
  EXPECT_FALSE(parse_fingerprint("sha-256 ZZ:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF").ok());
  EXPECT_FALSE(parse_fingerprint("sha-256 00:11").ok());  // too short for any hash
}

TEST(SdpAttributes, Setup) {
  EXPECT_EQ(parse_setup("actpass"), Setup::actpass);
  EXPECT_EQ(parse_setup("active"), Setup::active);
  EXPECT_EQ(parse_setup("passive"), Setup::passive);
  EXPECT_EQ(parse_setup("holdconn"), Setup::holdconn);
  EXPECT_FALSE(parse_setup("both").has_value());
  EXPECT_EQ(to_string(Setup::passive), "passive");
}

TEST(SdpAttributes, Crypto) {
  // RFC 4568 §4 example
  auto c = parse_crypto("1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->tag, 1u);
  EXPECT_EQ(c->suite, "AES_CM_128_HMAC_SHA1_80");
  EXPECT_EQ(c->key_salt, "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR");
  EXPECT_EQ(c->lifetime, "2^20");
  EXPECT_EQ(c->mki, "1:32");
  EXPECT_EQ(format_crypto(*c), "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32");
  auto d = parse_crypto("2 AEAD_AES_128_GCM inline:AAAA UNENCRYPTED_SRTCP");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->session_params, "UNENCRYPTED_SRTCP");
  EXPECT_FALSE(parse_crypto("1 AES_CM_128_HMAC_SHA1_80 uri:x").ok());
  EXPECT_FALSE(parse_crypto("x AES inline:AAAA").ok());
  EXPECT_FALSE(parse_crypto("1 AES inline:!!").ok());
}

TEST(SdpCandidate, ParsesChromiumUdpHost) {
  auto c = parse_candidate(
      "candidate:4057685056 1 udp 2122260223 198.51.100.7 53787 typ host generation 0 network-id 1");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->foundation, "4057685056");
  EXPECT_EQ(c->component, 1);
  EXPECT_EQ(c->transport, CandidateTransport::udp);
  EXPECT_EQ(c->priority, 2122260223u);
  EXPECT_EQ(c->address, "198.51.100.7");
  EXPECT_EQ(c->port, 53787);
  EXPECT_EQ(c->type, CandidateType::host);
  EXPECT_EQ(c->generation(), 0u);
  ASSERT_EQ(c->extensions.size(), 2u);
  EXPECT_EQ(c->extensions[1].first, "network-id");
  EXPECT_EQ(c->to_sdp_string(),
            "candidate:4057685056 1 udp 2122260223 198.51.100.7 53787 typ host generation 0 network-id 1");
}

TEST(SdpCandidate, ParsesTcpAndReflexive) {
  auto t = parse_candidate("a=candidate:2400501464 1 tcp 1518280447 198.51.100.7 9 typ host tcptype active generation 0");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->transport, CandidateTransport::tcp);
  EXPECT_EQ(t->tcptype, TcpType::active);
  EXPECT_EQ(t->port, 9);
  EXPECT_EQ(t->to_value(), "2400501464 1 tcp 1518280447 198.51.100.7 9 typ host tcptype active generation 0");

  auto s = parse_candidate("842163049 1 UDP 1677729535 203.0.113.5 61000 typ srflx raddr 100.64.0.2 rport 53000");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->type, CandidateType::srflx);
  EXPECT_EQ(s->raddr, "100.64.0.2");
  EXPECT_EQ(s->rport, 53000);
  EXPECT_EQ(s->to_value(), "842163049 1 udp 1677729535 203.0.113.5 61000 typ srflx raddr 100.64.0.2 rport 53000");
  auto r = parse_candidate("x 2 udp 1 2001:db8::1 3478 typ relay raddr 0.0.0.0 rport 0");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->component, 2);
  EXPECT_EQ(r->type, CandidateType::relay);
}

TEST(SdpCandidate, BuildsAndFormats) {
  Candidate c;
  c.foundation = "1";
  c.priority = candidate_priority(CandidateType::host, 65535, 1);
  c.address = "198.51.100.1";
  c.port = 40000;
  c.transport = CandidateTransport::tcp;
  c.tcptype = TcpType::passive;
  EXPECT_EQ(c.priority, 2130706431u);  // (126<<24) + (65535<<8) + 255
  EXPECT_EQ(c.to_value(), "1 1 tcp 2130706431 198.51.100.1 40000 typ host tcptype passive");
  EXPECT_EQ(*parse_candidate(c.to_value()), c);
}

TEST(SdpCandidate, RejectsBadLines) {
  const char* bad[] = {
      "",
      "1 1 udp 1 1.2.3.4 5 typ",                         // too few fields
      "1 0 udp 1 1.2.3.4 5 typ host",                    // component 0
      "1 1 sctp 1 1.2.3.4 5 typ host",                   // transport
      "1 1 udp -1 1.2.3.4 5 typ host",                   // priority
      "1 1 udp 4294967296 1.2.3.4 5 typ host",           // priority overflow
      "1 1 udp 1 1.2.3.4 65536 typ host",                // port
      "1 1 udp 1 1.2.3.4 5 type host",                   // 'typ'
      "1 1 udp 1 1.2.3.4 5 typ relayed",                 // type
      "1 1 udp 1 1.2.3.4 5 typ host rport",              // missing value
      "1 1 udp 1 1.2.3.4 5 typ host rport x",            // rport
      "1 1 tcp 1 1.2.3.4 5 typ host tcptype both",       // tcptype
      "f@o 1 udp 1 1.2.3.4 5 typ host",                  // foundation chars
  };
  for (const char* line : bad) {
    auto c = parse_candidate(line);
    EXPECT_FALSE(c.ok()) << line;
    if (!c.ok()) {
      EXPECT_EQ(c.error().code, "sdp.bad-candidate");
    }
  }
}

}  // namespace
}  // namespace gw::sdp
