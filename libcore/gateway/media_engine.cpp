#include "gateway/media_engine.hpp"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cstring>
#include <tuple>

#include "util/log.hpp"

namespace gw::gateway {

std::vector<IpAddress> interface_addresses() {
  std::vector<IpAddress> v4, v6, loop;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return {IpAddress::v4(0x7f000001)};
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || (i->ifa_flags & IFF_UP) == 0) continue;
    IpAddress ip;
    if (i->ifa_addr->sa_family == AF_INET) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
      std::array<std::uint8_t, 4> b{};
      std::memcpy(b.data(), &sin->sin_addr, 4);
      ip = IpAddress::v4(b);
    } else if (i->ifa_addr->sa_family == AF_INET6) {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(i->ifa_addr);
      if (IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr)) continue;  // needs a scope id: useless in SDP
      std::array<std::uint8_t, 16> b{};
      std::memcpy(b.data(), &sin6->sin6_addr, 16);
      ip = IpAddress::v6(b);
    } else {
      continue;
    }
    auto& into = ip.is_loopback() ? loop : (ip.is_v4() ? v4 : v6);
    if (std::find(into.begin(), into.end(), ip) == into.end()) into.push_back(ip);
  }
  freeifaddrs(list);
  v4.insert(v4.end(), v6.begin(), v6.end());
  return v4.empty() ? loop : v4;
}

MediaEngine::MediaEngine(boost::asio::io_context& signaling, EventHandler on_event)
    : signaling_(signaling), on_event_(std::move(on_event)) {}

MediaEngine::~MediaEngine() { stop(); }

Result<std::unique_ptr<MediaEngine>> MediaEngine::create(boost::asio::io_context& signaling,
                                                         MediaEngineConfig config, EventHandler on_event) {
  std::unique_ptr<MediaEngine> engine(new MediaEngine(signaling, std::move(on_event)));
  auto cert = dtls::Certificate::generate("webrtc-gw", 30);
  if (!cert) return cert.error();
  engine->certificate_ = std::make_shared<const dtls::Certificate>(std::move(*cert));
  engine->advertise_ = config.advertise;
  if (engine->advertise_.empty()) {
    if (config.bind.is_unspecified()) {
      // "::" is a dual-stack socket (IPV6_V6ONLY off): both families are reachable.
      bool dual = config.bind.family == IpAddress::Family::v6;
      for (const auto& ip : interface_addresses()) {
        if (dual || ip.family == config.bind.family) engine->advertise_.push_back(ip);
      }
    } else {
      engine->advertise_.push_back(config.bind);
    }
  }
  if (config.rtp_port_min % 2 != 0) ++config.rtp_port_min;  // RTP even, RTCP odd (RFC 3550 §11)
  if (config.rtp_port_max <= config.rtp_port_min) {
    return make_error("gateway.rtp-ports", "the RTP port range needs at least one even/odd pair");
  }
  engine->rtp_bind_ = config.rtp_bind;
  engine->bind_ = config.bind;
  if (config.leg_ports) {
    if (config.leg_ports->second < config.leg_ports->first) {
      return make_error("gateway.media-ports", "the media port range is empty");
    }
    engine->leg_ports_ = config.leg_ports;
    engine->leg_next_ = config.leg_ports->first;
  }
  if (config.ice_mode == MediaEngineConfig::IceMode::full) engine->init_full_ice(config);
  engine->rtp_min_ = engine->rtp_next_ = config.rtp_port_min;
  engine->rtp_max_ = config.rtp_port_max;
  if (config.shards == 0) config.shards = 1;
  for (unsigned i = 0; i < config.shards; ++i) {
    SocketAddress bind{config.bind, static_cast<std::uint16_t>(config.base_port == 0 ? 0 : config.base_port + i)};
    std::weak_ptr<bool> alive = engine->alive_;
    MediaEngine* self = engine.get();
    auto sink = [self, alive, &signaling](std::vector<LegEvent> events) {
      boost::asio::post(signaling, [self, alive, events = std::move(events)] {
        if (alive.expired()) return;
        for (const auto& e : events) self->on_event_(e);
      });
    };
    auto shard = MediaShard::open(i, bind, std::move(sink));
    if (!shard) return shard.error();
    engine->shards_.push_back(std::move(*shard));
  }
  for (auto& s : engine->shards_) s->start();
  return engine;
}

unsigned MediaEngine::pick_shard() {
  unsigned best = next_shard_ % shards_.size();
  for (unsigned k = 0; k < shards_.size(); ++k) {
    unsigned i = (next_shard_ + k) % shards_.size();
    if (shards_[i]->leg_count() < shards_[best]->leg_count()) best = i;
  }
  next_shard_ = best + 1;
  return best;
}

Result<std::shared_ptr<net::DatagramPort>> MediaEngine::open_leg_port(unsigned shard) {
  if (!leg_ports_) return make_error("gateway.media-ports", "not in port-range mode");
  auto& io = shards_.at(shard)->io();
  auto [lo, hi] = *leg_ports_;
  std::string host = bind_.to_string();
  for (unsigned tried = 0; tried <= static_cast<unsigned>(hi - lo); ++tried) {
    std::uint16_t port = leg_next_;
    leg_next_ = port >= hi ? lo : static_cast<std::uint16_t>(port + 1);
    auto sock = net::DatagramPort::open(io, Endpoint{Transport::udp, host, port, {}});
    if (sock) return std::shared_ptr<net::DatagramPort>(std::move(*sock));
  }
  return make_error("gateway.media-ports-exhausted", "every port of the media port range is in use");
}

