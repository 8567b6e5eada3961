// Two libnice agents in one process on loopback: the Agent wrapper's
// trickle exchange, selection, data path, address plan and input checks.
#include "ice/agent.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace gw::ice {
namespace {

using namespace std::chrono_literals;

// Collects one agent's callbacks (they run on the loop thread here).
struct Observed {
  std::mutex m;
  std::condition_variable cv;
  std::optional<Credentials> creds;
  std::vector<LocalCandidate> candidates;
  bool gathering_done = false;
  std::optional<SelectedPair> pair;
  std::vector<State> states;
  std::vector<Bytes> data;

  template <class Pred>
  bool wait(Pred pred, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(m);
    return cv.wait_for(lock, timeout, [&] { return pred(*this); });
  }
  template <class F>
  void update(F f) {
    {
      std::lock_guard lock(m);
      f(*this);
    }
    cv.notify_all();
  }
};

AgentCallbacks observe(Observed& o, std::atomic<Agent*>* peer) {
  AgentCallbacks cb;
  cb.on_local_credentials = [&o, peer](const Credentials& c) {
    o.update([&](Observed& s) { s.creds = c; });
    if (*peer != nullptr) {
      EXPECT_TRUE(peer->load()->set_remote_credentials(c).ok());
    }
  };
  cb.on_local_candidate = [&o, peer](const LocalCandidate& c) {
    o.update([&](Observed& s) { s.candidates.push_back(c); });
    if (*peer != nullptr) {
      EXPECT_TRUE(peer->load()->add_remote_candidate(c.candidate).ok());
    }
  };
  cb.on_gathering_done = [&o, peer] {
    o.update([](Observed& s) { s.gathering_done = true; });
    if (*peer != nullptr) peer->load()->remote_gathering_done();
  };
  cb.on_state = [&o](unsigned, State st) { o.update([&](Observed& s) { s.states.push_back(st); }); };
  cb.on_selected_pair = [&o](const SelectedPair& p) { o.update([&](Observed& s) { s.pair = p; }); };
  cb.on_data = [&o](unsigned, Bytes d) { o.update([&](Observed& s) { s.data.push_back(std::move(d)); }); };
  return cb;
}

AgentConfig loopback(Role role) {
  AgentConfig c;
  c.role = role;
  c.bind = {*IpAddress::parse("127.0.0.1")};
  return c;
}

TEST(IceAgent, TwoAgentsConnectAndCarryDatagrams) {
  GlibLoop loop;
  Observed oa, ob;
  std::atomic<Agent*> pa{nullptr}, pb{nullptr};
  auto a = Agent::create(loop, loopback(Role::controlling), observe(oa, &pb));
  auto b = Agent::create(loop, loopback(Role::controlled), observe(ob, &pa));
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_FALSE((*a)->send(as_bytes("too early")));
  // B first, so that A's trickled parameters find B ready; then A, whose
  // forwarded credentials reach B. B's reach A through pa.
  (*b)->start();
  ASSERT_TRUE(ob.wait([](Observed& s) { return s.gathering_done; }));
  pa = a->get();
  pb = b->get();
  {
    std::lock_guard lock(ob.m);
    ASSERT_TRUE(pa.load()->set_remote_credentials(*ob.creds).ok());
    for (const auto& c : ob.candidates) ASSERT_TRUE(pa.load()->add_remote_candidate(c.candidate).ok());
  }
  pa.load()->remote_gathering_done();
  pa.load()->start();
  ASSERT_TRUE(oa.wait([](Observed& s) { return s.pair.has_value(); }));
  ASSERT_TRUE(ob.wait([](Observed& s) { return s.pair.has_value(); }));
  EXPECT_EQ(oa.pair->local.address, "127.0.0.1");
  EXPECT_EQ(oa.pair->remote.port, ob.pair->local.port);

  ASSERT_TRUE(pa.load()->send(as_bytes("ping")));
  ASSERT_TRUE(ob.wait([](Observed& s) { return !s.data.empty(); }));
  EXPECT_EQ(as_string(ob.data[0]), "ping");
  ASSERT_TRUE(pb.load()->send(as_bytes("pong")));
  ASSERT_TRUE(oa.wait([](Observed& s) { return !s.data.empty(); }));
  EXPECT_EQ(as_string(oa.data[0]), "pong");
  pa = nullptr;
  pb = nullptr;
}

TEST(IceAgent, AdvertisedAddressReplacesHostCandidates) {
  GlibLoop loop;
  Observed o;
  std::atomic<Agent*> none{nullptr};
  auto cfg = loopback(Role::controlled);
  cfg.advertise = {*parse_address_mapping("203.0.113.77")};
  auto a = Agent::create(loop, cfg, observe(o, &none));
  ASSERT_TRUE(a.ok());
  (*a)->start();
  ASSERT_TRUE(o.wait([](Observed& s) { return s.gathering_done; }));
  ASSERT_FALSE(o.candidates.empty());
  for (const auto& c : o.candidates) {
    EXPECT_EQ(c.candidate.address, "203.0.113.77");
    EXPECT_EQ(c.base_address, "127.0.0.1");
  }
  ASSERT_TRUE(o.creds.has_value());
  EXPECT_TRUE(check_credentials(o.creds->ufrag, o.creds->pwd).ok());
}

TEST(IceAgent, RejectsBadRemoteInput) {
  GlibLoop loop;
  Observed o;
  std::atomic<Agent*> none{nullptr};
  auto a = Agent::create(loop, loopback(Role::controlling), observe(o, &none));
  ASSERT_TRUE(a.ok());
  auto mdns = sdp::parse_candidate("candidate:1 1 udp 2122260223 3f1c2a8e-1b2c-4d5e-8f90-123456789abc.local 5000 typ host");
  ASSERT_TRUE(mdns.ok());
  auto st = (*a)->add_remote_candidate(*mdns);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "ice.mdns-candidate");
  auto rtcp = sdp::parse_candidate("candidate:1 2 udp 2122260223 198.51.100.7 5001 typ host");
  ASSERT_TRUE(rtcp.ok());
  EXPECT_FALSE((*a)->add_remote_candidate(*rtcp).ok());  // one component (rtcp-mux)
  EXPECT_FALSE((*a)->set_remote_credentials({"ab", "short"}).ok());
}

TEST(IceAgent, RefusesImpossibleConfig) {
  GlibLoop loop;
  AgentConfig c;
  c.udp = false;
  EXPECT_FALSE(Agent::create(loop, c, {}).ok());
  c.udp = true;
  c.components = 3;
  EXPECT_FALSE(Agent::create(loop, c, {}).ok());
}

}  // namespace
}  // namespace gw::ice
