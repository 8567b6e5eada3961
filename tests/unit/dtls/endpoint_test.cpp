// DTLS-SRTP endpoints talking to each other in memory, on a fake clock.
#include "dtls/endpoint.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <thread>

#include "rtp/packet.hpp"
#include "srtp/session.hpp"

using namespace gw;
using namespace gw::dtls;

namespace {

std::shared_ptr<const Certificate> new_cert() {
  auto c = Certificate::generate();
  EXPECT_TRUE(c.ok());
  return std::make_shared<const Certificate>(std::move(c.value()));
}

struct Peer {
  std::unique_ptr<Endpoint> ep;
  std::vector<Event> events;
  std::optional<HandshakeDone> done;
  std::optional<Failure> failure;
  bool closed = false;

  void collect() {
    for (auto& e : ep->take_events()) {
      if (auto* d = std::get_if<HandshakeDone>(&e)) done = *d;
      if (auto* f = std::get_if<Failure>(&e)) failure = *f;
      if (std::holds_alternative<Closed>(e)) closed = true;
      events.push_back(std::move(e));
    }
  }
  [[nodiscard]] bool finished() const { return done.has_value() || failure.has_value(); }
};

Peer make_peer(Role role, std::shared_ptr<const Certificate> cert, std::optional<Fingerprint> remote,
               std::vector<srtp::Profile> profiles = srtp::default_dtls_profiles()) {
  EndpointConfig cfg;
  cfg.role = role;
  cfg.certificate = std::move(cert);
  cfg.remote_fingerprint = std::move(remote);
  cfg.profiles = std::move(profiles);
  cfg.initial_retransmit = milliseconds(20);  // real time passes on retransmission (see endpoint.hpp)
  cfg.max_retransmit = milliseconds(80);
  auto ep = Endpoint::create(cfg);
  EXPECT_TRUE(ep.ok()) << (ep.ok() ? "" : ep.error().message);
  Peer p;
  p.ep = std::move(ep.value());
  return p;
}

// A link with optional loss, duplication and reordering (deterministic seed).
struct Link {
  Link() = default;
  Link(double l, double d, double r, int first) : loss(l), dup(d), reorder(r), drop_first(first) {}
  double loss = 0, dup = 0, reorder = 0;
  int drop_first = 0;  // drop the first N datagrams outright
  std::mt19937 rng{42};
  std::deque<Bytes> queue;
  int sent = 0;

