// STUN server logic: answers, RFC 5780 routing, errors, drops, rate limit.
#include <gtest/gtest.h>

#include "nat_sim.hpp"
#include "stun/builder.hpp"
#include "stun/integrity.hpp"
#include "stun/server.hpp"

namespace gw::stun {
namespace {

using sim::addr;

const SocketAddress kClient = addr("203.0.113.7:40000");

MessageBuilder request() {
  return MessageBuilder(Method::binding, Class::request, random_transaction_id());
}

std::optional<ServerReply> ask(Server& s, const Bytes& bytes,
                               LocalSocket on = LocalSocket::primary,
                               SocketAddress from = kClient) {
  return s.handle(bytes, from, on, TimePoint{});
}

TEST(StunServer, BindingSuccessRfc5780) {
  Server s(sim::rfc5780_server());
  EXPECT_EQ(s.sockets().size(), 4U);
  EXPECT_EQ(s.address_of(LocalSocket::alt_ip).to_string(), "198.51.100.2:3478");
  EXPECT_EQ(s.address_of(LocalSocket::alt_port).to_string(), "198.51.100.1:3479");
  const auto req = request().with_fingerprint().build();
  auto r = ask(s, req);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->from, LocalSocket::primary);
  EXPECT_EQ(r->to, kClient);
  auto m = decode(r->bytes).value();
  EXPECT_EQ(m.cls, Class::success);
  EXPECT_EQ(m.transaction_id, decode(req)->transaction_id);
  EXPECT_EQ(get_address(m, attr::xor_mapped_address), kClient);
  EXPECT_FALSE(m.has(attr::mapped_address));
  EXPECT_EQ(get_address(m, attr::response_origin)->to_string(), "198.51.100.1:3478");
  EXPECT_EQ(get_address(m, attr::other_address)->to_string(), "198.51.100.2:3479");
  EXPECT_EQ(get_text(m, attr::software), "webrtc-gw");
  EXPECT_EQ(check_fingerprint(r->bytes, m), Check::ok);
  // No FINGERPRINT asked for, none given (policy when_requested).
  r = ask(s, request().build());
  EXPECT_FALSE(decode(r->bytes)->has(attr::fingerprint));
  EXPECT_EQ(s.counters().success, 2U);
}

TEST(StunServer, ChangeRequestRouting) {
  Server s(sim::rfc5780_server());
  struct Case {
    ChangeRequest change;
    LocalSocket on, expect;
  };
  const Case cases[] = {
      {{true, true}, LocalSocket::primary, LocalSocket::alt_ip_port},
      {{false, true}, LocalSocket::primary, LocalSocket::alt_port},
      {{true, false}, LocalSocket::primary, LocalSocket::alt_ip},
      {{false, false}, LocalSocket::alt_ip, LocalSocket::alt_ip},
      {{true, true}, LocalSocket::alt_ip, LocalSocket::alt_port},
  };
  for (const auto& c : cases) {
    auto r = ask(s, request().add_change_request(c.change).build(), c.on);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->from, c.expect);
    auto m = decode(r->bytes).value();
    EXPECT_EQ(get_address(m, attr::response_origin), s.address_of(c.expect));
    // OTHER-ADDRESS: IP and port both changed from where the request arrived.
    EXPECT_EQ(get_address(m, attr::other_address),
              s.address_of(static_cast<LocalSocket>(static_cast<unsigned>(c.on) ^ 3U)));
  }
  EXPECT_EQ(s.counters().change_requests, 4U);
}

