// PlainRtpLeg on real loopback sockets: a fake SIP phone on 127.0.0.1 (an RTP
// and an RTCP socket), a stranger on 127.0.0.2, and a recording LegHost in
// place of the media shard. The SIP side's media comes from complete_to_sip
// on Chromium's offer and a PBX answer that numbers telephone-event 101
// (the browser's is 126).
#include "gateway/plain_rtp_leg.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <vector>

#include "rtp/packet.hpp"
#include "sip_test_util.hpp"

namespace gw::gateway {
namespace {

using namespace gw::gateway::testing;
using namespace std::chrono_literals;

constexpr LegId kPlainId = 7, kBrowserId = 3;

struct FakeHost : LegHost {
  struct Delivered {
    LegId to;
    Bytes data;
    std::optional<std::uint32_t> ssrc;
  };
  std::vector<Delivered> delivered;
  std::size_t secure = 0, events = 0;

  void send_secure(ByteView, const SocketAddress&, net::DatagramPort*) override { ++secure; }
  void deliver_plain(LegId to, ByteView data, std::optional<std::uint32_t> ssrc) override {
    delivered.push_back({to, Bytes(data.begin(), data.end()), ssrc});
  }
  void report(LegEvent) override { ++events; }
};

struct Received {
  Bytes data;
  net::PeerAddress from;
};

std::unique_ptr<net::DatagramPort> open_udp(boost::asio::io_context& io, const std::string& host,
                                            std::uint16_t port) {
  auto p = net::DatagramPort::open(io, Endpoint{Transport::udp, host, port, {}});
  return p ? std::move(*p) : nullptr;
}

// An RTP socket and the RTCP one at port + 1 (retried until both bind).
std::shared_ptr<RtpPorts> open_pair(boost::asio::io_context& io, const std::string& host) {
  for (int i = 0; i < 50; ++i) {
    auto rtp = open_udp(io, host, 0);
    if (!rtp) return nullptr;
    std::uint16_t port = rtp->local_endpoint().port;
    if (port == 65535) continue;
    auto rtcp = open_udp(io, host, static_cast<std::uint16_t>(port + 1));
    if (!rtcp) continue;
    auto ports = std::make_shared<RtpPorts>();
    ports->rtp = std::move(rtp);
    ports->rtcp = std::move(rtcp);
    ports->port = port;
    return ports;
  }
  return nullptr;
}

Bytes rtp_packet(std::uint8_t pt, std::uint16_t seq, bool marker = false) {
  Bytes payload(160, 0xFF);
  return rtp::build_rtp(pt, seq, 160u * seq, 0x11223344, ByteView(payload.data(), payload.size()), marker);
}

// An RTCP receiver report with no report blocks (RFC 3550 §6.4.2).
Bytes rtcp_rr(std::uint32_t ssrc) {
  return Bytes{0x80, 201, 0x00, 0x01, static_cast<std::uint8_t>(ssrc >> 24), static_cast<std::uint8_t>(ssrc >> 16),
               static_cast<std::uint8_t>(ssrc >> 8), static_cast<std::uint8_t>(ssrc)};
}

std::uint8_t pt_of(const Bytes& b) { return b.at(1) & 0x7f; }
bool marker_of(const Bytes& b) { return (b.at(1) & 0x80) != 0; }

class PlainRtpLegTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ports_ = open_pair(io_, "127.0.0.1");
    ASSERT_NE(ports_, nullptr);
    phone_ = open_pair(io_, "127.0.0.1");
    ASSERT_NE(phone_, nullptr);
    stranger_ = open_udp(io_, "127.0.0.2", 0);
    ASSERT_NE(stranger_, nullptr) << "127.0.0.2 should be a loopback address";
    phone_->rtp->start([this](ByteView d, const net::PeerAddress& from) {
      at_phone_rtp_.push_back({Bytes(d.begin(), d.end()), from});
    });
    phone_->rtcp->start([this](ByteView d, const net::PeerAddress& from) {
      at_phone_rtcp_.push_back({Bytes(d.begin(), d.end()), from});
    });
  }
  void TearDown() override {
    leg_.reset();
    if (phone_) {
      phone_->rtp->close();
      phone_->rtcp->close();
    }
    if (stranger_) stranger_->close();
    io_.poll();
  }