  void send(std::vector<Bytes> datagrams) {
    std::uniform_real_distribution<double> u(0, 1);
    for (auto& d : datagrams) {
      ++sent;
      if (sent <= drop_first || u(rng) < loss) continue;
      if (u(rng) < dup) queue.push_back(d);
      if (!queue.empty() && u(rng) < reorder) {
        queue.push_front(std::move(d));  // jumps ahead of what is queued
      } else {
        queue.push_back(std::move(d));
      }
    }
  }
};

// Runs both endpoints until each is done or failed; false on a stall.
bool run(Peer& a, Peer& b, FakeClock& clock, Link& ab, Link& ba, int max_rounds = 400) {
  a.ep->start(clock.now());
  b.ep->start(clock.now());
  for (int round = 0; round < max_rounds; ++round) {
    ab.send(a.ep->take_outgoing());
    ba.send(b.ep->take_outgoing());
    a.collect();
    b.collect();
    if (a.finished() && b.finished() && ab.queue.empty() && ba.queue.empty()) return true;
    if (!ab.queue.empty()) {
      b.ep->feed(ab.queue.front(), clock.now());
      ab.queue.pop_front();
      continue;
    }
    if (!ba.queue.empty()) {
      a.ep->feed(ba.queue.front(), clock.now());
      ba.queue.pop_front();
      continue;
    }
    // Idle network: jump to the next deadline (real time too, for OpenSSL).
    std::optional<TimePoint> next;
    for (auto* p : {&a, &b}) {
      auto d = p->ep->next_deadline();
      if (d && (!next || *d < *next)) next = d;
    }
    if (!next) return a.finished() && b.finished();
    if (*next > clock.now()) {
      auto wait = *next - clock.now();
      std::this_thread::sleep_for(std::min<Duration>(wait, milliseconds(200)));
      clock.set(*next);
    }
    for (auto* p : {&a, &b}) {
      auto d = p->ep->next_deadline();
      if (d && *d <= clock.now()) p->ep->on_timer(clock.now());
    }
  }
  return false;
}

void expect_srtp_both_ways(const HandshakeDone& client, const HandshakeDone& server) {
  ASSERT_EQ(client.keys.profile, server.keys.profile);
  EXPECT_EQ(client.keys.local, server.keys.remote);
  EXPECT_EQ(client.keys.remote, server.keys.local);
  EXPECT_NE(client.keys.local, client.keys.remote);
  auto p = client.keys.profile;
  auto c_tx = srtp::Session::create(p, client.keys.local, srtp::Direction::outbound);
  auto s_rx = srtp::Session::create(p, server.keys.remote, srtp::Direction::inbound);
  auto s_tx = srtp::Session::create(p, server.keys.local, srtp::Direction::outbound);
  auto c_rx = srtp::Session::create(p, client.keys.remote, srtp::Direction::inbound);
  ASSERT_TRUE(c_tx.ok() && s_rx.ok() && s_tx.ok() && c_rx.ok());
  Bytes plain = rtp::build_rtp(0, 1, 160, 0x1111, Bytes(160, 0xd5));
  Bytes pkt = plain;
  ASSERT_EQ(c_tx->protect_rtp(pkt), srtp::PacketStatus::ok);
  ASSERT_EQ(s_rx->unprotect_rtp(pkt), srtp::PacketStatus::ok);
  EXPECT_EQ(pkt, plain);
  pkt = plain;
  ASSERT_EQ(s_tx->protect_rtp(pkt), srtp::PacketStatus::ok);
  ASSERT_EQ(c_rx->unprotect_rtp(pkt), srtp::PacketStatus::ok);
  EXPECT_EQ(pkt, plain);
}

}  // namespace

TEST(DtlsRole, Rfc8842Resolution) {
  EXPECT_EQ(*resolve_role(Role::actpass, Role::active), Role::passive);
  EXPECT_EQ(*resolve_role(Role::actpass, Role::passive), Role::active);
  EXPECT_EQ(*resolve_role(Role::actpass, Role::actpass), Role::active);
  EXPECT_EQ(*resolve_role(Role::actpass, std::nullopt), Role::passive);
  EXPECT_EQ(*resolve_role(Role::active, Role::passive), Role::active);
  EXPECT_FALSE(resolve_role(Role::active, Role::active).ok());
  EXPECT_EQ(*parse_role("actpass"), Role::actpass);
  EXPECT_FALSE(parse_role("holdconn").ok());
}

TEST(DtlsEndpoint, HandshakeExporterKeysMatchAndSrtpWorks) {
  auto cc = new_cert();
  auto sc = new_cert();
  Peer client = make_peer(Role::active, cc, sc->fingerprint());
  Peer server = make_peer(Role::passive, sc, cc->fingerprint());
  FakeClock clock;
  Link ab, ba;
  ASSERT_TRUE(run(client, server, clock, ab, ba));
  ASSERT_TRUE(client.done.has_value()) << (client.failure ? client.failure->detail : "");
  ASSERT_TRUE(server.done.has_value()) << (server.failure ? server.failure->detail : "");
  EXPECT_EQ(client.done->keys.profile, srtp::Profile::aead_aes_128_gcm);  // default preference
  EXPECT_EQ(client.done->peer_fingerprint, sc->fingerprint());
  EXPECT_EQ(server.done->peer_fingerprint, cc->fingerprint());
  EXPECT_EQ(client.ep->state(), State::connected);
  expect_srtp_both_ways(*client.done, *server.done);
}

