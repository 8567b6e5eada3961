// Client transaction timing (RFC 8489 §6.2.1/§6.2.2) and credentials (§9.2).
#include <gtest/gtest.h>

#include "stun/builder.hpp"
#include "stun/client_transaction.hpp"
#include "stun/integrity.hpp"

namespace gw::stun {
namespace {

double ms_since(TimePoint t0, TimePoint t) { return to_ms(t - t0); }

TEST(StunClientTransaction, UdpRetransmitScheduleAndTimeout) {
  FakeClock clock;
  const TimePoint t0 = clock.now();
  ClientTransaction t(RequestSpec{});
  std::vector<double> sends{ms_since(t0, clock.now())};
  const Bytes first = t.start(clock.now());
  while (!t.done()) {
    clock.set(*t.next_deadline());
    auto a = t.on_timer(clock.now());
    if (a.send) {
      EXPECT_EQ(*a.send, first);  // same transaction id and bytes
      sends.push_back(ms_since(t0, clock.now()));
    }
  }
  EXPECT_EQ(sends, (std::vector<double>{0, 500, 1500, 3500, 7500, 15500, 31500}));
  EXPECT_EQ(ms_since(t0, clock.now()), 39500);
  EXPECT_EQ(t.state(), ClientTransaction::State::timed_out);
  EXPECT_EQ(t.transmissions(), 7);
}

TEST(StunClientTransaction, ConfigurableRetries) {
  FakeClock clock;
  const TimePoint t0 = clock.now();
  TransactionConfig cfg;
  cfg.rto = milliseconds(100);
  cfg.max_requests = 3;
  ClientTransaction t(RequestSpec{}, cfg);
  t.start(clock.now());
  while (!t.done()) {
    clock.set(*t.next_deadline());
    t.on_timer(clock.now());
  }
  EXPECT_EQ(t.transmissions(), 3);
  EXPECT_EQ(ms_since(t0, clock.now()), 100 + 200 + 1600);
}

TEST(StunClientTransaction, OverallTimeoutCaps) {
  FakeClock clock;
  const TimePoint t0 = clock.now();
  TransactionConfig cfg;
  cfg.overall_timeout = milliseconds(2000);
  ClientTransaction t(RequestSpec{}, cfg);
  t.start(clock.now());
  while (!t.done()) {
    clock.set(*t.next_deadline());
    t.on_timer(clock.now());
  }
  EXPECT_EQ(ms_since(t0, clock.now()), 2000);
  EXPECT_EQ(t.transmissions(), 3);
}

TEST(StunClientTransaction, TcpSendsOnceAndWaitsTi) {
  FakeClock clock;
  const TimePoint t0 = clock.now();
  TransactionConfig cfg;
  cfg.reliable = true;
  ClientTransaction t(RequestSpec{}, cfg);
  t.start(clock.now());
  clock.set(*t.next_deadline());
  auto a = t.on_timer(clock.now());
  EXPECT_FALSE(a.send.has_value());
  EXPECT_TRUE(a.finished);
  EXPECT_EQ(ms_since(t0, clock.now()), 39500);
  EXPECT_EQ(t.transmissions(), 1);
}

TEST(StunClientTransaction, MatchesResponseAndMeasuresRtt) {
  FakeClock clock;
  ClientTransaction t(RequestSpec{});
  auto req = decode(t.start(clock.now())).value();
  EXPECT_TRUE(req.has(attr::fingerprint));
  clock.advance(milliseconds(42));
  TransactionId other = req.transaction_id;
  other[0] ^= 1;
  const auto stray = MessageBuilder(Method::binding, Class::success, other).build();
  EXPECT_FALSE(t.on_response(stray, clock.now()).accepted);
  auto bad_fp = MessageBuilder::reply_to(req, Class::success).with_fingerprint().build();
  bad_fp[bad_fp.size() - 1] ^= 1;
  EXPECT_FALSE(t.on_response(bad_fp, clock.now()).accepted);
  const auto good = MessageBuilder::reply_to(req, Class::success)
                        .add_address(attr::xor_mapped_address,
                                     SocketAddress::parse("192.0.2.9:4000").value())
                        .with_fingerprint()
                        .build();
  auto r = t.on_response(good, clock.now());
  EXPECT_TRUE(r.accepted);
  EXPECT_TRUE(r.finished);
  EXPECT_EQ(t.state(), ClientTransaction::State::succeeded);
  EXPECT_EQ(to_ms(t.rtt()), 42);
  EXPECT_EQ(get_address(*t.response(), attr::xor_mapped_address)->to_string(), "192.0.2.9:4000");
  EXPECT_FALSE(t.next_deadline().has_value());
}

TEST(StunClientTransaction, ShortTermCredentialsAreChecked) {
  RequestSpec spec;
  spec.credentials = Credentials{Credentials::Kind::short_term, "user", "secret", false};
  ClientTransaction t(spec);
  const auto bytes = t.start(TimePoint{});
  auto req = decode(bytes).value();
  EXPECT_EQ(check_message_integrity(bytes, req, short_term_key("secret")), Check::ok);
  const auto unsigned_ok = MessageBuilder::reply_to(req, Class::success).build();
  EXPECT_FALSE(t.on_response(unsigned_ok, TimePoint{}).accepted);  // must be authenticated
  const auto wrong = MessageBuilder::reply_to(req, Class::success)
                         .with_integrity(short_term_key("other"))
                         .build();
  EXPECT_FALSE(t.on_response(wrong, TimePoint{}).accepted);
  const auto right = MessageBuilder::reply_to(req, Class::success)
                         .with_integrity(short_term_key("secret"))
                         .build();
  EXPECT_TRUE(t.on_response(right, TimePoint{}).accepted);
}

// A tiny long-term-credential server for the 401/438 flow (RFC 8489 §9.2).
struct AuthServer {
  std::string nonce = "nonce-1";
  bool offer_sha256 = true;
  Bytes answer(ByteView bytes, int* status) {
    auto m = decode(bytes).value();
    auto challenge = [&](int code) {
      *status = code;
      auto b = MessageBuilder::reply_to(m, Class::error);
      b.add_error(code).add_text(attr::realm, "example.org").add_text(attr::nonce, nonce);
      if (offer_sha256) {
        const std::vector<PasswordAlgorithm> algs{{2, {}}, {1, {}}};
        b.add(attr::password_algorithms, encode_password_algorithms(algs));
      }
      return b.build();
    };
    if (!m.has(attr::username)) return challenge(401);
    if (get_text(m, attr::nonce) != nonce) return challenge(438);
    const auto alg = get_password_algorithm(m);
    const auto id = alg && alg->id == 2 ? PasswordAlgorithmId::sha256 : PasswordAlgorithmId::md5;
    const auto key = long_term_key("alice", "example.org", "wonderland", id);
    if (check_integrity(bytes, m, key) != Check::ok) return challenge(401);
    *status = 200;
    auto b = MessageBuilder::reply_to(m, Class::success);
    if (id == PasswordAlgorithmId::sha256) {
      b.with_integrity_sha256(key);
    } else {
      b.with_integrity(key);
    }
    return b.build();
  }
};

RequestSpec long_term(const char* password) {
  RequestSpec spec;
  spec.credentials = Credentials{Credentials::Kind::long_term, "alice", password, false};
  return spec;
}

TEST(StunClientTransaction, LongTermChallengeThenSha256Retry) {
  AuthServer server;
  ClientTransaction t(long_term("wonderland"));
  int status = 0;
  auto reply = server.answer(t.start(TimePoint{}), &status);
  EXPECT_EQ(status, 401);
  const auto first_tid = t.transaction_id();
  auto r = t.on_response(reply, TimePoint{});
  ASSERT_TRUE(r.send.has_value());
  EXPECT_NE(t.transaction_id(), first_tid);  // a new transaction
  auto retry = decode(*r.send).value();
  EXPECT_TRUE(retry.has(attr::message_integrity_sha256));
  EXPECT_EQ(get_password_algorithm(retry)->id, 2);
  reply = server.answer(*r.send, &status);
  EXPECT_EQ(status, 200);
  EXPECT_TRUE(t.on_response(reply, TimePoint{}).finished);
  EXPECT_EQ(t.state(), ClientTransaction::State::succeeded);
  EXPECT_EQ(t.auth_attempts(), 1);
}

TEST(StunClientTransaction, LongTermMd5WhenNoAlgorithmsOffered) {
  AuthServer server;
  server.offer_sha256 = false;
  ClientTransaction t(long_term("wonderland"));
  int status = 0;
  auto r = t.on_response(server.answer(t.start(TimePoint{}), &status), TimePoint{});
  ASSERT_TRUE(r.send.has_value());
  EXPECT_TRUE(decode(*r.send)->has(attr::message_integrity));
  t.on_response(server.answer(*r.send, &status), TimePoint{});
  EXPECT_EQ(t.state(), ClientTransaction::State::succeeded);
}

TEST(StunClientTransaction, StaleNonceRetriedOnce) {
  AuthServer server;
  ClientTransaction t(long_term("wonderland"));
  int status = 0;
  auto r = t.on_response(server.answer(t.start(TimePoint{}), &status), TimePoint{});
  server.nonce = "nonce-2";  // the nonce goes stale before the retry arrives
  auto reply = server.answer(*r.send, &status);
  EXPECT_EQ(status, 438);
  r = t.on_response(reply, TimePoint{});
  ASSERT_TRUE(r.send.has_value());
  EXPECT_EQ(get_text(decode(*r.send).value(), attr::nonce), "nonce-2");
  server.nonce = "nonce-3";  // stale again: no second retry
  t.on_response(server.answer(*r.send, &status), TimePoint{});
  EXPECT_EQ(t.state(), ClientTransaction::State::auth_failed);
}

TEST(StunClientTransaction, WrongPasswordFails) {
  AuthServer server;
  ClientTransaction t(long_term("guess"));
  int status = 0;
  auto r = t.on_response(server.answer(t.start(TimePoint{}), &status), TimePoint{});
  t.on_response(server.answer(*r.send, &status), TimePoint{});
  EXPECT_EQ(t.state(), ClientTransaction::State::auth_failed);
  EXPECT_EQ(t.error()->code, 401);
}

}  // namespace
}  // namespace gw::stun
