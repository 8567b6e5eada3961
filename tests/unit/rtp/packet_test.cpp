#include "rtp/packet.hpp"

#include <gtest/gtest.h>

#include "rtp/demux.hpp"
#include "rtp/telephone_event.hpp"

using namespace gw;
using namespace gw::rtp;

namespace {
Bytes hex(std::string_view s) {
  Bytes b;
  EXPECT_TRUE(from_hex(s, b)) << s;
  return b;
}
}  // namespace

TEST(RtpView, ParsesFixedHeader) {
  Bytes p = build_rtp(0, 0x1234, 0xdecafbad, 0xcafebabe, as_bytes("abcd"), true);
  auto v = RtpView::parse(p);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->marker());
  EXPECT_EQ(v->payload_type(), 0);
  EXPECT_EQ(v->sequence(), 0x1234);
  EXPECT_EQ(v->timestamp(), 0xdecafbadU);
  EXPECT_EQ(v->ssrc(), 0xcafebabeU);
  EXPECT_EQ(v->header_size(), 12U);
  EXPECT_EQ(as_string(v->payload()), "abcd");
}

TEST(RtpView, CsrcExtensionPadding) {
  // V=2 P=1 X=1 CC=2, PT 96, two CSRCs, one-word extension 0xBEDE, payload "hi", 2 padding.
  Bytes p = hex("b2600001" "00000010" "11111111" "aaaaaaaa" "bbbbbbbb" "bede0001" "01020304" "6869" "0002");
  auto v = RtpView::parse(p);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->csrc_count(), 2);
  EXPECT_EQ(v->csrc(1), 0xbbbbbbbbU);
  EXPECT_EQ(v->csrc(2), 0U);
  EXPECT_TRUE(v->has_extension());
  EXPECT_EQ(v->extension_profile(), 0xbede);
  EXPECT_EQ(to_hex(v->extension_data()), "01020304");
  EXPECT_EQ(v->padding_size(), 2U);
  EXPECT_EQ(as_string(v->payload()), "hi");
}

TEST(RtpView, RejectsMalformed) {
  EXPECT_EQ(RtpView::parse(hex("8000")).error().code, "rtp.truncated");
  EXPECT_EQ(RtpView::parse(hex("400000010000000000000001")).error().code, "rtp.version");
  EXPECT_EQ(RtpView::parse(hex("810000010000000000000001")).error().code, "rtp.csrc");
  EXPECT_EQ(RtpView::parse(hex("900000010000000000000001bede")).error().code, "rtp.extension");
  EXPECT_EQ(RtpView::parse(hex("900000010000000000000001bede0002aaaaaaaa")).error().code, "rtp.extension");
  EXPECT_EQ(RtpView::parse(hex("a0000001000000000000000100")).error().code, "rtp.padding");
  EXPECT_EQ(RtpView::parse(hex("a0000001000000000000000105")).error().code, "rtp.padding");
  EXPECT_TRUE(RtpView::parse(hex("a0000001000000000000000101")).ok());
}

TEST(Rtcp, CompoundSrSdes) {
  // SR (no report blocks) + SDES with one CNAME chunk.
  Bytes p = hex("80c80006" "11223344" "0000000000000000" "00000000" "00000000" "00000000"
                "81ca0003" "11223344" "01026869" "00000000");
  auto c = parse_rtcp_compound(p);
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->size(), 2U);
  EXPECT_EQ((*c)[0].packet_type(), 200);
  EXPECT_EQ((*c)[0].ssrc(), 0x11223344U);
  EXPECT_EQ((*c)[1].packet_type(), 202);
  EXPECT_TRUE(is_valid_rtcp(p));

  ASSERT_TRUE(set_rtcp_sender_ssrc(p, 0x55667788));
  auto c2 = parse_rtcp_compound(p);
  EXPECT_EQ((*c2)[0].ssrc(), 0x55667788U);
  EXPECT_EQ((*c2)[1].ssrc(), 0x55667788U);
}