TEST(DtlsEndpoint, EachProfileNegotiates) {
  for (auto p : srtp::default_dtls_profiles()) {
    auto cc = new_cert();
    auto sc = new_cert();
    Peer client = make_peer(Role::active, cc, sc->fingerprint());
    Peer server = make_peer(Role::passive, sc, cc->fingerprint(), {p});
    FakeClock clock;
    Link ab, ba;
    ASSERT_TRUE(run(client, server, clock, ab, ba));
    ASSERT_TRUE(client.done && server.done) << srtp::info(p).sdes_name;
    EXPECT_EQ(client.done->keys.profile, p);
    EXPECT_EQ(client.done->keys.local.size(), srtp::key_salt_length(p));
    expect_srtp_both_ways(*client.done, *server.done);
  }
}

TEST(DtlsEndpoint, WrongFingerprintFailsCleanly) {
  auto cc = new_cert();
  auto sc = new_cert();
  auto stranger = new_cert();
  Peer client = make_peer(Role::active, cc, stranger->fingerprint());
  Peer server = make_peer(Role::passive, sc, cc->fingerprint());
  FakeClock clock;
  Link ab, ba;
  ASSERT_TRUE(run(client, server, clock, ab, ba));
  ASSERT_TRUE(client.failure.has_value());
  EXPECT_EQ(client.failure->reason, FailureReason::fingerprint_mismatch);
  EXPECT_FALSE(client.done.has_value());
  ASSERT_TRUE(server.failure.has_value());
  EXPECT_EQ(server.failure->reason, FailureReason::alert);
  EXPECT_FALSE(server.done.has_value());
}

TEST(DtlsEndpoint, ServerRejectsWrongClientCertificate) {
  auto cc = new_cert();
  auto sc = new_cert();
  auto stranger = new_cert();
  Peer client = make_peer(Role::active, cc, sc->fingerprint());
  Peer server = make_peer(Role::passive, sc, stranger->fingerprint());
  FakeClock clock;
  Link ab, ba;
  ASSERT_TRUE(run(client, server, clock, ab, ba));
  ASSERT_TRUE(server.failure.has_value());
  EXPECT_EQ(server.failure->reason, FailureReason::fingerprint_mismatch);
  ASSERT_TRUE(client.failure.has_value());
  EXPECT_FALSE(server.done.has_value());
}

TEST(DtlsEndpoint, NoCommonProfileFails) {
  auto cc = new_cert();
  auto sc = new_cert();
  Peer client = make_peer(Role::active, cc, std::nullopt, {srtp::Profile::aead_aes_128_gcm});
  Peer server = make_peer(Role::passive, sc, std::nullopt, {srtp::Profile::aes_cm_128_hmac_sha1_80});
  FakeClock clock;
  Link ab, ba;
  run(client, server, clock, ab, ba);
  ASSERT_TRUE(client.failure.has_value());
  EXPECT_FALSE(client.done.has_value());
}

TEST(DtlsEndpoint, SurvivesLossReorderAndDuplicates) {
  for (int seed = 1; seed <= 4; ++seed) {
    auto cc = new_cert();
    auto sc = new_cert();
    Peer client = make_peer(Role::active, cc, sc->fingerprint());
    Peer server = make_peer(Role::passive, sc, cc->fingerprint());
    FakeClock clock;
    Link ab{0.25, 0.2, 0.3, 1};
    Link ba{0.25, 0.2, 0.3, 1};
    ab.rng.seed(static_cast<unsigned>(seed));
    ba.rng.seed(static_cast<unsigned>(seed * 7));
    ASSERT_TRUE(run(client, server, clock, ab, ba, 2000)) << "seed " << seed;
    ASSERT_TRUE(client.done.has_value()) << "seed " << seed << ": " << (client.failure ? client.failure->detail : "");
    ASSERT_TRUE(server.done.has_value()) << "seed " << seed << ": " << (server.failure ? server.failure->detail : "");
    expect_srtp_both_ways(*client.done, *server.done);
  }
}

