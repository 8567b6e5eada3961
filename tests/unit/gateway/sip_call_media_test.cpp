// SipCallMedia, the SIP side's sip::MediaNegotiator of a gateway call: the
// translated first offer/answer, then hold/resume derived from our last SDP.
#include "gateway/sip_call_media.hpp"

#include <gtest/gtest.h>

#include "sdp/avp_offer_answer.hpp"
#include "sip_test_util.hpp"

namespace gw::gateway {
namespace {

using namespace gw::gateway::testing;
using sip::MediaDirection;

std::string our_sip_offer() {
  sdp::SipSideParams p;
  p.address = "10.0.0.5";
  p.port = 30000;
  p.session_id = "4711";
  p.session_version = 3;
  auto offer = offer_to_sip(read_data(kChromeAudio), p);
  EXPECT_TRUE(offer.ok());
  return offer ? offer->avp_offer_sdp : std::string{};
}

// Our answer to baresip's offer, as complete_from_sip makes it.
std::string our_sip_answer(const std::string& sip_offer) {
  auto offer = offer_from_sip(sip_offer, local_media());
  EXPECT_TRUE(offer.ok());
  if (!offer) return {};
  sdp::AvpParams plain;
  plain.address = "10.0.0.5";
  plain.port = 30000;
  plain.session_id = "99";
  plain.session_version = 7;
  auto bridge = complete_from_sip(
      *offer, browser_answer_to(offer->browser_offer_sdp, "PCMA/8000,telephone-event/8000", sdp::Setup::active),
      plain);
  EXPECT_TRUE(bridge.ok()) << (bridge ? "" : bridge.error().message);
  return bridge ? bridge->sip_answer_sdp : std::string{};
}

// baresip's offer again with another o= version and direction (a re-INVITE).
std::string baresip_reoffer(const std::string& direction) {
  std::string s = replace(read_data(kBaresipOffer), "o=- 202372287 2138231612", "o=- 202372287 2138231613");
  return replace(s, "a=sendrecv", "a=" + direction);
}

TEST(SipCallMedia, InitialOfferIsVerbatimThenHoldBumpsTheVersion) {
  std::string offer = our_sip_offer();
  SipCallMedia m(offer);
  EXPECT_EQ(m.create_offer(MediaDirection::sendrecv), offer);

  auto hold = parse_sdp(m.create_offer(MediaDirection::sendonly));
  ASSERT_NE(hold.audio, nullptr);
  EXPECT_EQ(hold.audio->direction, sdp::Direction::sendonly);
  EXPECT_EQ(hold.sd.origin.session_id, "4711");
  EXPECT_EQ(hold.sd.origin.session_version, 4u) << "RFC 3264 §8: a new offer has version + 1";
  EXPECT_EQ(hold.audio->port, 30000);
  EXPECT_EQ(hold.audio->connection->address, "10.0.0.5");
  EXPECT_EQ(formats(hold), formats(parse_sdp(offer)));

  auto resume = parse_sdp(m.create_offer(MediaDirection::sendrecv));
  EXPECT_EQ(resume.audio->direction, sdp::Direction::sendrecv);
  EXPECT_EQ(resume.sd.origin.session_version, 5u);
}

TEST(SipCallMedia, NoOfferWithoutAnInitialOne) {
  SipCallMedia m;
  EXPECT_EQ(m.create_offer(MediaDirection::sendrecv), "");
  EXPECT_FALSE(m.negotiated().has_value());
}

TEST(SipCallMedia, IncomingCallAnswersOnlyOnceTheBrowserDid) {
  SipCallMedia m;
  std::string offer = read_data(kBaresipOffer);
  // The INVITE arrives before the browser answered: usable, no answer yet.
  auto early = m.create_answer(offer, MediaDirection::sendrecv);
  ASSERT_TRUE(early.ok()) << early.error().message;
  EXPECT_EQ(*early, "");
  EXPECT_EQ(m.last_remote(), offer);
  EXPECT_FALSE(m.negotiated().has_value()) << "nothing of ours yet";
  // Garbage and offers without audio are refused (488).
  for (const std::string& bad :
       {std::string("garbage"), std::string(), replace(offer, "m=audio 41014", "m=audio 0")}) {
    SipCallMedia fresh;
    auto r = fresh.create_answer(bad, MediaDirection::sendrecv);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_EQ(fresh.last_remote(), "") << "a refused offer is not remembered";
  }
}

TEST(SipCallMedia, SetAnswerThenReofferedHold) {
  std::string offer = read_data(kBaresipOffer);
  std::string answer = our_sip_answer(offer);
  ASSERT_FALSE(answer.empty());
  SipCallMedia m;
  ASSERT_TRUE(m.create_answer(offer, MediaDirection::sendrecv).ok());
  m.set_answer(answer);
  auto first = m.create_answer(offer, MediaDirection::sendrecv);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(*first, answer) << "the answer made from the browser's, verbatim";

  auto n = m.negotiated();
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->remote_address, "192.0.2.2");
  EXPECT_EQ(n->remote_port, 41014);
  EXPECT_EQ(n->remote_rtcp_port, 41015);
  EXPECT_EQ(n->telephone_event_pt, 101);
  EXPECT_EQ(n->local_direction, MediaDirection::sendrecv);
  EXPECT_FALSE(n->remote_holds());
  ASSERT_FALSE(n->codecs.empty());
  EXPECT_EQ(n->codecs[0].name, "PCMA");