TEST(Rtcp, RejectsBadLengthsAndPadding) {
  EXPECT_FALSE(is_valid_rtcp(hex("80c9")));
  EXPECT_FALSE(is_valid_rtcp(hex("80c90005" "11223344")));           // length too long
  EXPECT_FALSE(is_valid_rtcp(hex("80c90001" "11223344" "80")));      // trailing garbage
  EXPECT_FALSE(is_valid_rtcp(hex("40c90001" "11223344")));           // version 1
  EXPECT_FALSE(is_valid_rtcp(hex("a0c90001" "11223344" "80c90001" "11223344")));  // padding not last
  EXPECT_FALSE(is_valid_rtcp(hex("a0c90001" "11223300")));           // zero pad count
  EXPECT_TRUE(is_valid_rtcp(hex("80c90001" "11223344")));
  EXPECT_EQ(parse_rtcp_compound(hex("80c90005")).error().code, "rtcp.length");
}

TEST(RtpRewrite, SsrcPtSeqTsMarker) {
  Bytes p = build_rtp(8, 1, 2, 3, as_bytes("x"));
  ASSERT_TRUE(set_ssrc(p, 0xabcdef01));
  ASSERT_TRUE(set_payload_type(p, 0));
  ASSERT_TRUE(set_sequence(p, 65535));
  ASSERT_TRUE(set_timestamp(p, 99));
  ASSERT_TRUE(set_marker(p, true));
  EXPECT_FALSE(set_payload_type(p, 200));
  auto v = RtpView::parse(p);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->ssrc(), 0xabcdef01U);
  EXPECT_EQ(v->payload_type(), 0);
  EXPECT_EQ(v->sequence(), 65535);
  EXPECT_EQ(v->timestamp(), 99U);
  EXPECT_TRUE(v->marker());
  Bytes tiny(4);
  EXPECT_FALSE(set_ssrc(tiny, 1));
}

TEST(Demux, Rfc7983FirstByte) {
  EXPECT_EQ(classify(hex("0001")), PacketClass::stun);
  EXPECT_EQ(classify(hex("0300")), PacketClass::stun);
  EXPECT_EQ(classify(hex("1000")), PacketClass::zrtp);
  EXPECT_EQ(classify(hex("16fefd")), PacketClass::dtls);
  EXPECT_EQ(classify(hex("14fefd")), PacketClass::dtls);
  EXPECT_EQ(classify(hex("3f")), PacketClass::dtls);
  EXPECT_EQ(classify(hex("4000")), PacketClass::turn_channel);
  EXPECT_EQ(classify(hex("8000")), PacketClass::rtp);
  EXPECT_EQ(classify(hex("80e0")), PacketClass::rtp);   // PT 96 with marker
  EXPECT_EQ(classify(hex("80c8")), PacketClass::rtcp);  // SR
  EXPECT_EQ(classify(hex("81cf")), PacketClass::rtcp);  // XR
  EXPECT_EQ(classify(hex("bfdf")), PacketClass::rtcp);
  EXPECT_EQ(classify(hex("80")), PacketClass::unknown);
  EXPECT_EQ(classify(hex("c0")), PacketClass::unknown);
  EXPECT_EQ(classify(hex("50")), PacketClass::unknown);
  EXPECT_EQ(classify({}), PacketClass::unknown);
  EXPECT_EQ(packet_class_name(PacketClass::dtls), "dtls");
}

TEST(TelephoneEvent, RoundTripAndRfcLayout) {
  TelephoneEvent ev{11, true, 10, 1600};
  auto bytes = encode_telephone_event(ev);
  EXPECT_EQ(to_hex(bytes), "0b8a0640");
  auto back = parse_telephone_event(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, ev);
  // R bit set on the wire is ignored.
  auto r = parse_telephone_event(hex("05ca0000"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->volume, 10);
  EXPECT_TRUE(r->end);
  EXPECT_FALSE(parse_telephone_event(hex("0500")).ok());
}

TEST(TelephoneEvent, DigitCodes) {
  EXPECT_EQ(dtmf_event_code('0'), 0);
  EXPECT_EQ(dtmf_event_code('9'), 9);
  EXPECT_EQ(dtmf_event_code('*'), 10);
  EXPECT_EQ(dtmf_event_code('#'), 11);
  EXPECT_EQ(dtmf_event_code('a'), 12);
  EXPECT_EQ(dtmf_event_code('D'), 15);
  EXPECT_FALSE(dtmf_event_code('x').has_value());
  EXPECT_EQ(dtmf_digit(11), '#');
  EXPECT_FALSE(dtmf_digit(99).has_value());
}
