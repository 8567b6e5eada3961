// libnice adapter. Every libnice signal arrives on the GlibLoop thread through
// a static trampoline that catches all exceptions; results leave through
// Impl::emit, which hands them to the caller's `deliver` with a weak handle.
#include "ice/agent.hpp"

#include <nice/agent.h>
#include <nice/interfaces.h>

#include <algorithm>
#include <atomic>
#include <exception>

#include "ice/nice_convert.hpp"
#include "util/log.hpp"

namespace gw::ice {

std::string_view to_string(State s) {
  switch (s) {
    case State::disconnected: return "disconnected";
    case State::gathering: return "gathering";
    case State::connecting: return "connecting";
    case State::connected: return "connected";
    case State::ready: return "ready";
    case State::failed: return "failed";
  }
  return "unknown";
}

using detail::from_nice;

struct Agent::Impl : std::enable_shared_from_this<Impl> {
  Impl(GlibLoop& l, AgentConfig c, AgentCallbacks cb, Deliver d)
      : loop(l), config(std::move(c)), callbacks(std::move(cb)), deliver(std::move(d)) {}

  GlibLoop& loop;
  const AgentConfig config;
  const AgentCallbacks callbacks;
  const Deliver deliver;
  std::atomic<bool> closed{false};
  NiceAgent* agent = nullptr;  // written on the loop thread before create() returns
  guint stream = 0;
  std::vector<gulong> signal_ids;
  // Loop thread only:
  std::optional<Credentials> remote;
  bool local_restart_pending = false;
  bool gathering_done = false;
  bool relay_gathered = false, relay_reported = false;  // with config.turn

  // Runs `f(impl)` where the caller wants callbacks, unless the agent is gone.
  template <class F>
  void emit(F f) {
    if (!deliver) {
      f(*this);
      return;
    }
    deliver([weak = weak_from_this(), f = std::move(f)]() mutable {
      auto self = weak.lock();
      if (self && !self->closed.load()) f(*self);
    });
  }