  // The SIP side's media as complete_to_sip makes it from the phone's answer.
  SipMedia phone_media(const std::string& extra = "") {
    sdp::SipSideParams p;
    p.address = "127.0.0.1";
    p.port = ports_->port;
    auto offer = offer_to_sip(read_data(kChromeAudio), p);
    EXPECT_TRUE(offer.ok());
    auto bridge = complete_to_sip(*offer, sip_answer_pcmu_101("127.0.0.1", phone_->port, extra), local_media());
    EXPECT_TRUE(bridge.ok()) << (bridge ? "" : bridge.error().message);
    return bridge ? bridge->sip : SipMedia{};
  }

  void make_leg(SipMedia media) {
    PlainLegConfig c;
    c.id = kPlainId;
    c.peer = kBrowserId;
    c.ports = ports_;
    c.remote = std::move(media);
    c.shard_drops = &shard_drops_;
    leg_ = std::make_unique<PlainRtpLeg>(std::move(c), host_);
    leg_->start([this] { ++batches_; });
  }

  // Runs the loop until `done` holds (2 s at most).
  bool run_until(const std::function<bool()>& done) {
    auto deadline = std::chrono::steady_clock::now() + 2s;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      io_.run_for(2ms);
    }
    return true;
  }

  net::PeerAddress leg_rtp() const { return net::PeerAddress{SocketAddress{*IpAddress::parse("127.0.0.1"), ports_->port}}; }
  net::PeerAddress leg_rtcp() const {
    return net::PeerAddress{SocketAddress{*IpAddress::parse("127.0.0.1"), static_cast<std::uint16_t>(ports_->port + 1)}};
  }
  void from_browser(const Bytes& b) { leg_->on_plain(ByteView(b.data(), b.size())); }

  boost::asio::io_context io_;
  std::shared_ptr<RtpPorts> ports_, phone_;
  std::unique_ptr<net::DatagramPort> stranger_;
  FakeHost host_;
  PlainDropCounters shard_drops_;
  std::unique_ptr<PlainRtpLeg> leg_;
  std::vector<Received> at_phone_rtp_, at_phone_rtcp_;
  int batches_ = 0;
};

TEST_F(PlainRtpLegTest, BrowserRtpLeavesWithTheSipPayloadTypes) {
  make_leg(phone_media());
  from_browser(rtp_packet(126, 1, true));  // telephone-event start, marker set
  from_browser(rtp_packet(0, 2));          // PCMU: same number both sides
  ASSERT_TRUE(run_until([&] { return at_phone_rtp_.size() == 2; }));
  EXPECT_EQ(pt_of(at_phone_rtp_[0].data), 101);
  EXPECT_TRUE(marker_of(at_phone_rtp_[0].data)) << "the marker bit survives the rewrite";
  EXPECT_EQ(pt_of(at_phone_rtp_[1].data), 0);
  EXPECT_EQ(at_phone_rtp_[0].from, leg_rtp()) << "RTP leaves from the leg's RTP port";
  // Nothing but the PT changed.
  Bytes expected = rtp_packet(101, 1, true);
  EXPECT_EQ(at_phone_rtp_[0].data, expected);
  EXPECT_EQ(leg_->counters().rtp_out, 2u);
  EXPECT_TRUE(at_phone_rtcp_.empty());
}

TEST_F(PlainRtpLegTest, SipRtpReachesThePeerWithTheBrowserPayloadTypes) {
  make_leg(phone_media());
  Bytes te = rtp_packet(101, 10, true), pcmu = rtp_packet(0, 11);
  phone_->rtp->send_to(ByteView(te.data(), te.size()), leg_rtp());
  phone_->rtp->send_to(ByteView(pcmu.data(), pcmu.size()), leg_rtp());
  ASSERT_TRUE(run_until([&] { return host_.delivered.size() == 2; }));
  EXPECT_EQ(host_.delivered[0].to, kBrowserId);
  EXPECT_EQ(pt_of(host_.delivered[0].data), 126);
  EXPECT_TRUE(marker_of(host_.delivered[0].data));
  EXPECT_EQ(host_.delivered[0].data, rtp_packet(126, 10, true));
  EXPECT_FALSE(host_.delivered[0].ssrc.has_value());
  EXPECT_EQ(host_.delivered[1].data, pcmu);
  EXPECT_EQ(leg_->counters().rtp_in, 2u);
  EXPECT_GE(batches_, 1) << "after_receive runs after each batch";
}

