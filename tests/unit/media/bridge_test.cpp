// Two media::Bridges wired back to back in memory (no sockets).
#include "media/bridge.hpp"

#include <gtest/gtest.h>

#include <deque>

#include "rtp/packet.hpp"

using namespace gw;
using namespace gw::media;

namespace {

const PeerAddress kA{SocketAddress{IpAddress::v4(0x7f000001), 1000}};      // A's secure port
const PeerAddress kB{SocketAddress{IpAddress::v4(0x7f000001), 2000}};      // B's secure port
const PeerAddress kPlainA{SocketAddress{IpAddress::v4(0x7f000001), 3000}};  // app next to A
const PeerAddress kPlainB{SocketAddress{IpAddress::v4(0x7f000001), 4000}};  // app next to B
const PeerAddress kEvil{SocketAddress{IpAddress::v4(0x7f000001), 6666}};

struct Sent {
  Port port;
  Bytes data;
  PeerAddress to;
};

struct Capture : Bridge::Output {
  std::deque<Sent> sent;
  void send(Port port, ByteView data, const PeerAddress& to) override {
    sent.push_back({port, Bytes(data.begin(), data.end()), to});
  }
};

std::shared_ptr<const dtls::Certificate> cert() {
  return std::make_shared<const dtls::Certificate>(std::move(dtls::Certificate::generate().value()));
}

struct Pair {
  Capture out_a, out_b;
  std::unique_ptr<Bridge> a, b;
  FakeClock clock;

  // Delivers secure-side packets between the bridges until quiet.
  void pump() {
    for (int i = 0; i < 100; ++i) {
      bool moved = false;
      for (auto [from, to, src] : {std::tuple{&out_a, &b, kA}, std::tuple{&out_b, &a, kB}}) {
        auto& q = from->sent;
        for (auto it = q.begin(); it != q.end();) {
          if (it->port == Port::secure) {
            Bytes d = it->data;
            it = q.erase(it);
            (*to)->on_secure(d, src, clock.now());
            moved = true;
          } else {
            ++it;
          }
        }
      }
      if (!moved) return;
    }
  }
};

void make_dtls_pair(Pair& p, bool strict) {
  auto ca = cert();
  auto cb = cert();
  BridgeConfig A;
  A.setup = dtls::Role::passive;
  A.dtls.certificate = ca;
  A.dtls.remote_fingerprint = cb->fingerprint();
  A.strict_source = strict;
  BridgeConfig B;
  B.setup = dtls::Role::active;
  B.dtls.certificate = cb;
  B.dtls.remote_fingerprint = ca->fingerprint();
  p.a = std::move(Bridge::create(A, p.out_a).value());
  p.b = std::move(Bridge::create(B, p.out_b).value());
  p.a->set_remote(Port::plain_rtp, kPlainA, p.clock.now());
  p.b->set_remote(Port::plain_rtp, kPlainB, p.clock.now());
  p.b->set_remote(Port::secure, kA, p.clock.now());
  p.a->start(p.clock.now());
  p.b->start(p.clock.now());
  p.pump();
}

}  // namespace

TEST(MediaBridge, DtlsPairForwardsBitExactBothWays) {
  Pair p;
  make_dtls_pair(p, true);
  ASSERT_TRUE(p.a->keys_ready());
  ASSERT_TRUE(p.b->keys_ready());
  auto ev = p.a->take_events();
  bool done = false;
  for (auto& e : ev) done |= std::holds_alternative<event::HandshakeDone>(e);
  EXPECT_TRUE(done);
  EXPECT_EQ(p.a->remote(Port::secure), kB);  // learnt from the ClientHello

  for (std::uint16_t seq = 65530; seq != 10; ++seq) {  // across the wrap
    Bytes rtp = rtp::build_rtp(0, seq, seq * 160U, 0x42, Bytes(160, static_cast<std::uint8_t>(seq)));
    p.a->on_plain(rtp, kPlainA, false, p.clock.now());
    p.pump();
    ASSERT_FALSE(p.out_b.sent.empty());
    EXPECT_EQ(p.out_b.sent.back().port, Port::plain_rtp);
    EXPECT_EQ(p.out_b.sent.back().to, kPlainB);
    EXPECT_EQ(p.out_b.sent.back().data, rtp);
    p.out_b.sent.clear();
  }
  Bytes rtcp;
  from_hex("80c90001" "00000042", rtcp);
  p.b->on_plain(rtcp, kPlainB, true, p.clock.now());
  p.pump();
  ASSERT_FALSE(p.out_a.sent.empty());
  EXPECT_EQ(p.out_a.sent.back().port, Port::plain_rtcp);
  EXPECT_EQ(p.out_a.sent.back().data, rtcp);
  EXPECT_EQ(p.b->counters().secure_to_plain.rtp_packets, 16U);
  EXPECT_EQ(p.b->counters().secure_to_plain.drops.total(), 0U);
}