  Status init();
  void shutdown();
  void announce_credentials();
  void announce_local();
  std::optional<LocalCandidate> local_candidate(const NiceCandidate& c) const;
  void on_local_candidate(const NiceCandidate& c);
  void on_gathering_done(guint stream_id);
  void on_state(guint stream_id, guint component, guint state);
  void on_selected_pair(guint stream_id, guint component, const NiceCandidate& l, const NiceCandidate& r);
  void on_recv(guint stream_id, guint component, ByteView data);
  void set_remote(const Credentials& c);
  void fail(Error e) {
    emit([e = std::move(e)](Impl& s) {
      if (s.callbacks.on_error) s.callbacks.on_error(e);
    });
  }
  std::optional<std::string> advertised(const std::string& address) const {
    auto ip = IpAddress::parse(address);
    if (!ip) return std::nullopt;
    auto adv = advertised_for(config.advertise, *ip);
    if (!adv) return std::nullopt;
    return adv->to_string();
  }
};

namespace {

using Impl = Agent::Impl;

template <class F>
void guarded(const char* what, F&& f) noexcept {
  try {
    f();
  } catch (const std::exception& e) {
    GW_LOG(error) << "ice: " << what << " handler threw: " << e.what();
  } catch (...) {
    GW_LOG(error) << "ice: " << what << " handler threw";
  }
}

// Static trampolines for libnice's C signals (signatures from nice/agent.h).
void tramp_new_candidate(NiceAgent*, NiceCandidate* c, gpointer data) {
  guarded("new-candidate-full", [&] { static_cast<Impl*>(data)->on_local_candidate(*c); });
}
void tramp_gathering_done(NiceAgent*, guint stream_id, gpointer data) {
  guarded("candidate-gathering-done", [&] { static_cast<Impl*>(data)->on_gathering_done(stream_id); });
}
void tramp_state(NiceAgent*, guint stream_id, guint component, guint state, gpointer data) {
  guarded("component-state-changed", [&] { static_cast<Impl*>(data)->on_state(stream_id, component, state); });
}
void tramp_selected_pair(NiceAgent*, guint stream_id, guint component, NiceCandidate* l, NiceCandidate* r,
                         gpointer data) {
  guarded("new-selected-pair-full",
          [&] { static_cast<Impl*>(data)->on_selected_pair(stream_id, component, *l, *r); });
}
void tramp_recv(NiceAgent*, guint stream_id, guint component, guint len, gchar* buf, gpointer data) {
  guarded("recv", [&] {
    static_cast<Impl*>(data)->on_recv(stream_id, component,
                                      ByteView(reinterpret_cast<const std::uint8_t*>(buf), len));
  });
}
void free_candidate(gpointer c) { nice_candidate_free(static_cast<NiceCandidate*>(c)); }

void set_flag(GObject*, GAsyncResult*, gpointer flag) { *static_cast<bool*>(flag) = true; }
gboolean set_flag_timeout(gpointer flag) {
  *static_cast<bool*>(flag) = true;
  return G_SOURCE_REMOVE;
}

// Releases TURN allocations (RFC 8656 §7: refresh with lifetime 0) before the
// agent goes, iterating the loop (we are on its thread) for at most 1 s.
void close_relays(NiceAgent* agent, GMainContext* ctx) {
  bool done = false, timed_out = false;
  nice_agent_close_async(agent, set_flag, &done);
  GSource* timer = g_timeout_source_new(1000);
  g_source_set_callback(timer, set_flag_timeout, &timed_out, nullptr);
  g_source_attach(timer, ctx);
  while (!done && !timed_out) g_main_context_iteration(ctx, TRUE);
  g_source_destroy(timer);
  g_source_unref(timer);
}

// What an unspecified bind address (0.0.0.0, ::) means: every address of its
// family that libnice gathers on by default (loopback and IPv6 link-local
// left out). libnice itself would announce "::" as a host candidate.
std::vector<std::string> local_addresses(IpAddress::Family family) {
  std::vector<std::string> out;
  GList* ips = nice_interfaces_get_local_ips(FALSE);
  for (GList* i = ips; i != nullptr; i = i->next) {
    auto ip = IpAddress::parse(static_cast<const char*>(i->data));
    const bool link_local = ip && !ip->is_v4() && ip->bytes[0] == 0xfe && (ip->bytes[1] & 0xc0) == 0x80;
    if (ip && ip->family == family && !link_local) out.push_back(ip->to_string());
  }
  g_list_free_full(ips, g_free);
  return out;
}

NiceRelayType relay_type(RelayServer::Transport t) {
  switch (t) {
    case RelayServer::Transport::tcp: return NICE_RELAY_TYPE_TURN_TCP;
    case RelayServer::Transport::tls: return NICE_RELAY_TYPE_TURN_TLS;
    default: return NICE_RELAY_TYPE_TURN_UDP;
  }
}

}  // namespace

Status Agent::Impl::init() {
  unsigned opts = NICE_AGENT_OPTION_NONE;
  if (config.trickle) opts |= NICE_AGENT_OPTION_ICE_TRICKLE;
  if (config.consent_freshness) opts |= NICE_AGENT_OPTION_CONSENT_FRESHNESS;
  if (config.lite) opts |= NICE_AGENT_OPTION_LITE_MODE;
  if (config.regular_nomination) opts |= NICE_AGENT_OPTION_REGULAR_NOMINATION;
  auto* ctx = static_cast<GMainContext*>(loop.native_context());
  agent = nice_agent_new_full(ctx, NICE_COMPATIBILITY_RFC5245, static_cast<NiceAgentOption>(opts));
  if (agent == nullptr) return make_error("ice.agent", "libnice refused to create an agent");
  const gboolean controlling = config.role == Role::controlling && !config.lite ? TRUE : FALSE;
  g_object_set(agent, "upnp", FALSE, "controlling-mode", controlling, "ice-udp", config.udp ? TRUE : FALSE,
               "ice-tcp", config.tcp ? TRUE : FALSE, nullptr);
  if (config.stun) {
    const std::string ip = config.stun->ip.to_string();
    g_object_set(agent, "stun-server", ip.c_str(), "stun-server-port", guint{config.stun->port}, nullptr);
  }
  std::vector<std::string> local;
  for (const auto& ip : config.bind) {
    auto add = ip.is_unspecified() ? local_addresses(ip.family) : std::vector<std::string>{ip.to_string()};
    for (auto& a : add) {
      if (std::find(local.begin(), local.end(), a) == local.end()) local.push_back(std::move(a));
    }
  }
  if (!config.bind.empty() && local.empty()) {
    return make_error("ice.bind", "no local address of the family of " + config.bind.front().to_string());
  }
  for (const auto& ip : local) {
    NiceAddress a;
    nice_address_init(&a);
    if (!nice_address_set_from_string(&a, ip.c_str()) || !nice_agent_add_local_address(agent, &a)) {
      return make_error("ice.bind", "cannot use local address " + ip);
    }
  }
  stream = nice_agent_add_stream(agent, config.components);
  if (stream == 0) return make_error("ice.agent", "libnice refused to add a stream");
  if (!config.local_ufrag.empty() &&
      !nice_agent_set_local_credentials(agent, stream, config.local_ufrag.c_str(), config.local_pwd.c_str())) {
    return make_error("ice.agent", "libnice refused the local ICE credentials");
  }
  for (guint comp = 1; comp <= config.components; ++comp) {
    if (config.port_min != 0 || config.port_max != 0) {
      nice_agent_set_port_range(agent, stream, comp, config.port_min, config.port_max);
    }
    if (config.turn) {
      const auto& t = *config.turn;
      if (!nice_agent_set_relay_info(agent, stream, comp, t.server.ip.to_string().c_str(), t.server.port,
                                     t.username.c_str(), t.password.c_str(), relay_type(t.transport))) {
        return make_error("ice.turn", "libnice refused the TURN server " + t.server.to_string());
      }
    }
    nice_agent_attach_recv(agent, stream, comp, ctx, tramp_recv, this);
  }
  auto connect = [this](const char* signal, GCallback cb) {
    signal_ids.push_back(g_signal_connect_data(agent, signal, cb, this, nullptr, static_cast<GConnectFlags>(0)));
  };
  connect("new-candidate-full", reinterpret_cast<GCallback>(tramp_new_candidate));
  connect("candidate-gathering-done", reinterpret_cast<GCallback>(tramp_gathering_done));
  connect("component-state-changed", reinterpret_cast<GCallback>(tramp_state));
  connect("new-selected-pair-full", reinterpret_cast<GCallback>(tramp_selected_pair));
  return {};
}

void Agent::Impl::shutdown() {
  if (agent == nullptr) return;
  for (gulong id : signal_ids) g_signal_handler_disconnect(agent, id);
  signal_ids.clear();
  if (stream != 0) {
    for (guint comp = 1; comp <= config.components; ++comp) {
      nice_agent_attach_recv(agent, stream, comp, nullptr, nullptr, nullptr);
    }
  }
  if (config.turn) close_relays(agent, static_cast<GMainContext*>(loop.native_context()));
  g_object_unref(agent);
  agent = nullptr;
}

void Agent::Impl::announce_credentials() {
  gchar* ufrag = nullptr;
  gchar* pwd = nullptr;
  if (!nice_agent_get_local_credentials(agent, stream, &ufrag, &pwd)) {
    fail(make_error("ice.agent", "no local credentials"));
    return;
  }
  Credentials c{ufrag, pwd};
  g_free(ufrag);
  g_free(pwd);
  emit([c = std::move(c)](Impl& s) {
    if (s.callbacks.on_local_credentials) s.callbacks.on_local_credentials(c);
  });
}

// After a restart: new credentials, and the (unchanged) candidates again.
void Agent::Impl::announce_local() {
  announce_credentials();
  for (guint comp = 1; comp <= config.components; ++comp) {
    GSList* list = nice_agent_get_local_candidates(agent, stream, comp);
    for (GSList* i = list; i != nullptr; i = i->next) on_local_candidate(*static_cast<NiceCandidate*>(i->data));
    g_slist_free_full(list, free_candidate);
  }
  if (gathering_done) on_gathering_done(stream);
}

std::optional<LocalCandidate> Agent::Impl::local_candidate(const NiceCandidate& c) const {
  // Peer-reflexive local candidates are never signalled (RFC 8445 §7.2.5.3.1);
  // simultaneous-open TCP is not offered (RFC 6544 §4.5 makes it optional).
  if (c.stream_id != stream || c.type == NICE_CANDIDATE_TYPE_PEER_REFLEXIVE ||
      c.transport == NICE_CANDIDATE_TRANSPORT_TCP_SO) {
    return std::nullopt;
  }
  LocalCandidate lc{from_nice(c), std::nullopt};
  // IPv6 link-local addresses reach no peer beyond the link (RFC 8445 §5.1.1.1).
  if (lc.candidate.address.starts_with("fe80:") && config.bind.empty()) return std::nullopt;
  if (lc.candidate.type == sdp::CandidateType::host) {
    if (auto adv = advertised(lc.candidate.address)) {
      lc.base_address = lc.candidate.address;
      lc.candidate.address = *adv;
    }
  }
  return lc;
}

void Agent::Impl::on_local_candidate(const NiceCandidate& c) {
  auto lc = local_candidate(c);
  if (!lc) return;
  if (c.type == NICE_CANDIDATE_TYPE_RELAYED) relay_gathered = true;
  emit([lc = std::move(*lc)](Impl& s) {
    if (s.callbacks.on_local_candidate) s.callbacks.on_local_candidate(lc);
  });
}

void Agent::Impl::on_gathering_done(guint stream_id) {
  if (stream_id != stream) return;
  gathering_done = true;
  // libnice signals no TURN failure: an allocation refused (401/403/437...)
  // or unanswered only shows as a missing relayed candidate.
  if (config.turn && !relay_gathered && !relay_reported) {
    relay_reported = true;
    fail(make_error("ice.turn", "no relayed candidate from TURN server " + config.turn->server.to_string() +
                                    ": unreachable, or the allocation was refused (credentials?)"));
  }
  emit([](Impl& s) {
    if (s.callbacks.on_gathering_done) s.callbacks.on_gathering_done();
  });
}

void Agent::Impl::on_state(guint stream_id, guint component, guint state) {
  if (stream_id != stream) return;
  State st = detail::state_from_nice(state);
  emit([component, st](Impl& s) {
    if (s.callbacks.on_state) s.callbacks.on_state(component, st);
  });
}

void Agent::Impl::on_selected_pair(guint stream_id, guint component, const NiceCandidate& l,
                                   const NiceCandidate& r) {
  if (stream_id != stream) return;
  SelectedPair p;
  p.component = component;
  p.local = from_nice(l);
  p.remote = from_nice(r);
  if (p.local.type == sdp::CandidateType::host) p.local_advertised = advertised(p.local.address);
  emit([p = std::move(p)](Impl& s) {
    if (s.callbacks.on_selected_pair) s.callbacks.on_selected_pair(p);
  });
}

void Agent::Impl::on_recv(guint stream_id, guint component, ByteView data) {
  if (stream_id != stream || !callbacks.on_data) return;
  emit([component, bytes = Bytes(data.begin(), data.end())](Impl& s) mutable {
    s.callbacks.on_data(component, std::move(bytes));
  });
}

void Agent::Impl::set_remote(const Credentials& c) {
  if (remote && *remote != c && !local_restart_pending) {
    // RFC 8445 §9: new remote ufrag/pwd = the peer restarted ICE.
    GW_LOG(info) << "ice: remote credentials changed, restarting";
    nice_agent_restart_stream(agent, stream);
    announce_local();
  }
  local_restart_pending = false;
  remote = c;
  nice_agent_set_remote_credentials(agent, stream, c.ufrag.c_str(), c.pwd.c_str());
}

// ---- Agent -------------------------------------------------------------------

Agent::Agent(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

Result<std::unique_ptr<Agent>> Agent::create(GlibLoop& loop, AgentConfig config, AgentCallbacks callbacks,
                                             Deliver deliver) {
  if (config.components < 1 || config.components > 2) {
    return make_error("ice.config", "components must be 1 or 2");
  }
  if (!config.udp && !config.tcp) return make_error("ice.config", "neither UDP nor TCP enabled");
  auto impl = std::make_shared<Impl>(loop, std::move(config), std::move(callbacks), std::move(deliver));
  loop.start();
  Status st;
  loop.post_and_wait([&] {
    st = impl->init();
    if (!st) impl->shutdown();
  });
  if (!st) return st.error();
  return std::unique_ptr<Agent>(new Agent(std::move(impl)));
}

Agent::~Agent() {
  if (impl_->closed.exchange(true)) return;  // close_async() posted the shutdown
  auto impl = impl_;
  impl_->loop.post_and_wait([impl] { impl->shutdown(); });
}

void Agent::close_async() {
  if (impl_->closed.exchange(true)) return;
  auto impl = impl_;
  // A stopped loop runs nothing: then nothing can race us either.
  if (!impl_->loop.post([impl] { impl->shutdown(); })) impl_->loop.post_and_wait([impl] { impl->shutdown(); });
}

std::vector<LocalCandidate> Agent::local_candidates() {
  std::vector<LocalCandidate> out;
  auto impl = impl_;
  impl_->loop.post_and_wait([impl, &out] {
    if (impl->agent == nullptr) return;
    for (guint comp = 1; comp <= impl->config.components; ++comp) {
      GSList* list = nice_agent_get_local_candidates(impl->agent, impl->stream, comp);
      for (GSList* i = list; i != nullptr; i = i->next) {
        if (auto lc = impl->local_candidate(*static_cast<NiceCandidate*>(i->data))) out.push_back(std::move(*lc));
      }
      g_slist_free_full(list, free_candidate);
    }
  });
  return out;
}

const AgentConfig& Agent::config() const { return impl_->config; }

void Agent::start() {
  impl_->loop.post([impl = impl_] {
    if (impl->agent == nullptr) return;
    impl->announce_credentials();
    if (!nice_agent_gather_candidates(impl->agent, impl->stream)) {
      impl->fail(make_error("ice.gather", "libnice could not gather candidates (no usable local address?)"));
    }
  });
}

Status Agent::set_remote_credentials(const Credentials& remote) {
  if (auto st = check_credentials(remote.ufrag, remote.pwd); !st) return st;
  impl_->loop.post([impl = impl_, remote] {
    if (impl->agent != nullptr) impl->set_remote(remote);
  });
  return {};
}

Status Agent::add_remote_candidate(const sdp::Candidate& candidate) {
  if (candidate.component < 1 || candidate.component > impl_->config.components) {
    return make_error("ice.bad-candidate", "candidate for component " + std::to_string(candidate.component) +
                                               ", the stream has " + std::to_string(impl_->config.components));
  }
  auto nc = detail::to_nice(candidate, impl_->stream);
  if (!nc) return nc.error();
  std::shared_ptr<NiceCandidate> shared(nc->release(), detail::NiceCandidateDeleter{});
  impl_->loop.post([impl = impl_, shared] {
    if (impl->agent == nullptr) return;
    GSList one{shared.get(), nullptr};
    if (nice_agent_set_remote_candidates(impl->agent, impl->stream, shared->component_id, &one) < 0) {
      impl->fail(make_error("ice.bad-candidate", "libnice refused a remote candidate"));
    }
  });
  return {};
}

void Agent::remote_gathering_done() {
  impl_->loop.post([impl = impl_] {
    if (impl->agent != nullptr) nice_agent_peer_candidate_gathering_done(impl->agent, impl->stream);
  });
}

void Agent::restart() {
  impl_->loop.post([impl = impl_] {
    if (impl->agent == nullptr) return;
    nice_agent_restart_stream(impl->agent, impl->stream);
    impl->local_restart_pending = impl->remote.has_value();
    impl->announce_local();
  });
}

bool Agent::send(ByteView data, unsigned component) {
  if (impl_->agent == nullptr || data.empty()) return false;
  gint n = nice_agent_send(impl_->agent, impl_->stream, component, static_cast<guint>(data.size()),
                           reinterpret_cast<const gchar*>(data.data()));
  return n >= 0;
}

}  // namespace gw::ice