TEST_F(PlainRtpLegTest, UnmappedPayloadTypesAreDroppedAndCounted) {
  make_leg(phone_media());
  from_browser(rtp_packet(111, 1));  // opus: not answered by the SIP side
  from_browser(rtp_packet(110, 2));  // telephone-event/48000: not answered
  EXPECT_EQ(leg_->counters().unmapped_pt, 2u);
  Bytes pcma = rtp_packet(8, 3), pcmu = rtp_packet(0, 4);
  phone_->rtp->send_to(ByteView(pcma.data(), pcma.size()), leg_rtp());
  phone_->rtp->send_to(ByteView(pcmu.data(), pcmu.size()), leg_rtp());
  ASSERT_TRUE(run_until([&] { return leg_->counters().unmapped_pt == 3 && host_.delivered.size() == 1; }));
  EXPECT_EQ(host_.delivered[0].data, pcmu) << "only the mapped packet went through";
  // A mapped packet after the dropped ones proves that nothing else left.
  from_browser(rtp_packet(0, 5));
  ASSERT_TRUE(run_until([&] { return !at_phone_rtp_.empty(); }));
  io_.poll();
  ASSERT_EQ(at_phone_rtp_.size(), 1u);
  EXPECT_EQ(pt_of(at_phone_rtp_[0].data), 0);
  EXPECT_EQ(leg_->counters().rtp_out, 1u);
  EXPECT_EQ(shard_drops_.unmapped_pt.load(), 3u) << "the shard's totals (the stats event) see them too";
}

TEST_F(PlainRtpLegTest, PacketsFromAnotherAddressAreWrongSource) {
  make_leg(phone_media());
  Bytes pcmu = rtp_packet(0, 1), rr = rtcp_rr(0x55667788);
  stranger_->send_to(ByteView(pcmu.data(), pcmu.size()), leg_rtp());
  stranger_->send_to(ByteView(rr.data(), rr.size()), leg_rtcp());
  ASSERT_TRUE(run_until([&] { return leg_->counters().wrong_source == 2; }));
  EXPECT_TRUE(host_.delivered.empty());
  EXPECT_EQ(leg_->counters().rtp_in, 0u);
  EXPECT_EQ(leg_->counters().rtcp_in, 0u);
  // The phone's IP from another port is fine (no symmetric RTP required).
  auto other_port = open_udp(io_, "127.0.0.1", 0);
  ASSERT_NE(other_port, nullptr);
  other_port->send_to(ByteView(pcmu.data(), pcmu.size()), leg_rtp());
  ASSERT_TRUE(run_until([&] { return host_.delivered.size() == 1; }));
  EXPECT_EQ(leg_->counters().wrong_source, 2u);
  EXPECT_EQ(shard_drops_.wrong_source.load(), 2u);
}

TEST_F(PlainRtpLegTest, BrowserRtcpGoesToPortPlusOne) {
  make_leg(phone_media());
  Bytes rr = rtcp_rr(0x01020304);
  from_browser(rr);
  ASSERT_TRUE(run_until([&] { return !at_phone_rtcp_.empty(); }));
  EXPECT_EQ(at_phone_rtcp_[0].data, rr);
  EXPECT_EQ(at_phone_rtcp_[0].from, leg_rtcp()) << "RTCP leaves from the leg's RTCP port";
  EXPECT_TRUE(at_phone_rtp_.empty());
  EXPECT_EQ(leg_->counters().rtcp_out, 1u);
  EXPECT_EQ(leg_->counters().unmapped_pt, 0u) << "RTCP is not subject to PT mapping";

  // RTCP from the phone to our RTCP port reaches the browser leg unchanged.
  Bytes theirs = rtcp_rr(0x0A0B0C0D);
  phone_->rtcp->send_to(ByteView(theirs.data(), theirs.size()), leg_rtcp());
  ASSERT_TRUE(run_until([&] { return host_.delivered.size() == 1; }));
  EXPECT_EQ(host_.delivered[0].to, kBrowserId);
  EXPECT_EQ(host_.delivered[0].data, theirs);
  EXPECT_EQ(leg_->counters().rtcp_in, 1u);
}

