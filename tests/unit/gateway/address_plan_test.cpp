// The gateway's address plan check: STUN URL parsing, the static checks, and
// the STUN check against libcore's own STUN server on loopback.
#include "gateway/address_plan.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>

#include "net/datagram_port.hpp"
#include "net/stun_server_host.hpp"

namespace gw::gateway {
namespace {

using namespace std::chrono_literals;
using HostPort = std::pair<std::string, std::uint16_t>;

IpAddress ip(std::string_view text) { return *IpAddress::parse(text); }

bool mentions(const PlanFinding& f, std::string_view what) { return f.what.find(what) != std::string::npos; }

TEST(AddressPlanStunUrl, HostAndPort) {
  EXPECT_EQ(parse_stun_url("stun:stun.example.org"), (HostPort{"stun.example.org", 3478}));
  EXPECT_EQ(parse_stun_url("stun:stun.example.org:19302"), (HostPort{"stun.example.org", 19302}));
  EXPECT_EQ(parse_stun_url("stun:192.0.2.1:3479"), (HostPort{"192.0.2.1", 3479}));
  EXPECT_EQ(parse_stun_url("stun:[2001:db8::1]:5349"), (HostPort{"2001:db8::1", 5349}));
  EXPECT_EQ(parse_stun_url("stun:[2001:db8::1]"), (HostPort{"2001:db8::1", 3478}));
  EXPECT_EQ(parse_stun_url("stun:192.0.2.1:3478?transport=udp"), (HostPort{"192.0.2.1", 3478}));
  EXPECT_EQ(parse_stun_url("stun:stun.example.org?transport=udp"), (HostPort{"stun.example.org", 3478}));
  EXPECT_EQ(parse_stun_url("stun:h:65535"), (HostPort{"h", 65535}));
  EXPECT_EQ(parse_stun_url("stun:h:1"), (HostPort{"h", 1}));
}

TEST(AddressPlanTurnUrl, UdpOnly) {
  EXPECT_EQ(parse_turn_udp_url("turn:turn.example.org"), (HostPort{"turn.example.org", 3478}));
  EXPECT_EQ(parse_turn_udp_url("turn:192.0.2.1:3479?transport=udp"), (HostPort{"192.0.2.1", 3479}));
  EXPECT_EQ(parse_turn_udp_url("turn:[2001:db8::1]:3478"), (HostPort{"2001:db8::1", 3478}));
  EXPECT_FALSE(parse_turn_udp_url("turn:192.0.2.1:3478?transport=tcp"));
  EXPECT_FALSE(parse_turn_udp_url("turns:turn.example.org:5349"));
  EXPECT_FALSE(parse_turn_udp_url("stun:192.0.2.1"));
  EXPECT_FALSE(parse_turn_udp_url("turn:"));
}

TEST(AddressPlanStunUrl, Refused) {
  for (std::string_view bad : {
           "stuns:stun.example.org",  // TLS: not probed
           "turn:turn.example.org",
           "stun.example.org",
           "",
           "stun:",
           "stun::3478",
           "stun:[2001:db8::1",
           "stun:[]:3478",
           "stun:h:0",
           "stun:h:65536",
           "stun:h:99999999999",
           "stun:h:12a",
           "stun:h:-1",
           "stun:[2001:db8::1]:x",
       }) {
    EXPECT_FALSE(parse_stun_url(bad).has_value()) << bad;
  }
}

TEST(AddressPlanStatic, GoodPlanHasNoFindings) {
  AddressPlan plan;
  plan.public_bind = ip("0.0.0.0");
  plan.public_advertised = {ip("203.0.113.5")};
  plan.private_bind = ip("10.0.0.5");
  plan.private_advertised = "10.0.0.5";
  EXPECT_TRUE(check_static_plan(plan).empty());
  plan.private_advertised = "";  // not in SIP mode
  EXPECT_TRUE(check_static_plan(plan).empty());
}

TEST(AddressPlanStatic, LoopbackAdvertisedIsNotOk) {
  AddressPlan plan;
  plan.public_advertised = {ip("203.0.113.5"), ip("127.0.0.1")};
  auto f = check_static_plan(plan);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_FALSE(f[0].ok);
  EXPECT_TRUE(mentions(f[0], "127.0.0.1")) << f[0].what;
  EXPECT_TRUE(mentions(f[0], "loopback")) << f[0].what;
  plan.public_advertised = {ip("::1")};
  f = check_static_plan(plan);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_FALSE(f[0].ok);
  PlanReport r;
  r.findings = f;
  EXPECT_FALSE(r.ok());
}

TEST(AddressPlanStatic, PrivateEqualToPublicIsANote) {
  AddressPlan plan;
  plan.public_advertised = {ip("203.0.113.5")};
  plan.private_advertised = "203.0.113.5";
  auto f = check_static_plan(plan);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_TRUE(f[0].ok) << "works on one interface";
  EXPECT_TRUE(mentions(f[0], "203.0.113.5")) << f[0].what;
  PlanReport r;
  r.findings = f;
  EXPECT_TRUE(r.ok());
}

TEST(AddressPlanStatic, UnspecifiedPrivateIsNotOk) {
  for (const char* any : {"0.0.0.0", "::"}) {
    AddressPlan plan;
    plan.public_advertised = {ip("203.0.113.5")};
    plan.private_advertised = any;
    auto f = check_static_plan(plan);
    ASSERT_EQ(f.size(), 1u) << any;
    EXPECT_FALSE(f[0].ok) << any;
    EXPECT_TRUE(mentions(f[0], "--private-advertise")) << f[0].what;
  }
  AddressPlan named;  // a host name is not checked here
  named.public_advertised = {ip("203.0.113.5")};
  named.private_advertised = "sip-gw.example.net";
  EXPECT_TRUE(check_static_plan(named).empty());
}

// ---- the STUN check, against libcore's STUN server on 127.0.0.1

class AddressPlanStun : public ::testing::Test {
 protected:
  void SetUp() override {
    // StunServerHost::primary() reports the configured port, not the bound
    // one, for port 0: take a free port first (retried if someone takes it).
    for (int attempt = 0; attempt < 10 && !server_; ++attempt) {
      net::StunServerHostConfig c;
      c.server.primary = SocketAddress{ip("127.0.0.1"), free_udp_port()};
      c.tcp = false;
      auto host = net::StunServerHost::open(io_, c);
      if (host) server_ = std::move(*host);
    }
    ASSERT_NE(server_, nullptr);
    ASSERT_NE(server_->primary().port, 0);
  }