std::vector<sdp::Candidate> MediaEngine::candidates(unsigned shard, std::uint16_t own_port) const {
  std::vector<sdp::Candidate> out;
  std::uint16_t local_pref = 65535;
  for (const auto& ip : advertise_) {
    sdp::Candidate c;
    c.foundation = std::to_string(out.size() + 1);
    c.component = 1;
    c.transport = sdp::CandidateTransport::udp;
    c.priority = sdp::candidate_priority(sdp::CandidateType::host, local_pref--, 1);  // RFC 8445 §5.1.2.1
    c.address = ip.to_string();
    c.port = own_port != 0 ? own_port : shards_[shard]->port();
    c.type = sdp::CandidateType::host;
    out.push_back(std::move(c));
  }
  return out;
}

void MediaEngine::init_full_ice(const MediaEngineConfig& config) {
  ice::AgentConfig& t = ice_template_;
  t.trickle = true;
  t.consent_freshness = true;
  t.bind = {config.bind};
  for (const auto& ip : config.advertise) t.advertise.push_back(ice::AddressMapping{std::nullopt, ip});
  t.stun = config.ice_stun;
  t.turn = config.ice_turn;
  if (config.leg_ports) std::tie(t.port_min, t.port_max) = *config.leg_ports;
  glib_ = std::make_unique<ice::GlibLoop>();
  glib_->start();
}

Result<std::shared_ptr<LegIce>> MediaEngine::open_leg_ice(ice::Role role, const std::string& ufrag,
                                                          const std::string& pwd, LegIce::CandidateHandler on_candidate) {
  if (!glib_) return make_error("gateway.ice-mode", "not in full-ICE mode");
  ice::AgentConfig c = ice_template_;
  c.role = role;
  c.local_ufrag = ufrag;
  c.local_pwd = pwd;
  return LegIce::open(*glib_, std::move(c), signaling_, std::move(on_candidate));
}

void MediaEngine::add_legs(unsigned shard, std::vector<LegConfig> legs) {
  std::vector<std::pair<std::shared_ptr<LegIce>, RemoteIce>> checks;
  for (auto& l : legs) {
    l.certificate = certificate_;
    if (l.full_ice) {
      l.full_ice->attach(*shards_.at(shard), l.id);
      checks.emplace_back(l.full_ice, l.remote_ice);
    }
  }
  shards_.at(shard)->add_legs(std::move(legs));
  // After the legs' creation is posted: what the agents report finds them.
  for (auto& [ice, remote] : checks) {
    if (auto st = ice->start_checks(remote); !st) GW_LOG(warn) << "ice: " << st.error().message;
  }
}

Result<std::shared_ptr<RtpPorts>> MediaEngine::open_rtp_ports(unsigned shard) {
  auto& io = shards_.at(shard)->io();
  unsigned pairs = (rtp_max_ - rtp_min_ + 1) / 2;
  std::string host = rtp_bind_.to_string();
  for (unsigned tried = 0; tried < pairs; ++tried) {
    std::uint16_t port = rtp_next_;
    rtp_next_ = static_cast<std::uint16_t>(rtp_next_ + 2 > rtp_max_ - 1 ? rtp_min_ : rtp_next_ + 2);
    auto rtp = net::DatagramPort::open(io, Endpoint{Transport::udp, host, port, {}});
    if (!rtp) continue;  // in use (by us or anyone): next pair
    auto rtcp = net::DatagramPort::open(io, Endpoint{Transport::udp, host, static_cast<std::uint16_t>(port + 1), {}});
    if (!rtcp) continue;
    auto ports = std::make_shared<RtpPorts>();
    ports->rtp = std::move(*rtp);
    ports->rtcp = std::move(*rtcp);
    ports->port = port;
    return ports;
  }
  return make_error("gateway.rtp-ports-exhausted", "every RTP port pair of the range is in use");
}

void MediaEngine::add_plain_leg(unsigned shard, PlainLegConfig leg) { shards_.at(shard)->add_plain_leg(std::move(leg)); }

void MediaEngine::update_plain_leg(unsigned shard, LegId id, SipMedia remote) {
  shards_.at(shard)->update_plain_leg(id, std::move(remote));
}

void MediaEngine::remove_leg(unsigned shard, LegId id) { shards_.at(shard)->remove_leg(id); }

void MediaEngine::set_hold(unsigned shard, LegId id, bool held) { shards_.at(shard)->set_hold(id, held); }

void MediaEngine::stop() {
  *alive_ = false;
  alive_ = std::make_shared<bool>(false);
  for (auto& s : shards_) s->stop();
  if (glib_) {
    glib_->post_and_wait([] {});  // runs the agents' releases posted by the legs
    glib_->stop();
  }
}

std::vector<ShardStatus> MediaEngine::status() const {
  std::vector<ShardStatus> out;
  for (const auto& s : shards_) {
    const auto& c = s->counters();
    auto r = [](const std::atomic<std::uint64_t>& a) { return a.load(std::memory_order_relaxed); };
    out.push_back({s->index(), s->port(), s->leg_count(), r(c.unknown_source), r(c.stun_unknown_ufrag),
                   r(c.stun_malformed), r(c.plain_no_leg), r(c.wrong_port), r(c.ice_no_leg),
                   r(c.plain.unmapped_pt), r(c.plain.wrong_source)});
  }
  return out;
}

}  // namespace gw::gateway