TEST_F(PlainRtpLegTest, RtcpAttributeMovesTheRtcpDestination) {
  // RFC 3605: the phone's a=rtcp names another port (here its RTP socket's).
  make_leg(phone_media("a=rtcp:" + std::to_string(phone_->port) + "\r\n"));
  Bytes rr = rtcp_rr(0x01020304);
  from_browser(rr);
  ASSERT_TRUE(run_until([&] { return !at_phone_rtp_.empty(); }));
  EXPECT_EQ(at_phone_rtp_[0].data, rr);
  EXPECT_EQ(at_phone_rtp_[0].from, leg_rtcp()) << "not muxed: still from our RTCP socket";
  EXPECT_TRUE(at_phone_rtcp_.empty());
}

TEST_F(PlainRtpLegTest, RtcpMuxUsesTheRtpPortsBothWays) {
  make_leg(phone_media("a=rtcp-mux\r\n"));
  Bytes rr = rtcp_rr(0x01020304);
  from_browser(rr);
  from_browser(rtp_packet(0, 1));
  ASSERT_TRUE(run_until([&] { return at_phone_rtp_.size() == 2; }));
  EXPECT_EQ(at_phone_rtp_[0].data, rr);
  EXPECT_EQ(at_phone_rtp_[0].from, leg_rtp()) << "RFC 5761: RTCP on the RTP port";
  EXPECT_EQ(pt_of(at_phone_rtp_[1].data), 0);
  EXPECT_TRUE(at_phone_rtcp_.empty());

  // Muxed RTCP from the phone arrives on our RTP port.
  Bytes theirs = rtcp_rr(0x0A0B0C0D);
  phone_->rtp->send_to(ByteView(theirs.data(), theirs.size()), leg_rtp());
  ASSERT_TRUE(run_until([&] { return host_.delivered.size() == 1; }));
  EXPECT_EQ(host_.delivered[0].data, theirs);
  EXPECT_EQ(leg_->counters().rtcp_in, 1u);
  EXPECT_EQ(leg_->counters().rtp_in, 0u);
  EXPECT_EQ(leg_->counters().unmapped_pt, 0u);
}

TEST_F(PlainRtpLegTest, HoldDropsAndCounts) {
  make_leg(phone_media());
  leg_->set_hold(true);
  from_browser(rtp_packet(0, 1));
  from_browser(rtcp_rr(1));
  EXPECT_EQ(leg_->counters().held_drops, 2u);
  EXPECT_EQ(leg_->counters().rtp_out, 0u);
  leg_->set_hold(false);
  from_browser(rtp_packet(0, 2));
  ASSERT_TRUE(run_until([&] { return !at_phone_rtp_.empty(); }));
  io_.poll();
  ASSERT_EQ(at_phone_rtp_.size(), 1u) << "only the packet after the hold";
  EXPECT_EQ(at_phone_rtp_[0].data, rtp_packet(0, 2));
  EXPECT_TRUE(at_phone_rtcp_.empty());
  EXPECT_EQ(leg_->counters().held_drops, 2u);
}

TEST_F(PlainRtpLegTest, UpdateMovesTheSipSide) {
  make_leg(phone_media());
  auto moved = open_pair(io_, "127.0.0.1");
  ASSERT_NE(moved, nullptr);
  std::vector<Bytes> at_moved;
  moved->rtp->start([&](ByteView d, const net::PeerAddress&) { at_moved.emplace_back(d.begin(), d.end()); });
  SipMedia m = phone_media();
  m.rtp.port = moved->port;
  m.rtcp.port = static_cast<std::uint16_t>(moved->port + 1);
  leg_->update(m);
  from_browser(rtp_packet(126, 1));
  ASSERT_TRUE(run_until([&] { return !at_moved.empty(); }));
  EXPECT_EQ(pt_of(at_moved[0]), 101) << "the map is rebuilt from the update";
  EXPECT_TRUE(at_phone_rtp_.empty());
  // A rejected stream (port 0) sends nothing.
  m.rtp.port = 0;
  leg_->update(m);
  from_browser(rtp_packet(0, 2));
  EXPECT_EQ(leg_->counters().rtp_out, 1u);
  moved->rtp->close();
  moved->rtcp->close();
}

}  // namespace
}  // namespace gw::gateway