TEST(MediaBridge, DropsAreCountedByReason) {
  Pair p;
  // Before any keys: not_ready on both sides.
  auto ca = cert();
  BridgeConfig cfg;
  cfg.setup = dtls::Role::passive;
  cfg.dtls.certificate = ca;
  Capture out;
  auto lonely = std::move(Bridge::create(cfg, out).value());
  lonely->start(p.clock.now());
  Bytes rtp = rtp::build_rtp(0, 1, 0, 1, Bytes(20, 0));
  lonely->on_plain(rtp, kPlainA, false, p.clock.now());
  lonely->on_secure(rtp, kB, p.clock.now());
  EXPECT_EQ(lonely->counters().plain_to_secure.drops.not_ready, 1U);
  EXPECT_EQ(lonely->counters().secure_to_plain.drops.not_ready, 1U);

  make_dtls_pair(p, true);
  Bytes stun(20, 0);
  stun[1] = 1;
  p.a->on_secure(stun, kB, p.clock.now());
  Bytes junk = {0xc5, 1, 2};
  p.a->on_secure(junk, kB, p.clock.now());
  p.a->on_secure(rtp, kB, p.clock.now());                  // not encrypted: auth fail
  p.a->on_secure(rtp, kEvil, p.clock.now());               // strict: wrong source
  p.a->on_plain(Bytes{0x80, 0}, kPlainA, false, p.clock.now());  // truncated RTP
  p.a->on_plain(rtp, kEvil, false, p.clock.now());         // strict: wrong plain source
  const auto& c = p.a->counters();
  EXPECT_EQ(c.secure_to_plain.drops.stun, 1U);
  EXPECT_EQ(c.secure_to_plain.drops.unknown, 1U);
  EXPECT_EQ(c.secure_to_plain.drops.auth_fail, 1U);
  EXPECT_EQ(c.secure_to_plain.drops.source, 1U);
  EXPECT_EQ(c.plain_to_secure.drops.malformed, 1U);
  EXPECT_EQ(c.plain_to_secure.drops.source, 1U);

  // Replay: deliver one SRTP packet twice.
  p.b->on_plain(rtp::build_rtp(0, 5, 0, 9, Bytes(20, 3)), kPlainB, false, p.clock.now());
  ASSERT_FALSE(p.out_b.sent.empty());
  Bytes srtp = p.out_b.sent.back().data;
  p.out_b.sent.clear();
  p.a->on_secure(srtp, kB, p.clock.now());
  p.a->on_secure(srtp, kB, p.clock.now());
  EXPECT_EQ(p.a->counters().secure_to_plain.drops.replay, 1U);
  EXPECT_EQ(p.a->counters().secure_to_plain.rtp_packets, 1U);
  auto js = p.a->stats_json(false);
  EXPECT_EQ(js["secure_to_plain"].as_object()["drops"].as_object()["replay"].as_uint64(), 1U);
}

TEST(MediaBridge, SdesPairAndPeerTimeout) {
  auto la = srtp::CryptoAttribute::generate(srtp::Profile::aes_cm_128_hmac_sha1_80).value();
  auto lb = srtp::CryptoAttribute::generate(srtp::Profile::aes_cm_128_hmac_sha1_80).value();
  Pair p;
  BridgeConfig A;
  A.keying = BridgeConfig::Keying::sdes;
  A.sdes_local = la;
  A.sdes_remote = lb;
  A.peer_timeout = seconds(5);
  BridgeConfig B = A;
  B.sdes_local = lb;
  B.sdes_remote = la;
  p.a = std::move(Bridge::create(A, p.out_a).value());
  p.b = std::move(Bridge::create(B, p.out_b).value());
  p.a->set_remote(Port::secure, kB, p.clock.now());
  p.b->set_remote(Port::secure, kA, p.clock.now());
  p.b->set_remote(Port::plain_rtp, kPlainB, p.clock.now());
  p.a->start(p.clock.now());
  p.b->start(p.clock.now());
  Bytes rtp = rtp::build_rtp(8, 1, 0, 7, Bytes(160, 0xd5));
  p.a->on_plain(rtp, kPlainA, false, p.clock.now());
  p.pump();
  ASSERT_EQ(p.out_b.sent.size(), 1U);
  EXPECT_EQ(p.out_b.sent[0].data, rtp);

  ASSERT_TRUE(p.b->next_deadline().has_value());
  p.clock.advance(seconds(6));
  p.b->on_timer(p.clock.now());
  bool gone = false;
  for (auto& e : p.b->take_events()) gone |= std::holds_alternative<event::PeerGone>(e);
  EXPECT_TRUE(gone);
}

TEST(MediaBridge, SdesNeedsBothLines) {
  Capture out;
  BridgeConfig c;
  c.keying = BridgeConfig::Keying::sdes;
  EXPECT_FALSE(Bridge::create(c, out).ok());
}