  // baresip holds: we answer recvonly with our codecs, address and port.
  std::string reoffer = baresip_reoffer("sendonly");
  auto held = m.create_answer(reoffer, MediaDirection::sendrecv);
  ASSERT_TRUE(held.ok()) << held.error().message;
  auto h = parse_sdp(*held);
  ASSERT_NE(h.audio, nullptr);
  EXPECT_EQ(h.audio->direction, sdp::Direction::recvonly) << "RFC 3264 §6.1";
  EXPECT_EQ(h.audio->port, 30000);
  EXPECT_EQ(h.audio->connection->address, "10.0.0.5");
  EXPECT_EQ(formats(h), (std::vector<std::string>{"8", "101"}));
  EXPECT_EQ(h.sd.origin.session_id, "99");
  EXPECT_EQ(h.sd.origin.session_version, 8u);
  EXPECT_EQ(m.last_remote(), reoffer);
  n = m.negotiated();
  ASSERT_TRUE(n.has_value());
  EXPECT_TRUE(n->remote_holds());
  EXPECT_EQ(n->remote_direction, MediaDirection::sendonly);
  EXPECT_EQ(n->local_direction, MediaDirection::recvonly);

  // And resumes.
  auto resumed = m.create_answer(baresip_reoffer("sendrecv"), MediaDirection::sendrecv);
  ASSERT_TRUE(resumed.ok());
  auto r = parse_sdp(*resumed);
  EXPECT_EQ(r.audio->direction, sdp::Direction::sendrecv);
  EXPECT_EQ(r.sd.origin.session_version, 9u);
  EXPECT_FALSE(m.negotiated()->remote_holds());

