#include "sip/dispatch.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "sip/call_event.hpp"
#include "sip/sip_event.hpp"
#include "sip/user_agent.hpp"
#include "util/cli.hpp"

namespace gw::sip {
namespace {

struct Ctx {
  int invites = 0, byes = 0;
};

void on_invite(Ctx& c, const SipEvent&) { ++c.invites; }
void on_bye(Ctx& c, const SipEvent&) { ++c.byes; }
void on_throw(Ctx&, const SipEvent&) { throw std::runtime_error("boom"); }

SipEvent ev(SipEventKind k) {
  SipEvent e;
  e.kind = k;
  return e;
}

TEST(SipDispatch, RoutesEachKindToItsHandler) {
  Dispatcher<Ctx> d;
  d.on(SipEventKind::i_invite, on_invite).on(SipEventKind::i_bye, on_bye);
  Ctx c;
  EXPECT_TRUE(d.dispatch(c, ev(SipEventKind::i_invite)));
  EXPECT_TRUE(d.dispatch(c, ev(SipEventKind::i_bye)));
  EXPECT_TRUE(d.dispatch(c, ev(SipEventKind::i_bye)));
  EXPECT_EQ(c.invites, 1);
  EXPECT_EQ(c.byes, 2);
  EXPECT_EQ(d.counters().handled, 3u);
  EXPECT_TRUE(d.handles(SipEventKind::i_bye));
  EXPECT_FALSE(d.handles(SipEventKind::r_register));
}

TEST(SipDispatch, UnhandledKindsAreCountedNotFatal) {
  Dispatcher<Ctx> d;
  Ctx c;
  EXPECT_FALSE(d.dispatch(c, ev(SipEventKind::i_refer)));
  EXPECT_FALSE(d.dispatch(c, ev(SipEventKind::other)));
  EXPECT_EQ(d.counters().unhandled, 2u);
}

TEST(SipDispatch, AThrowingHandlerIsContained) {
  Dispatcher<Ctx> d;
  d.on(SipEventKind::i_info, on_throw);
  Ctx c;
  EXPECT_FALSE(d.dispatch(c, ev(SipEventKind::i_info)));
  EXPECT_EQ(d.counters().failed, 1u);
}

TEST(SipEvent, NamesCoverEveryKind) {
  for (std::size_t i = 0; i < kSipEventKinds; ++i) {
    auto name = to_string(static_cast<SipEventKind>(i));
    EXPECT_FALSE(name.empty());
    EXPECT_NE(name, "invalid");
  }
  EXPECT_EQ(to_string(SipEventKind::r_register), "r_register");
  EXPECT_EQ(to_string(NuaCallState::ready), "ready");
}

TEST(SipEvent, RecognisesSdpBodies) {
  SipEvent e;
  EXPECT_FALSE(e.has_sdp());
  e.body = "v=0\r\n";
  EXPECT_TRUE(e.has_sdp());  // untyped but starts like SDP
  e.content_type = "application/SDP";
  EXPECT_TRUE(e.has_sdp());
  e.content_type = "application/dtmf-relay";
  EXPECT_FALSE(e.has_sdp());
}

TEST(SipExitCodes, MapEndCausesAndStatuses) {
  CallEvent e;
  e.kind = CallEventKind::ended;
  e.cause = EndCause::rejected;
  e.status = 486;
  EXPECT_EQ(exit_code_for(e), kExitBusy);
  e.status = 600;
  EXPECT_EQ(exit_code_for(e), kExitBusy);
  e.status = 404;
  EXPECT_EQ(exit_code_for(e), kExitRejected);
  e.status = 488;
  EXPECT_EQ(exit_code_for(e), cli::kNegotiationFailed);
  e.cause = EndCause::remote_hangup;
  EXPECT_EQ(exit_code_for(e), cli::kPeerGone);
  e.cause = EndCause::local_hangup;
  EXPECT_EQ(exit_code_for(e), cli::kOk);
  e.cause = EndCause::timeout;
  EXPECT_EQ(exit_code_for(e), cli::kTimeout);
  e.cause = EndCause::auth_failed;
  EXPECT_EQ(exit_code_for(e), kExitAuthFailed);
}

TEST(SipBindUrl, CarriesTransportAndAdvertisedHost) {
  UaConfig c;
  c.bind_host = "127.0.0.1";
  c.bind_port = 5070;
  EXPECT_EQ(make_bind_url(c), "sip:127.0.0.1:5070;transport=udp");
  c.transport = "tcp";
  c.advertise = "192.0.2.10";
  EXPECT_EQ(make_bind_url(c), "sip:192.0.2.10:5070;maddr=127.0.0.1;transport=tcp");
  c.transport = "";
  c.advertise.clear();
  c.bind_host = "::1";
  EXPECT_EQ(make_bind_url(c), "sip:[::1]:5070");
}

}  // namespace
}  // namespace gw::sip