TEST(StunServer, ChangeRequestWithoutAlternateIs420) {
  ServerConfig c;
  c.primary = addr("198.51.100.1:3478");
  Server s(c);
  auto r = ask(s, request().add_change_request({false, true}).build());
  ASSERT_TRUE(r.has_value());
  auto m = decode(r->bytes).value();
  EXPECT_EQ(m.cls, Class::error);
  EXPECT_EQ(get_error_code(m)->code, 420);
  EXPECT_EQ(get_unknown_attributes(m), (std::vector<std::uint16_t>{attr::change_request}));
  EXPECT_FALSE(m.has(attr::other_address));
  // No change asked: answered normally, without OTHER-ADDRESS.
  r = ask(s, request().add_change_request({false, false}).build());
  m = decode(r->bytes).value();
  EXPECT_EQ(m.cls, Class::success);
  EXPECT_FALSE(m.has(attr::other_address));
}

TEST(StunServer, UnknownComprehensionRequiredIs420) {
  Server s(sim::rfc5780_server());
  auto r = ask(s, request().add(0x0042, Bytes{1}).add(0x8042, Bytes{1}).add(0x0042, Bytes{}).build());
  auto m = decode(r->bytes).value();
  EXPECT_EQ(get_error_code(m)->code, 420);
  EXPECT_EQ(get_unknown_attributes(m), (std::vector<std::uint16_t>{0x0042}));
  EXPECT_EQ(s.counters().error_420, 1U);
  // ICE connectivity-check attributes are understood (and ignored).
  r = ask(s, request()
                 .add_text(attr::username, "a:b")
                 .add_u32(attr::priority, 1)
                 .add_flag(attr::use_candidate)
                 .with_integrity(short_term_key("pw"))
                 .build());
  EXPECT_EQ(decode(r->bytes)->cls, Class::success);
}

TEST(StunServer, BadChangeRequestAndOtherMethodsAre400) {
  Server s(sim::rfc5780_server());
  auto r = ask(s, request().add(attr::change_request, Bytes{0, 4}).build());
  EXPECT_EQ(get_error_code(decode(r->bytes).value())->code, 400);
  r = ask(s, MessageBuilder(static_cast<Method>(3), Class::request, random_transaction_id()).build());
  EXPECT_EQ(get_error_code(decode(r->bytes).value())->code, 400);
  EXPECT_EQ(s.counters().error_400, 2U);
}

TEST(StunServer, ResponsePort) {
  Server s(sim::rfc5780_server());
  auto r = ask(s, request().add_response_port(41000).build());
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->to, addr("203.0.113.7:41000"));
  EXPECT_EQ(s.counters().response_port, 1U);
}

TEST(StunServer, PaddingNeverAmplifies) {
  Server s(sim::rfc5780_server());
  const auto req = request().add_padding(1500).with_fingerprint().build();
  auto r = ask(s, req);
  ASSERT_TRUE(r.has_value());
  EXPECT_LE(r->bytes.size(), req.size());
  EXPECT_GE(r->bytes.size(), req.size() - 8);
  auto m = decode(r->bytes).value();
  EXPECT_TRUE(m.has(attr::padding));
  EXPECT_EQ(check_fingerprint(r->bytes, m), Check::ok);
  // A tiny request with PADDING gets no padding at all.
  r = ask(s, request().add_padding(0).build());
  EXPECT_FALSE(decode(r->bytes)->has(attr::padding));
}

TEST(StunServer, Rfc3489Request) {
  Server s(sim::rfc5780_server());
  Bytes req = request().build();
  req[4] = 0x11;  // no magic cookie: an RFC 3489 client's 128-bit id
  auto r = ask(s, req);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(std::equal(req.begin() + 4, req.begin() + 20, r->bytes.begin() + 4));
  auto m = decode(r->bytes, DecodeOptions{true}).value();
  EXPECT_EQ(get_address(m, attr::mapped_address), kClient);
  EXPECT_FALSE(m.has(attr::xor_mapped_address));
  EXPECT_TRUE(m.has(attr::source_address));
  EXPECT_TRUE(m.has(attr::changed_address));
  EXPECT_FALSE(m.has(attr::fingerprint));
  EXPECT_EQ(s.counters().rfc3489_requests, 1U);
}