TEST(DtlsEndpoint, LostFinalFlightIsRecovered) {
  // Drop the server's last flight (ChangeCipherSpec+Finished): the client
  // retransmits its own, the server answers again.
  auto cc = new_cert();
  auto sc = new_cert();
  Peer client = make_peer(Role::active, cc, sc->fingerprint());
  Peer server = make_peer(Role::passive, sc, cc->fingerprint());
  FakeClock clock;
  Link ab, ba;
  client.ep->start(clock.now());
  server.ep->start(clock.now());
  // Pump flights by hand until the server has sent its last one.
  for (int i = 0; i < 10; ++i) {
    for (auto& d : client.ep->take_outgoing()) server.ep->feed(d, clock.now());
    auto back = server.ep->take_outgoing();
    if (server.ep->state() == State::connected) break;  // `back` is the final flight: lose it
    for (auto& d : back) client.ep->feed(d, clock.now());
  }
  ASSERT_EQ(server.ep->state(), State::connected);
  ASSERT_EQ(client.ep->state(), State::handshaking);
  Link none, none2;
  ASSERT_TRUE(run(client, server, clock, none, none2));
  client.collect();
  EXPECT_TRUE(client.done.has_value());
}

TEST(DtlsEndpoint, HandshakeTimeoutOnTheCallersClock) {
  auto cc = new_cert();
  EndpointConfig cfg;
  cfg.role = Role::active;
  cfg.certificate = cc;
  cfg.handshake_timeout = seconds(5);
  auto ep = Endpoint::create(cfg);
  ASSERT_TRUE(ep.ok());
  FakeClock clock;
  (*ep)->start(clock.now());
  EXPECT_FALSE((*ep)->take_outgoing().empty());  // ClientHello
  ASSERT_TRUE((*ep)->next_deadline().has_value());
  clock.advance(seconds(6));
  (*ep)->on_timer(clock.now());
  auto events = (*ep)->take_events();
  ASSERT_EQ(events.size(), 1U);
  ASSERT_TRUE(std::holds_alternative<Failure>(events[0]));
  EXPECT_EQ(std::get<Failure>(events[0]).reason, FailureReason::timeout);
  EXPECT_FALSE((*ep)->next_deadline().has_value());
}

TEST(DtlsEndpoint, CloseNotifyReachesThePeer) {
  auto cc = new_cert();
  auto sc = new_cert();
  Peer client = make_peer(Role::active, cc, sc->fingerprint());
  Peer server = make_peer(Role::passive, sc, cc->fingerprint());
  FakeClock clock;
  Link ab, ba;
  ASSERT_TRUE(run(client, server, clock, ab, ba));
  client.ep->close();
  for (auto& d : client.ep->take_outgoing()) server.ep->feed(d, clock.now());
  server.collect();
  EXPECT_TRUE(server.closed);
  EXPECT_EQ(server.ep->state(), State::closed);
}

TEST(DtlsEndpoint, GarbageIsIgnoredDuringHandshake) {
  auto cc = new_cert();
  auto sc = new_cert();
  Peer client = make_peer(Role::active, cc, sc->fingerprint());
  Peer server = make_peer(Role::passive, sc, cc->fingerprint());
  FakeClock clock;
  std::mt19937 rng(7);
  server.ep->start(clock.now());
  for (int i = 0; i < 200; ++i) {
    Bytes junk(1 + rng() % 300);
    for (auto& b : junk) b = static_cast<std::uint8_t>(rng());
    junk[0] = static_cast<std::uint8_t>(20 + rng() % 44);  // looks like DTLS (RFC 7983)
    server.ep->feed(junk, clock.now());
  }
  server.collect();
  EXPECT_FALSE(server.failure.has_value());
  Link ab, ba;
  ASSERT_TRUE(run(client, server, clock, ab, ba));
  EXPECT_TRUE(client.done && server.done);
}
