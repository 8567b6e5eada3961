// sip-leg's stdin commands, SIP INFO DTMF bodies and RFC 4733 packets.
#include <gtest/gtest.h>

#include "rtp/packet.hpp"
#include "rtp/telephone_event.hpp"
#include "sip/commands.hpp"
#include "sip/dtmf_info.hpp"
#include "sip/rfc4733_dtmf.hpp"

namespace gw::sip {
namespace {

TEST(LegCommands, ParsesEachCommand) {
  EXPECT_EQ(parse_leg_command(R"({"cmd":"hangup"})")->kind, LegCommand::Kind::hangup);
  EXPECT_EQ(parse_leg_command(R"({"command":"answer"})")->kind, LegCommand::Kind::answer);
  EXPECT_EQ(parse_leg_command(R"({"cmd":"hold"})")->kind, LegCommand::Kind::hold);
  EXPECT_EQ(parse_leg_command(R"({"cmd":"resume"})")->kind, LegCommand::Kind::resume);
  auto r = parse_leg_command(R"({"cmd":"reject","status":603,"reason":"Decline"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 603);
  EXPECT_EQ(r->reason, "Decline");
  EXPECT_EQ(parse_leg_command(R"({"cmd":"reject"})")->status, 486);
  auto d = parse_leg_command(R"({"cmd":"dtmf","digits":"12a#","duration":160})");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->digits, "12A#");
  EXPECT_EQ(d->duration_ms, 160u);
}

TEST(LegCommands, RejectsBadInput) {
  for (const char* bad : {"", "not json", "[]", R"({"cmd":"explode"})", R"({"cmd":42})",
                          R"({"cmd":"reject","status":200})", R"({"cmd":"dtmf"})",
                          R"({"cmd":"dtmf","digits":"12x"})", R"({"cmd":"dtmf","digits":"1","duration":1})",
                          R"({"cmd":"dtmf","digits":"1","duration":"long"})"}) {
    EXPECT_FALSE(parse_leg_command(bad).ok()) << bad;
  }
}

TEST(DtmfInfo, ParsesRelayAndPlainBodies) {
  auto d = parse_dtmf_info("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->digit, '5');
  EXPECT_EQ(d->duration_ms, 160u);
  EXPECT_EQ(parse_dtmf_info("application/dtmf-relay", "Signal= 11\nDuration=100")->digit, '#');
  EXPECT_EQ(parse_dtmf_info("Application/DTMF; charset=x", " * ")->digit, '*');
  EXPECT_FALSE(parse_dtmf_info("application/dtmf-relay", "Duration=100").has_value());
  EXPECT_FALSE(parse_dtmf_info("application/dtmf-relay", "Signal=Z").has_value());
  EXPECT_FALSE(parse_dtmf_info("text/plain", "Signal=1").has_value());
  EXPECT_EQ(format_dtmf_relay('7', 250), "Signal=7\r\nDuration=250\r\n");
}

TEST(Rfc4733, PlanHasUpdatesThenThreeEndPackets) {
  DtmfPlanParams p;
  p.digit = '#';
  p.duration_ms = 120;
  p.payload_type = 101;
  p.ssrc = 0x1234;
  p.first_seq = 65534;  // wraps
  p.timestamp = 8000;
  auto plan = plan_rfc4733(p);
  ASSERT_EQ(plan.size(), 3u + 3u);  // updates at 0, 50, 100 ms, then 3 ends
  for (std::size_t i = 0; i < plan.size(); ++i) {
    auto v = rtp::RtpView::parse(plan[i].packet);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v->payload_type(), 101);
    EXPECT_EQ(v->timestamp(), 8000u);  // one event, one timestamp
    EXPECT_EQ(v->sequence(), static_cast<std::uint16_t>(65534 + i));
    EXPECT_EQ(v->marker(), i == 0);
    auto ev = rtp::parse_telephone_event(v->payload());
    ASSERT_TRUE(ev.ok());
    EXPECT_EQ(ev->event, 11);
    EXPECT_EQ(ev->end, i >= 3);
  }
  auto last = rtp::parse_telephone_event(rtp::RtpView::parse(plan.back().packet)->payload());
  EXPECT_EQ(last->duration, 960);  // 120 ms at 8 kHz
  p.digit = 'x';
  EXPECT_TRUE(plan_rfc4733(p).empty());
}

TEST(Rfc4733, ReceiverReportsEachDigitOnce) {
  DtmfPlanParams p;
  p.digit = '7';
  p.duration_ms = 100;
  DtmfReceiver rx;
  int digits = 0;
  for (const auto& pkt : plan_rfc4733(p)) {
    if (auto d = rx.on_packet(pkt.packet, 8000)) {
      ++digits;
      EXPECT_EQ(d->digit, '7');
      EXPECT_EQ(d->duration_ms, 100u);
    }
  }
  EXPECT_EQ(digits, 1);
  p.timestamp += 1600;  // the next event
  for (const auto& pkt : plan_rfc4733(p)) digits += rx.on_packet(pkt.packet, 8000).has_value();
  EXPECT_EQ(digits, 2);
  std::uint8_t junk[3] = {0x80, 101, 0};
  EXPECT_FALSE(rx.on_packet(ByteView(junk, 3), 8000).has_value());
  EXPECT_EQ(rx.malformed(), 1u);
}

}  // namespace
}  // namespace gw::sip