TEST(StunServer, MalformedAndNonRequestsAreCountedDrops) {
  Server s(sim::rfc5780_server());
  const Bytes good = request().add_text(attr::software, "abcd").with_fingerprint().build();
  EXPECT_FALSE(ask(s, Bytes(good.begin(), good.begin() + 12)));  // truncated
  Bytes b = good;
  b[0] = 0xC0;
  EXPECT_FALSE(ask(s, b));  // not STUN
  b = good;
  b[3] = 0x07;
  EXPECT_FALSE(ask(s, b));  // bad length
  b = good;
  b[23] = 0xF0;
  EXPECT_FALSE(ask(s, b));  // attribute overflow
  b = good;
  b[25] ^= 1;
  EXPECT_FALSE(ask(s, b));  // bad fingerprint
  EXPECT_FALSE(ask(s, MessageBuilder(Method::binding, Class::indication, random_transaction_id()).build()));
  EXPECT_FALSE(ask(s, MessageBuilder(Method::binding, Class::success, random_transaction_id()).build()));
  ServerConfig strict = sim::rfc5780_server();
  strict.answer_rfc3489 = false;
  Server s2(strict);
  b = good;
  b[4] = 0;
  EXPECT_FALSE(ask(s2, b));
  EXPECT_EQ(s2.counters().dropped[static_cast<std::size_t>(DropReason::bad_cookie)], 1U);

  const auto& c = s.counters();
  auto n = [&](DropReason r) { return c.dropped[static_cast<std::size_t>(r)]; };
  EXPECT_EQ(n(DropReason::truncated), 1U);
  EXPECT_EQ(n(DropReason::not_stun), 1U);
  EXPECT_EQ(n(DropReason::bad_length), 1U);
  EXPECT_EQ(n(DropReason::attribute_overflow), 1U);
  EXPECT_EQ(n(DropReason::bad_fingerprint), 1U);
  EXPECT_EQ(n(DropReason::indication), 1U);
  EXPECT_EQ(n(DropReason::not_request), 1U);
  EXPECT_EQ(c.dropped_total(), 7U);
  EXPECT_EQ(c.responses, 0U);
  const auto j = c.to_json();
  EXPECT_EQ(j.at("dropped").at("bad_fingerprint").as_uint64(), 1U);
  EXPECT_EQ(j.at("received").as_uint64(), 7U);
}

TEST(StunServer, RateLimitPerSourceOnGivenTime) {
  auto cfg = sim::rfc5780_server();
  cfg.rate_limit = RateLimitConfig{10, 5, 1000};
  Server s(cfg);
  const auto req = request().build();
  const TimePoint t0{};
  int answered = 0;
  for (int i = 0; i < 20; ++i) answered += s.handle(req, kClient, LocalSocket::primary, t0) ? 1 : 0;
  EXPECT_EQ(answered, 5);  // the burst
  // Another source is not affected.
  EXPECT_TRUE(s.handle(req, addr("203.0.113.8:1"), LocalSocket::primary, t0));
  // 10/s refill: 200 ms later two more.
  answered = 0;
  for (int i = 0; i < 5; ++i) {
    answered += s.handle(req, kClient, LocalSocket::primary, t0 + milliseconds(200)) ? 1 : 0;
  }
  EXPECT_EQ(answered, 2);
  EXPECT_EQ(s.counters().dropped[static_cast<std::size_t>(DropReason::rate_limited)], 18U);
}

TEST(StunServer, RateLimiterTableStaysBounded) {
  RateLimiter limiter(RateLimitConfig{1, 1, 100});
  for (std::uint32_t i = 0; i < 10000; ++i) {
    EXPECT_TRUE(limiter.allow(IpAddress::v4(0x0A000000U + i), TimePoint{}));
  }
  EXPECT_LE(limiter.tracked_sources(), 100U);
}

}  // namespace
}  // namespace gw::stun
