// ICE-lite check responder (RFC 8445 §7.3): requests built as a browser
// builds them, responses decoded and verified with the same codec.
#include <gtest/gtest.h>

#include "ice/lite_check.hpp"
#include "stun/attributes.hpp"
#include "stun/builder.hpp"
#include "stun/integrity.hpp"
#include "stun/message.hpp"

namespace gw::ice {
namespace {

using Kind = CheckOutcome::Kind;

const stun::TransactionId kTid{0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};
constexpr std::string_view kLocalUfrag = "LFRAG";
constexpr std::string_view kLocalPwd = "localpasswordlocalpassw0rd";
constexpr std::string_view kRemoteUfrag = "RFRAG";

LiteCredentials creds(std::string remote = std::string(kRemoteUfrag)) {
  return {std::string(kLocalUfrag), std::string(kLocalPwd), std::move(remote)};
}

SocketAddress from() {
  return {IpAddress::v4(0xC0000207), 51234};
}  // 192.0.2.7

struct RequestSpec {
  std::optional<std::string> username = std::string(kLocalUfrag) + ":" + std::string(kRemoteUfrag);
  std::string pwd = std::string(kLocalPwd);
  bool integrity = true;
  bool fingerprint = true;
  bool controlling = true;
  bool controlled = false;
  bool use_candidate = true;
  stun::Class cls = stun::Class::request;
};

Bytes build(const RequestSpec& s) {
  stun::MessageBuilder b(stun::Method::binding, s.cls, kTid);
  if (s.username) b.add_text(stun::attr::username, *s.username);
  b.add_u32(stun::attr::priority, 1853824767);
  if (s.controlling) b.add_u64(stun::attr::ice_controlling, 0x0123456789abcdefULL);
  if (s.controlled) b.add_u64(stun::attr::ice_controlled, 0x0123456789abcdefULL);
  if (s.use_candidate) b.add_flag(stun::attr::use_candidate);
  if (s.integrity) b.with_integrity(stun::short_term_key(s.pwd));
  if (s.fingerprint) b.with_fingerprint();
  return b.build();
}

CheckOutcome run(const Bytes& packet, const LiteCredentials& c = creds()) {
  auto m = stun::decode(packet);
  EXPECT_TRUE(m.ok());
  if (!m) return {};
  return answer_check(packet, *m, c, from());
}

stun::Message decode_response(const CheckOutcome& out) {
  auto m = stun::decode(out.response);
  EXPECT_TRUE(m.ok()) << "the response must decode";
  if (!m) return {};
  EXPECT_EQ(m->transaction_id, kTid);
  EXPECT_EQ(m->method, stun::Method::binding);
  EXPECT_EQ(stun::check_fingerprint(out.response, *m), stun::Check::ok);
  return *m;
}

int error_code_of(const CheckOutcome& out) {
  auto m = decode_response(out);
  EXPECT_EQ(m.cls, stun::Class::error);
  auto e = stun::get_error_code(m);
  return e ? e->code : 0;
}

TEST(LiteCheck, ValidNominatingCheckSucceeds) {
  auto out = run(build({}));
  ASSERT_EQ(out.kind, Kind::success);
  EXPECT_TRUE(out.use_candidate);
  auto m = decode_response(out);
  EXPECT_EQ(m.cls, stun::Class::success);
  auto mapped = stun::get_address(m, stun::attr::xor_mapped_address);
  ASSERT_TRUE(mapped.has_value());
  EXPECT_EQ(*mapped, from());
  // RFC 8445 §7.3.1.2 / RFC 8489 §9.1: the response is signed with the
  // password of the agent that answers (ours), not the requester's.
  EXPECT_EQ(stun::check_message_integrity(out.response, m, stun::short_term_key(kLocalPwd)), stun::Check::ok);
  EXPECT_EQ(stun::check_message_integrity(out.response, m, stun::short_term_key("someoneelsespassword00")),
            stun::Check::mismatch);
  EXPECT_EQ(stun::get_text(m, stun::attr::software).value_or(""), "webrtc-gw");
}

TEST(LiteCheck, IPv6SourceIsMapped) {
  std::array<std::uint8_t, 16> v6{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42};
  SocketAddress src{IpAddress::v6(v6), 9};
  Bytes packet = build({});
  auto m = stun::decode(packet);
  ASSERT_TRUE(m.ok());
  auto out = answer_check(packet, *m, creds(), src, "");
  ASSERT_EQ(out.kind, Kind::success);
  auto r = decode_response(out);
  EXPECT_EQ(stun::get_address(r, stun::attr::xor_mapped_address), src);
  EXPECT_FALSE(r.has(stun::attr::software)) << "empty software: no SOFTWARE attribute";
}

TEST(LiteCheck, ConsentCheckWithoutUseCandidate) {
  RequestSpec s;
  s.use_candidate = false;
  auto out = run(build(s));
  ASSERT_EQ(out.kind, Kind::success);
  EXPECT_FALSE(out.use_candidate);
}

TEST(LiteCheck, FingerprintIsOptional) {
  RequestSpec s;
  s.fingerprint = false;
  EXPECT_EQ(run(build(s)).kind, Kind::success);
}

TEST(LiteCheck, EmptyRemoteUfragIsNotChecked) {
  RequestSpec s;
  s.username = "LFRAG:whatever-the-browser-uses";
  EXPECT_EQ(run(build(s), creds("")).kind, Kind::success);
  EXPECT_EQ(run(build(s), creds("RFRAG")).kind, Kind::unauthorized);
}

TEST(LiteCheck, WrongPasswordIs401WithoutIntegrity) {
  RequestSpec s;
  s.pwd = "not-the-local-password-x";
  auto out = run(build(s));
  ASSERT_EQ(out.kind, Kind::unauthorized);
  EXPECT_FALSE(out.use_candidate);
  EXPECT_EQ(error_code_of(out), 401);
  auto m = decode_response(out);
  EXPECT_FALSE(m.has(stun::attr::message_integrity)) << "RFC 8445 §7.3: a 401 cannot be authenticated";
  EXPECT_FALSE(m.has(stun::attr::xor_mapped_address));
}

TEST(LiteCheck, WrongUfragIs401) {
  for (std::string user : {"OTHER:RFRAG", "LFRAGX:RFRAG", "LFRA:RFRAG", "LFRAG:OTHER", "LFRAG:", "LFRAG",
                           "lfrag:RFRAG", "LFRAG:RFRAGX"}) {
    RequestSpec s;
    s.username = user;
    auto out = run(build(s));
    EXPECT_EQ(out.kind, Kind::unauthorized) << user;
    if (!out.response.empty()) {
      EXPECT_EQ(error_code_of(out), 401) << user;
    }
  }
}

TEST(LiteCheck, MissingIntegrityOrUsernameIs400) {
  RequestSpec no_mi;
  no_mi.integrity = false;
  auto out = run(build(no_mi));
  ASSERT_EQ(out.kind, Kind::bad_request);
  EXPECT_EQ(error_code_of(out), 400);
  EXPECT_FALSE(out.use_candidate);

  RequestSpec no_user;
  no_user.username.reset();
  out = run(build(no_user));
  ASSERT_EQ(out.kind, Kind::bad_request);
  EXPECT_EQ(error_code_of(out), 400);
}

TEST(LiteCheck, ControlledPeerGets487Signed) {
  RequestSpec s;
  s.controlling = false;
  s.controlled = true;
  auto out = run(build(s));
  ASSERT_EQ(out.kind, Kind::role_conflict);
  EXPECT_FALSE(out.use_candidate);
  EXPECT_EQ(error_code_of(out), 487);
  auto m = decode_response(out);
  EXPECT_EQ(stun::check_message_integrity(out.response, m, stun::short_term_key(kLocalPwd)), stun::Check::ok);
}

TEST(LiteCheck, RoleConflictOnlyAfterAuthentication) {
  RequestSpec s;
  s.controlling = false;
  s.controlled = true;
  s.pwd = "not-the-local-password-x";
  EXPECT_EQ(run(build(s)).kind, Kind::unauthorized);
}

TEST(LiteCheck, CorruptedFingerprintIsDropped) {
  Bytes packet = build({});
  packet.back() ^= 0x01;  // last byte of the CRC
  auto out = run(packet);
  EXPECT_EQ(out.kind, Kind::drop);
  EXPECT_TRUE(out.response.empty());
  EXPECT_FALSE(out.use_candidate);
}

TEST(LiteCheck, CorruptedBodyBreaksFingerprintFirst) {
  // A flipped bit in PRIORITY: both MI and FINGERPRINT break; the
  // fingerprint wins (not STUN for us), so nothing is sent.
  Bytes packet = build({});
  auto m = stun::decode(packet);
  ASSERT_TRUE(m.ok());
  const auto* prio = m->find(stun::attr::priority);
  ASSERT_NE(prio, nullptr);
  packet[prio->offset + 4] ^= 0x40;
  EXPECT_EQ(run(packet).kind, Kind::drop);
}

TEST(LiteCheck, NonRequestsAreDropped) {
  for (auto cls : {stun::Class::indication, stun::Class::success, stun::Class::error}) {
    RequestSpec s;
    s.cls = cls;
    auto out = run(build(s));
    EXPECT_EQ(out.kind, Kind::drop) << static_cast<int>(cls);
    EXPECT_TRUE(out.response.empty());
  }
  // A non-Binding request (Allocate, method 3) is not a check either.
  Bytes alloc = stun::MessageBuilder(static_cast<stun::Method>(3), stun::Class::request, kTid)
                    .add_text(stun::attr::username, "LFRAG:RFRAG")
                    .with_integrity(stun::short_term_key(kLocalPwd))
                    .with_fingerprint()
                    .build();
  EXPECT_EQ(run(alloc).kind, Kind::drop);
}

stun::Message with_username(std::string_view user) {
  auto b = stun::MessageBuilder(stun::Method::binding, stun::Class::request, kTid);
  b.add_text(stun::attr::username, user);
  auto m = stun::decode(b.build());
  EXPECT_TRUE(m.ok());
  return m ? *m : stun::Message{};
}

TEST(LiteCheck, CheckLocalUfrag) {
  EXPECT_EQ(check_local_ufrag(with_username("LFRAG:RFRAG")), "LFRAG");
  EXPECT_EQ(check_local_ufrag(with_username("LFRAG:")), "LFRAG");
  EXPECT_EQ(check_local_ufrag(with_username("a:b:c")), "a");  // ufrag has no ':' (ice-char)
  EXPECT_EQ(check_local_ufrag(with_username("x:")), "x");
  EXPECT_EQ(check_local_ufrag(with_username(":RFRAG")), std::nullopt);
  EXPECT_EQ(check_local_ufrag(with_username("LFRAG")), std::nullopt);
  EXPECT_EQ(check_local_ufrag(with_username("")), std::nullopt);
  EXPECT_EQ(check_local_ufrag(with_username(":")), std::nullopt);
  stun::Message none;
  EXPECT_EQ(check_local_ufrag(none), std::nullopt);
  // The view points into the message: it stays valid while the message does.
  auto m = with_username("abcd:efgh");
  auto u = check_local_ufrag(m);
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->data(), reinterpret_cast<const char*>(m.find(stun::attr::username)->value.data()));
}

}  // namespace
}  // namespace gw::ice
