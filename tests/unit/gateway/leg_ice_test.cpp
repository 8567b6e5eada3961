// LegIce (full-ICE mode) against a plain ice::Agent playing the browser, on
// loopback: our credentials are the ones in our SDP, host candidates are
// ready when open() returns, the browser's early candidates wait for the
// checks, and the sink gets the selected pair and the datagrams both ways.
#include "gateway/leg_ice.hpp"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <chrono>
#include <condition_variable>
#include <thread>

namespace gw::gateway {
namespace {

using namespace std::chrono_literals;

// The shard's side: records what the agent delivers (GLib thread).
struct RecordingSink final : IceLegSink {
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::pair<LegId, Bytes>> data;
  std::optional<SocketAddress> selected;
  bool failed = false;

  void ice_data(LegId leg, Bytes d) override { update([&] { data.emplace_back(leg, std::move(d)); }); }
  void ice_selected(LegId, SocketAddress remote) override { update([&] { selected = remote; }); }
  void ice_failed(LegId) override { update([&] { failed = true; }); }
  template <class F>
  void update(F f) {
    {
      std::lock_guard lock(m);
      f();
    }
    cv.notify_all();
  }
  template <class P>
  bool wait(P pred) {
    std::unique_lock lock(m);
    return cv.wait_for(lock, 10s, pred);
  }
};

// The browser: a controlling libnice agent whose candidates we collect.
struct Browser {
  std::mutex m;
  std::condition_variable cv;
  std::optional<ice::Credentials> creds;
  std::vector<sdp::Candidate> candidates;
  bool done = false;
  std::vector<Bytes> data;
};

ice::AgentConfig loopback(ice::Role role) {
  ice::AgentConfig c;
  c.role = role;
  c.bind = {*IpAddress::parse("127.0.0.1")};
  return c;
}

class LegIceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    signaling_thread_ = std::thread([this] { signaling_.run(); });
  }
  void TearDown() override {
    work_.reset();
    signaling_.stop();
    signaling_thread_.join();
  }

  boost::asio::io_context signaling_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{
      boost::asio::make_work_guard(signaling_)};
  std::thread signaling_thread_;
  ice::GlibLoop loop_;
};

