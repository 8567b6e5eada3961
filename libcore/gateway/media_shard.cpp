#include "gateway/media_shard.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cstring>

#include "rtp/packet.hpp"
#include "stun/message.hpp"
#include "util/log.hpp"

namespace gw::gateway {

namespace {
constexpr Duration kTick = milliseconds(20);
constexpr std::size_t kMaxSourcesPerLeg = 8;  // candidate pairs a browser may validate
}  // namespace

MediaShard::MediaShard(unsigned index, EventSink sink) : index_(index), sink_(std::move(sink)) {}

MediaShard::~MediaShard() { stop(); }

Result<std::unique_ptr<MediaShard>> MediaShard::open(unsigned index, const SocketAddress& bind, EventSink sink) {
  std::unique_ptr<MediaShard> shard(new MediaShard(index, std::move(sink)));
  Endpoint local{.transport = Transport::udp, .host = bind.ip.to_string(), .port = bind.port, .path = {}};
  auto port = net::DatagramPort::open(shard->io_, local);
  if (!port) return Error{port.error().code, "media port " + bind.to_string() + ": " + port.error().message};
  shard->port_socket_ = std::move(*port);
  shard->port_ = shard->port_socket_->local_endpoint().port;
  shard->port_socket_->set_send_batching(true);
  (void)shard->port_socket_->set_buffer_sizes(4 << 20, 4 << 20);  // bursts of many calls; capped by the kernel
  return shard;
}

void MediaShard::start() {
  port_socket_->start([this](ByteView data, const net::PeerAddress& from) { on_datagram(data, from); });
  tick_.emplace(io_);
  arm_tick();
  thread_ = std::thread([this] {
    try {
      io_.run();
    } catch (const std::exception& e) {
      GW_LOG(error) << "media shard " << index_ << " stopped: " << e.what();
    }
  });
}

void MediaShard::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (thread_.joinable()) {
    boost::asio::post(io_, [this] {
      for (auto& [id, leg] : legs_) {
        leg->close();
        if (const auto& own = leg->config().own_port) own->close();
      }
      plain_legs_.clear();
      port_socket_->flush();
      tick_.reset();
      port_socket_->close();
      io_.stop();
    });
    thread_.join();
  }
  legs_.clear();
}

void MediaShard::add_legs(std::vector<LegConfig> legs) {
  boost::asio::post(io_, [this, legs = std::move(legs)]() mutable {
    TimePoint now = Clock::now();
    for (auto& config : legs) {
      LegId id = config.id;
      auto leg = MediaLeg::create(std::move(config), *this, now);
      if (!leg) {
        LegEvent ev;
        ev.leg = id;
        ev.kind = LegEvent::Kind::ended;
        ev.detail = leg.error().message;
        ev.reason = EndReason::error;
        report(std::move(ev));
        continue;
      }
      by_ufrag_[(*leg)->config().ice.local_ufrag] = leg->get();
      if (const auto& own = (*leg)->config().own_port) {
        own->set_send_batching(true);
        own->start([this, id](ByteView data, const net::PeerAddress& from) { on_leg_datagram(id, data, from); });
      }
      legs_[id] = std::move(*leg);
      counters_.legs.fetch_add(1, std::memory_order_relaxed);
    }
    flush_events();
  });
}

void MediaShard::add_plain_leg(PlainLegConfig leg) {
  leg.shard_drops = &counters_.plain;
  auto shared = std::make_shared<PlainLegConfig>(std::move(leg));
  boost::asio::post(io_, [this, shared] {
    LegId id = shared->id;
    LegHost& host = *this;
    auto plain = std::make_unique<PlainRtpLeg>(std::move(*shared), host);
    plain->start([this] { after_input(Clock::now()); });
    plain_legs_[id] = std::move(plain);
  });
}

void MediaShard::update_plain_leg(LegId id, SipMedia remote) {
  auto shared = std::make_shared<SipMedia>(std::move(remote));
  boost::asio::post(io_, [this, id, shared] {
    if (auto it = plain_legs_.find(id); it != plain_legs_.end()) it->second->update(std::move(*shared));
  });
}

void MediaShard::remove_leg(LegId id) {
  boost::asio::post(io_, [this, id] {
    if (plain_legs_.erase(id) > 0) return;
    auto it = legs_.find(id);
    if (it == legs_.end()) return;
    it->second->close();
    erase_leg(id);
    port_socket_->flush();
  });
}

void MediaShard::set_hold(LegId id, bool held) {
  boost::asio::post(io_, [this, id, held] {
    if (auto it = legs_.find(id); it != legs_.end()) it->second->set_hold(held);
    if (auto it = plain_legs_.find(id); it != plain_legs_.end()) it->second->set_hold(held);
  });
}

void MediaShard::erase_leg(LegId id) {
  auto it = legs_.find(id);
  if (it == legs_.end()) return;
  by_ufrag_.erase(it->second->config().ice.local_ufrag);
  if (auto s = sources_of_.find(id); s != sources_of_.end()) {
    for (const auto& a : s->second) by_source_.erase(a);
    sources_of_.erase(s);
  }
  if (const auto& own = it->second->config().own_port) own->close();
  legs_.erase(it);
  counters_.legs.fetch_sub(1, std::memory_order_relaxed);
}

void MediaShard::on_datagram(ByteView data, const net::PeerAddress& from) {
  if (from.is_unix()) return;
  TimePoint now = Clock::now();
  route(data, from.inet(), std::nullopt, now);
  after_input(now);
}