  // A UDP port on 127.0.0.1 that nobody listens on (bound, noted, closed).
  std::uint16_t free_udp_port() {
    auto p = net::DatagramPort::open(io_, Endpoint{Transport::udp, "127.0.0.1", 0, {}});
    EXPECT_TRUE(p.ok());
    if (!p) return 0;
    std::uint16_t port = (*p)->local_endpoint().port;
    (*p)->close();
    return port;
  }
  void TearDown() override {
    if (server_) server_->close();
    if (!spinning_) {
      EXPECT_TRUE(settles());
    }
  }

  AddressPlan plan_with(std::vector<IpAddress> advertised, std::uint16_t stun_port) {
    AddressPlan plan;
    plan.public_bind = ip("127.0.0.1");
    plan.public_advertised = std::move(advertised);
    plan.stun_urls = {"stuns:127.0.0.1", "stun:127.0.0.1:" + std::to_string(stun_port)};
    return plan;
  }

  // Runs the check to its end; the time it took in `took`.
  std::optional<PlanReport> run(const AddressPlan& plan, std::chrono::milliseconds* took = nullptr) {
    std::optional<PlanReport> out;
    auto start = std::chrono::steady_clock::now();
    auto handle = check_address_plan(io_, plan, [&](const PlanReport& r) { out = r; });
    auto deadline = start + 4s;
    while (!out && std::chrono::steady_clock::now() < deadline) io_.run_for(5ms);
    if (took != nullptr)
      *took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    // Checked while the check's objects live: a spinning handler would use
    // them after they are gone (then the loop is not run again).
    spinning_ = !settles();
    EXPECT_FALSE(spinning_) << "the finished check left the loop spinning";
    return out;
  }