TEST_F(LegIceTest, ConnectsToABrowserAgentAndCarriesDatagrams) {
  Browser browser;
  ice::AgentCallbacks cb;
  auto note = [&](auto f) {
    {
      std::lock_guard lock(browser.m);
      f();
    }
    browser.cv.notify_all();
  };
  cb.on_local_credentials = [&](const ice::Credentials& c) { note([&] { browser.creds = c; }); };
  cb.on_local_candidate = [&](const ice::LocalCandidate& c) { note([&] { browser.candidates.push_back(c.candidate); }); };
  cb.on_gathering_done = [&] { note([&] { browser.done = true; }); };
  cb.on_data = [&](unsigned, Bytes d) { note([&] { browser.data.push_back(std::move(d)); }); };
  auto peer = ice::Agent::create(loop_, loopback(ice::Role::controlling), cb);
  ASSERT_TRUE(peer.ok()) << peer.error().message;
  (*peer)->start();
  {
    std::unique_lock lock(browser.m);
    ASSERT_TRUE(browser.cv.wait_for(lock, 10s, [&] { return browser.done && browser.creds; }));
  }

  std::mutex tm;
  std::vector<std::optional<sdp::Candidate>> trickled;
  ice::AgentConfig ours = loopback(ice::Role::controlled);
  ours.local_ufrag = "gwUfrag1";
  ours.local_pwd = "gwPasswordGwPassword0123";
  auto leg = LegIce::open(loop_, ours, signaling_, [&](std::uint64_t, const std::optional<sdp::Candidate>& c) {
    std::lock_guard lock(tm);
    trickled.push_back(c);
  });
  ASSERT_TRUE(leg.ok()) << leg.error().message;
  ASSERT_FALSE((*leg)->host_candidates().empty());
  EXPECT_EQ((*leg)->host_candidates()[0].address, "127.0.0.1");
  EXPECT_EQ((*leg)->host_candidates()[0].type, sdp::CandidateType::host);

  // The browser trickles one candidate before the answer: it waits for the checks.
  ASSERT_TRUE((*leg)->add_remote_candidate(browser.candidates.at(0)).ok());
  // An mDNS name cannot be checked: skipped, not an error (RFC 8828).
  sdp::Candidate mdns = browser.candidates.at(0);
  mdns.address = "0f3b6a3c-1111-2222-3333-444455556666.local";
  EXPECT_TRUE((*leg)->add_remote_candidate(mdns).ok());

  RecordingSink sink;
  (*leg)->attach(sink, 7);
  RemoteIce remote{browser.creds->ufrag, browser.creds->pwd, {}, false};
  ASSERT_TRUE((*leg)->start_checks(remote).ok());
  (*leg)->remote_done();
  // The browser learns our parameters from our SDP: the credentials we chose.
  ASSERT_TRUE((*peer)->set_remote_credentials({"gwUfrag1", "gwPasswordGwPassword0123"}).ok());
  for (const auto& c : (*leg)->host_candidates()) ASSERT_TRUE((*peer)->add_remote_candidate(c).ok());
  (*peer)->remote_gathering_done();

  ASSERT_TRUE(sink.wait([&] { return sink.selected.has_value(); }));
  EXPECT_EQ(sink.selected->port, browser.candidates.at(0).port);
  // libnice may report the pair a moment before sending works on it.
  bool sent = false;
  for (int i = 0; i < 100 && !sent; ++i) {
    sent = (*peer)->send(as_bytes("from the browser"));
    if (!sent) std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(sent);
  ASSERT_TRUE(sink.wait([&] { return !sink.data.empty(); }));
  EXPECT_EQ(sink.data[0].first, 7U);
  EXPECT_EQ(as_string(sink.data[0].second), "from the browser");
  ASSERT_TRUE((*leg)->send(as_bytes("from the gateway")));
  {
    std::unique_lock lock(browser.m);
    ASSERT_TRUE(browser.cv.wait_for(lock, 10s, [&] { return !browser.data.empty(); }));
    EXPECT_EQ(as_string(browser.data[0]), "from the gateway");
  }
  EXPECT_FALSE(sink.failed);
  // Gathering on loopback without STUN/TURN: nothing to trickle but the end.
  for (int i = 0; i < 100; ++i) {
    {
      std::lock_guard lock(tm);
      if (!trickled.empty()) break;
    }
    std::this_thread::sleep_for(10ms);
  }
  std::lock_guard lock(tm);
  ASSERT_EQ(trickled.size(), 1U);
  EXPECT_FALSE(trickled[0].has_value());
}

TEST_F(LegIceTest, RefusesCredentialsLibniceCannotUse) {
  ice::AgentConfig ours = loopback(ice::Role::controlled);
  auto leg = LegIce::open(loop_, ours, signaling_, [](std::uint64_t, const std::optional<sdp::Candidate>&) {});
  ASSERT_TRUE(leg.ok());
  // RFC 8839 §5.4: a 3-character ufrag is invalid.
  EXPECT_FALSE((*leg)->start_checks({"abc", "0123456789012345678901", {}, true}).ok());
}

TEST_F(LegIceTest, RefusesACandidateFlood) {
  auto leg = LegIce::open(loop_, loopback(ice::Role::controlled), signaling_,
                          [](std::uint64_t, const std::optional<sdp::Candidate>&) {});
  ASSERT_TRUE(leg.ok());
  sdp::Candidate c;
  c.foundation = "1";
  c.priority = 2122260223;
  c.address = "192.0.2.7";
  for (std::uint16_t i = 0; i < 32; ++i) {
    c.port = static_cast<std::uint16_t>(5000 + i);
    EXPECT_TRUE((*leg)->add_remote_candidate(c).ok()) << i;
  }
  c.port = 6000;
  EXPECT_FALSE((*leg)->add_remote_candidate(c).ok());
}

}  // namespace
}  // namespace gw::gateway
