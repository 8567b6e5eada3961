#include "gateway/leg_ice.hpp"

#include <atomic>
#include <boost/asio/post.hpp>

#include "util/log.hpp"

namespace gw::gateway {

// Where the agent's callbacks (GLib thread) send things; the leg attaches
// once it exists on its shard and detaches when it goes.
struct LegIce::Route {
  std::mutex mutex;
  IceLegSink* sink = nullptr;
  LegId leg = 0;
  std::atomic<std::uint64_t> dropped{0};  // datagrams before the leg was attached

  template <class F>
  void with_sink(F f) {
    std::lock_guard lock(mutex);
    if (sink != nullptr) f(*sink, leg);
  }
};

namespace {

std::atomic<std::uint64_t> g_serial{0};

// mDNS names (RFC 8828) and FQDNs cannot be checked by libnice: the browser's
// checks still reach us and make a peer-reflexive candidate (RFC 8445 §7.3.1.3).
bool usable(const sdp::Candidate& c) { return static_cast<bool>(IpAddress::parse(c.address)); }

ice::AgentCallbacks callbacks(const std::shared_ptr<LegIce::Route>& route, std::uint64_t serial,
                              boost::asio::io_context& signaling, LegIce::CandidateHandler on_candidate) {
  auto trickle = std::make_shared<LegIce::CandidateHandler>(std::move(on_candidate));
  ice::AgentCallbacks cb;
  cb.on_data = [route](unsigned, Bytes data) {
    bool sent = false;
    route->with_sink([&](IceLegSink& s, LegId leg) {
      s.ice_data(leg, std::move(data));
      sent = true;
    });
    if (!sent) route->dropped.fetch_add(1, std::memory_order_relaxed);
  };
  cb.on_selected_pair = [route](const ice::SelectedPair& p) {
    auto ip = IpAddress::parse(p.remote.address);
    if (!ip) return;
    route->with_sink([&](IceLegSink& s, LegId leg) { s.ice_selected(leg, SocketAddress{*ip, p.remote.port}); });
  };
  // RFC 8445 §8.1.2: failed once checks are exhausted; RFC 7675 §5.1: consent lost.
  cb.on_state = [route](unsigned, ice::State st) {
    if (st == ice::State::failed) route->with_sink([](IceLegSink& s, LegId leg) { s.ice_failed(leg); });
  };
  cb.on_local_candidate = [&signaling, trickle, serial](const ice::LocalCandidate& lc) {
    if (lc.candidate.type == sdp::CandidateType::host) return;  // already in our SDP
    boost::asio::post(signaling, [trickle, serial, c = lc.candidate] { (*trickle)(serial, c); });
  };
  cb.on_gathering_done = [&signaling, trickle, serial] {
    boost::asio::post(signaling, [trickle, serial] { (*trickle)(serial, std::nullopt); });
  };
  cb.on_error = [serial](const Error& e) { GW_LOG(warn) << "ice leg " << serial << ": " << e.message; };
  return cb;
}

}  // namespace

LegIce::LegIce(std::uint64_t serial, std::shared_ptr<Route> route) : serial_(serial), route_(std::move(route)) {}

LegIce::~LegIce() {
  {
    std::lock_guard lock(route_->mutex);
    route_->sink = nullptr;
  }
  if (agent_) agent_->close_async();
}

Result<std::shared_ptr<LegIce>> LegIce::open(ice::GlibLoop& loop, ice::AgentConfig config,
                                             boost::asio::io_context& signaling, CandidateHandler on_candidate) {
  const std::uint64_t serial = ++g_serial;
  auto route = std::make_shared<Route>();
  std::shared_ptr<LegIce> leg(new LegIce(serial, route));
  // Callbacks run inline on the GLib thread, but through `deliver` so that
  // none runs once close_async() has been called.
  ice::Deliver inline_checked = [](std::function<void()> fn) { fn(); };
  auto agent = ice::Agent::create(loop, std::move(config), callbacks(route, serial, signaling, std::move(on_candidate)),
                                  inline_checked);
  if (!agent) return agent.error();
  leg->agent_ = std::move(*agent);
  leg->agent_->start();
  for (auto& lc : leg->agent_->local_candidates()) {
    if (lc.candidate.type == sdp::CandidateType::host) leg->host_.push_back(std::move(lc.candidate));
  }
  if (leg->host_.empty()) return make_error("ice.gather", "libnice gathered no host candidate (no usable address?)");
  return leg;
}

void LegIce::attach(IceLegSink& sink, LegId leg) {
  std::lock_guard lock(route_->mutex);
  route_->sink = &sink;
  route_->leg = leg;
}

Status LegIce::start_checks(const RemoteIce& remote) {
  if (started_) return {};
  if (auto st = agent_->set_remote_credentials({remote.ufrag, remote.pwd}); !st) return st;
  started_ = true;
  for (const auto& c : remote.candidates) (void)add_remote_candidate(c);
  for (const auto& c : std::exchange(pending_, {})) (void)add_remote_candidate(c);
  if (remote.end_of_candidates || pending_done_) agent_->remote_gathering_done();
  return {};
}

Status LegIce::add_remote_candidate(const sdp::Candidate& candidate) {
  if (!usable(candidate) || candidate.component != 1) return {};  // rtcp-mux: one component
  // Every remote candidate is a destination for our checks: a page must not
  // make the gateway probe arbitrary addresses (RFC 8445 §19.5.1).
  if (remote_count_ >= kMaxRemoteCandidates) return make_error("ice.too-many-candidates", "too many candidates");
  ++remote_count_;
  if (!started_) {
    pending_.push_back(candidate);
    return {};
  }
  return agent_->add_remote_candidate(candidate);
}

void LegIce::remote_done() {
  if (!started_) {
    pending_done_ = true;
    return;
  }
  agent_->remote_gathering_done();
}

bool LegIce::send(ByteView data) { return agent_->send(data); }

std::uint64_t LegIce::dropped_before_attach() const { return route_->dropped.load(std::memory_order_relaxed); }

}  // namespace gw::gateway