  // Our own hold after an incoming call starts from our last answer.
  auto our_hold = parse_sdp(m.create_offer(MediaDirection::sendonly));
  EXPECT_EQ(our_hold.audio->direction, sdp::Direction::sendonly);
  EXPECT_EQ(our_hold.sd.origin.session_version, 10u);
  EXPECT_EQ(formats(our_hold), (std::vector<std::string>{"8", "101"}));
}

TEST(SipCallMedia, ReofferWithoutCommonCodecIsRefused) {
  std::string offer = read_data(kBaresipOffer);
  SipCallMedia m;
  m.set_answer(our_sip_answer(offer));
  ASSERT_TRUE(m.create_answer(offer, MediaDirection::sendrecv).ok());
  std::string g729 =
      "v=0\r\no=- 202372287 2138231613 IN IP4 192.0.2.2\r\ns=-\r\nc=IN IP4 192.0.2.2\r\nt=0 0\r\n"
      "m=audio 41014 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n";
  auto r = m.create_answer(g729, MediaDirection::sendrecv);
  EXPECT_FALSE(r.ok());
}

TEST(SipCallMedia, OutgoingCallAcceptsTheAnswer) {
  SipCallMedia m(our_sip_offer());
  (void)m.create_offer(MediaDirection::sendrecv);
  EXPECT_FALSE(m.accept_answer("garbage").ok());
  std::string answer = sip_answer_pcmu_101("10.0.0.20", 6000);
  ASSERT_TRUE(m.accept_answer(answer).ok());
  EXPECT_EQ(m.last_remote(), answer);
  auto n = m.negotiated();
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->remote_address, "10.0.0.20");
  EXPECT_EQ(n->remote_port, 6000);
  EXPECT_EQ(n->remote_rtcp_port, 6001);
  EXPECT_FALSE(n->rtcp_mux);
  EXPECT_EQ(n->remote_direction, MediaDirection::sendrecv);
  EXPECT_FALSE(n->remote_holds());
  // What the answer settled: PCMU, and telephone-event as the SIP side numbers it.
  EXPECT_EQ(n->telephone_event_pt, 101);
  ASSERT_FALSE(n->codecs.empty());
  EXPECT_EQ(n->codecs[0].name, "PCMU");

  // Our hold re-offer, then the SIP side's recvonly answer.
  auto hold = parse_sdp(m.create_offer(MediaDirection::sendonly));
  EXPECT_EQ(hold.audio->direction, sdp::Direction::sendonly);
  ASSERT_TRUE(m.accept_answer(replace(answer, "a=sendrecv", "a=recvonly")).ok());
  EXPECT_EQ(m.negotiated()->local_direction, MediaDirection::sendonly);
  EXPECT_FALSE(m.negotiated()->remote_holds());
  // A rejected stream in an answer is an error.
  EXPECT_FALSE(m.accept_answer(replace(answer, "m=audio 6000", "m=audio 0")).ok());
}

// The SIP side holds an outgoing call with a re-INVITE listing all its
// codecs (as PBXes do). The browser leg and the RTP leg's PT map were fixed
// by the first answer (PCMU, telephone-event 126 <-> 101): our answer must
// not offer the SIP side codecs the call cannot carry.
TEST(SipCallMedia, ReofferOnAnOutgoingCallKeepsTheNegotiatedCodecs) {
  SipCallMedia m(our_sip_offer());
  (void)m.create_offer(MediaDirection::sendrecv);
  ASSERT_TRUE(m.accept_answer(sip_answer_pcmu_101("10.0.0.20", 6000)).ok());
  std::string reoffer =
      "v=0\r\no=pbx 8000 8002 IN IP4 10.0.0.20\r\ns=-\r\nc=IN IP4 10.0.0.20\r\nt=0 0\r\n"
      "m=audio 6000 RTP/AVP 8 0 9 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\n"
      "a=rtpmap:9 G722/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=sendonly\r\n";
  auto answer = m.create_answer(reoffer, MediaDirection::sendrecv);
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  auto a = parse_sdp(*answer);
  ASSERT_NE(a.audio, nullptr);
  EXPECT_EQ(a.audio->direction, sdp::Direction::recvonly);
  EXPECT_EQ(a.audio->port, 30000);
  EXPECT_EQ(a.audio->connection->address, "10.0.0.5");
  EXPECT_EQ(a.sd.origin.session_id, "4711");
  EXPECT_EQ(a.sd.origin.session_version, 4u);
  EXPECT_EQ(formats(a), (std::vector<std::string>{"0", "101"})) << *answer;
}

}  // namespace
}  // namespace gw::gateway