// STUN goes by ICE username, DTLS/SRTP by the source a check validated. On a
// leg's own port (port-range mode) the source must be that leg's.
void MediaShard::route(ByteView data, const SocketAddress& source, std::optional<LegId> port_owner, TimePoint now) {
  if (stun::looks_like_stun(data)) {
    on_stun(data, source, now);
  } else if (auto it = by_source_.find(source); it == by_source_.end()) {
    counters_.unknown_source.fetch_add(1, std::memory_order_relaxed);
  } else if (port_owner && it->second->id() != *port_owner) {
    counters_.wrong_port.fetch_add(1, std::memory_order_relaxed);
  } else {
    it->second->on_secure(data, source, now);
  }
}

// Every input ends here: plain packets the legs handed over, then the events.
void MediaShard::after_input(TimePoint now) {
  drain_deferred(now);
  flush_events();
}

void MediaShard::on_stun(ByteView data, const SocketAddress& from, TimePoint now) {
  auto message = stun::decode(data);
  if (!message) {
    counters_.stun_malformed.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  auto ufrag = ice::check_local_ufrag(*message);
  auto it = ufrag ? by_ufrag_.find(std::string(*ufrag)) : by_ufrag_.end();
  if (it == by_ufrag_.end()) {
    counters_.stun_unknown_ufrag.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  MediaLeg* leg = it->second;
  if (!leg->on_check(data, *message, from, now)) return;
  // The leg that answered owns the source now, even if an older leg (still
  // inside its consent window) had it: the browser reused a port.
  auto [slot, added] = by_source_.try_emplace(from, leg);
  if (!added && slot->second != leg) {
    auto& old = sources_of_[slot->second->id()];
    old.erase(std::remove(old.begin(), old.end(), from), old.end());
    slot->second = leg;
    added = true;
  }
  auto& sources = sources_of_[leg->id()];
  if (added) {
    sources.push_back(from);
    if (sources.size() > kMaxSourcesPerLeg) {  // keep the newest: roaming browsers move on
      by_source_.erase(sources.front());
      sources.erase(sources.begin());
    }
  }
}

void MediaShard::arm_tick() {
  tick_->expires_after(kTick);
  tick_->async_wait([this](const boost::system::error_code& ec) {
    if (ec || !tick_) return;
    on_tick();
    arm_tick();
  });
}

void MediaShard::on_tick() {
  TimePoint now = Clock::now();
  std::vector<LegId> ended;
  for (auto& [id, leg] : legs_) {
    if (!leg->on_tick(now)) ended.push_back(id);
    drain_deferred(now);
  }
  for (LegId id : ended) erase_leg(id);
  flush_events();
}

void MediaShard::send_secure(ByteView data, const SocketAddress& to, net::DatagramPort* via) {
  (via != nullptr ? via : port_socket_.get())->send_to(data, net::PeerAddress{to});
}

// Port-range mode: a datagram on a leg's own port.
void MediaShard::on_leg_datagram(LegId leg, ByteView data, const net::PeerAddress& from) {
  if (from.is_unix()) return;
  TimePoint now = Clock::now();
  route(data, from.inet(), leg, now);
  after_input(now);
}

template <class F>
void MediaShard::with_ice_leg(LegId leg, F f) {
  auto it = legs_.find(leg);
  if (it == legs_.end()) {
    counters_.ice_no_leg.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  TimePoint now = Clock::now();
  f(*it->second, now);
  after_input(now);
}

void MediaShard::ice_data(LegId leg, Bytes data) {
  boost::asio::post(io_, [this, leg, data = std::move(data)] {
    with_ice_leg(leg, [&](MediaLeg& l, TimePoint now) { l.on_ice_data(data, now); });
  });
}

void MediaShard::ice_selected(LegId leg, SocketAddress remote) {
  boost::asio::post(io_, [this, leg, remote] {
    with_ice_leg(leg, [&](MediaLeg& l, TimePoint) { l.on_ice_selected(remote); });
  });
}

void MediaShard::ice_failed(LegId leg) {
  boost::asio::post(io_, [this, leg] {
    with_ice_leg(leg, [&](MediaLeg& l, TimePoint now) { l.on_ice_failed(now); });
  });
}

void MediaShard::deliver_plain(LegId to, ByteView data, std::optional<std::uint32_t> ssrc) {
  if (data.size() > Deferred{}.data.size()) return;
  if (deferred_count_ == deferred_.size()) deferred_.emplace_back();
  Deferred& d = deferred_[deferred_count_++];
  d.to = to;
  d.size = data.size();
  std::memcpy(d.data.data(), data.data(), data.size());
  if (ssrc) rtp::set_ssrc(std::span(d.data.data(), d.size), *ssrc);
}

// Plain packets between legs are delivered here, after the bridge that made
// them has returned, so no bridge is re-entered from its own output.
void MediaShard::drain_deferred(TimePoint now) {
  if (draining_) return;
  draining_ = true;
  for (std::size_t i = 0; i < deferred_count_; ++i) {
    Deferred& d = deferred_[i];
    ByteView packet(d.data.data(), d.size);
    if (auto it = legs_.find(d.to); it != legs_.end()) {
      it->second->on_plain(packet, now);
    } else if (auto p = plain_legs_.find(d.to); p != plain_legs_.end()) {
      p->second->on_plain(packet);
    } else {
      counters_.plain_no_leg.fetch_add(1, std::memory_order_relaxed);
    }
  }
  deferred_count_ = 0;
  draining_ = false;
}

void MediaShard::report(LegEvent event) { events_.push_back(std::move(event)); }

void MediaShard::flush_events() {
  if (events_.empty()) return;
  sink_(std::exchange(events_, {}));
}

}  // namespace gw::gateway