  // The loop runs out of ready handlers: nothing re-arms itself for ever
  // (a UDP channel closed by its probe once re-armed its read on the closed
  // socket, busy-looping on EBADF).
  bool settles() {
    for (int i = 0; i < 1000; ++i)
      if (io_.poll_one() == 0) return true;
    return false;
  }

  boost::asio::io_context io_;
  std::unique_ptr<net::StunServerHost> server_;
  bool spinning_ = false;
};

TEST_F(AddressPlanStun, ReflexiveAddressMatchesTheAdvertisedOne) {
  auto r = run(plan_with({ip("127.0.0.1")}, server_->primary().port));
  ASSERT_TRUE(r.has_value());
  ASSERT_TRUE(r->reflexive.has_value()) << (r->findings.empty() ? "" : r->findings.back().what);
  EXPECT_EQ(r->reflexive->ip, ip("127.0.0.1"));
  EXPECT_NE(r->reflexive->port, 0);
  EXPECT_EQ(r->stun_server, "127.0.0.1:" + std::to_string(server_->primary().port)) << "stuns: is skipped";
  ASSERT_EQ(r->findings.size(), 2u) << "the static loopback finding, then the STUN one";
  EXPECT_FALSE(r->findings[0].ok);
  EXPECT_TRUE(mentions(r->findings[0], "loopback"));
  EXPECT_TRUE(r->findings[1].ok) << r->findings[1].what;
  EXPECT_TRUE(mentions(r->findings[1], "127.0.0.1")) << r->findings[1].what;
}

TEST_F(AddressPlanStun, ReflexiveAddressNotAdvertisedIsNamed) {
  auto r = run(plan_with({ip("192.0.2.1")}, server_->primary().port));
  ASSERT_TRUE(r.has_value());
  ASSERT_TRUE(r->reflexive.has_value()) << (r->findings.empty() ? "" : r->findings.back().what);
  EXPECT_FALSE(r->ok());
  ASSERT_EQ(r->findings.size(), 1u);
  const PlanFinding& f = r->findings[0];
  EXPECT_FALSE(f.ok);
  EXPECT_TRUE(mentions(f, "sees the gateway as 127.0.0.1")) << f.what;
  EXPECT_TRUE(mentions(f, "192.0.2.1")) << f.what;
  EXPECT_TRUE(mentions(f, "--public-advertise 127.0.0.1")) << f.what;
}

TEST_F(AddressPlanStun, NoServerIsReportedWithinTheTimeLimit) {
  std::uint16_t closed = free_udp_port();
  ASSERT_NE(closed, 0);
  std::chrono::milliseconds took{};
  auto r = run(plan_with({ip("192.0.2.1")}, closed), &took);
  ASSERT_TRUE(r.has_value()) << "no report after " << took.count() << " ms";
  EXPECT_LT(took, 2500ms);
  EXPECT_FALSE(r->reflexive.has_value());
  EXPECT_FALSE(r->ok());
  ASSERT_EQ(r->findings.size(), 1u);
  EXPECT_FALSE(r->findings[0].ok);
  EXPECT_TRUE(mentions(r->findings[0], "did not answer")) << r->findings[0].what;
  EXPECT_TRUE(mentions(r->findings[0], "127.0.0.1:" + std::to_string(closed))) << r->findings[0].what;
}

TEST_F(AddressPlanStun, NoStunUrlGivesTheStaticFindingsAtOnce) {
  AddressPlan plan;
  plan.public_bind = ip("127.0.0.1");
  plan.public_advertised = {ip("127.0.0.1")};
  plan.stun_urls = {"stuns:stun.example.org", "turn:turn.example.org"};
  std::optional<PlanReport> out;
  auto handle = check_address_plan(io_, plan, [&](const PlanReport& r) { out = r; });
  ASSERT_TRUE(out.has_value()) << "nothing to wait for";
  EXPECT_FALSE(out->reflexive.has_value());
  ASSERT_EQ(out->findings.size(), 1u);
  EXPECT_TRUE(mentions(out->findings[0], "loopback"));
}

}  // namespace
}  // namespace gw::gateway
