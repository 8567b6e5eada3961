#include "media/bridge.hpp"

#include <cstring>

#include "rtp/demux.hpp"
#include "rtp/packet.hpp"
#include "util/log.hpp"

namespace gw::media {

std::string_view port_name(Port p) {
  switch (p) {
    case Port::secure: return "secure";
    case Port::plain_rtp: return "plain";
    case Port::plain_rtcp: break;
  }
  return "plain_rtcp";
}

Bridge::Bridge(BridgeConfig config, Output& out) : config_(std::move(config)), out_(out) {
  counters_.secure_to_plain.rtp_stats.set_clock_rate(config_.clock_rate);
  counters_.plain_to_secure.rtp_stats.set_clock_rate(config_.clock_rate);
}

Bridge::~Bridge() = default;

Result<std::unique_ptr<Bridge>> Bridge::create(BridgeConfig config, Output& out) {
  std::unique_ptr<Bridge> b(new Bridge(std::move(config), out));
  auto& cfg = b->config_;
  if (cfg.keying == BridgeConfig::Keying::sdes) {
    if (!cfg.sdes_local || !cfg.sdes_remote) {
      return make_error("bridge.sdes", "SDES needs both the local and the remote crypto line");
    }
    auto st = b->install_keys(cfg.sdes_local->suite, cfg.sdes_local->key_salt, cfg.sdes_remote->suite,
                              cfg.sdes_remote->key_salt);
    if (!st) return st.error();
  } else {
    auto role = dtls::resolve_role(cfg.setup, std::nullopt);
    if (!role) return role.error();
    cfg.dtls.role = *role;
    auto ep = dtls::Endpoint::create(cfg.dtls);
    if (!ep) return ep.error();
    b->dtls_ = std::move(ep.value());
  }
  return b;
}

Status Bridge::install_keys(srtp::Profile profile, ByteView local, srtp::Profile remote_profile, ByteView remote) {
  srtp::SessionOptions opts;
  opts.replay_window = config_.replay_window;
  auto out = srtp::Session::create(profile, local, srtp::Direction::outbound, opts);
  if (!out) return out.error();
  auto in = srtp::Session::create(remote_profile, remote, srtp::Direction::inbound, opts);
  if (!in) return in.error();
  outbound_.emplace(std::move(out.value()));
  inbound_.emplace(std::move(in.value()));
  profile_ = profile;
  return {};
}

std::span<std::uint8_t> Bridge::scratch() {
  alignas(8) static thread_local std::array<std::uint8_t, kMaxPacket + srtp::kMaxTrailer> buffer{};
  return buffer;
}

void Bridge::start(TimePoint now) {
  started_ = true;
  last_secure_rx_ = now;
  maybe_start_dtls(now);
}

void Bridge::maybe_start_dtls(TimePoint now) {
  if (!started_ || !dtls_ || dtls_->state() != dtls::State::idle) return;
  // A client needs somewhere to send its ClientHello; a server just waits.
  if (dtls_->role() == dtls::Role::active && !remotes_[index(Port::secure)]) return;
  dtls_->start(now);
  pump_dtls();
}

void Bridge::set_remote(Port port, const PeerAddress& address, TimePoint now) {
  remotes_[index(port)] = address;
  configured_[index(port)] = true;
  if (port == Port::plain_rtp && !config_.plain_rtcp_mux && !configured_[index(Port::plain_rtcp)] &&
      !address.is_unix()) {
    SocketAddress rtcp = address.inet();  // RFC 3550 §11: RTCP on the next port
    rtcp.port = static_cast<std::uint16_t>(rtcp.port + 1);
    remotes_[index(Port::plain_rtcp)] = PeerAddress{rtcp};
  }
  if (port == Port::secure) maybe_start_dtls(now);
}

Status Bridge::set_remote_fingerprint(const dtls::Fingerprint& fp) {
  if (!dtls_) return make_error("bridge.no-dtls", "not a DTLS bridge");
  if (dtls_->state() == dtls::State::connected) return make_error("bridge.late", "handshake already done");
  dtls_->set_remote_fingerprint(fp);
  return {};
}

Status Bridge::set_remote_setup(dtls::Role remote, TimePoint now) {
  if (!dtls_) return make_error("bridge.no-dtls", "not a DTLS bridge");
  auto role = dtls::resolve_role(config_.setup, remote);
  if (!role) return role.error();
  if (*role != dtls_->role()) {
    if (auto st = dtls_->set_role(*role); !st) return st;
  }
  maybe_start_dtls(now);
  return {};
}

void Bridge::close() {
  if (!dtls_) return;
  dtls_->close();
  pump_dtls();
}

void Bridge::on_timer(TimePoint now) {
  if (dtls_) {
    auto d = dtls_->next_deadline();
    if (d && *d <= now) {
      dtls_->on_timer(now);
      pump_dtls();
    }
  }
  if (config_.peer_timeout.count() > 0 && !peer_gone_ && keys_ready() && last_secure_rx_ &&
      now - *last_secure_rx_ >= config_.peer_timeout) {
    peer_gone_ = true;
    events_.emplace_back(event::PeerGone{"timeout"});
  }
}

std::optional<TimePoint> Bridge::next_deadline() const {
  std::optional<TimePoint> d;
  if (dtls_) d = dtls_->next_deadline();
  if (config_.peer_timeout.count() > 0 && !peer_gone_ && keys_ready() && last_secure_rx_) {
    TimePoint t = *last_secure_rx_ + config_.peer_timeout;
    if (!d || t < *d) d = t;
  }
  return d;
}

// ---- secure side ------------------------------------------------------------

void Bridge::on_secure(ByteView data, const PeerAddress& from, TimePoint now) {
  auto& drops = counters_.secure_to_plain.drops;
  switch (rtp::classify(data)) {
    case rtp::PacketClass::dtls:
      if (!dtls_) {
        drops.unknown++;
        return;
      }
      on_dtls(data, from, now);
      return;
    case rtp::PacketClass::rtp: on_srtp(data, from, false, now); return;
    case rtp::PacketClass::rtcp: on_srtp(data, from, true, now); return;
    case rtp::PacketClass::stun: drops.stun++; return;
    default: drops.unknown++; return;
  }
}

void Bridge::on_dtls(ByteView data, const PeerAddress& from, TimePoint now) {
  auto& drops = counters_.secure_to_plain.drops;
  // DTLS records are authenticated only at the end of the handshake: take the
  // sender as remote only when none is known (a server must answer someone).
  if (!accept_source(Port::secure, from, !remotes_[index(Port::secure)].has_value(), drops)) return;
  counters_.dtls_datagrams_in++;
  if (keys_ready()) last_secure_rx_ = now;
  dtls_->feed(data, now);
  pump_dtls();
}

void Bridge::pump_dtls() {
  for (auto& d : dtls_->take_outgoing()) {
    counters_.dtls_datagrams_out++;
    send(Port::secure, d, counters_.plain_to_secure.drops);
  }
  for (auto& e : dtls_->take_events()) {
    if (auto* done = std::get_if<dtls::HandshakeDone>(&e)) {
      auto st = install_keys(done->keys.profile, done->keys.local, done->keys.profile, done->keys.remote);
      if (!st) {
        events_.emplace_back(event::Failed{dtls::FailureReason::protocol, st.error().message});
        continue;
      }
      events_.emplace_back(event::HandshakeDone{done->keys.profile, done->peer_fingerprint, done->cipher});
    } else if (auto* f = std::get_if<dtls::Failure>(&e)) {
      events_.emplace_back(event::Failed{f->reason, f->detail});
    } else if (std::holds_alternative<dtls::Closed>(e) && !peer_gone_) {
      peer_gone_ = true;
      events_.emplace_back(event::PeerGone{"close_notify"});
    }
  }
}

void Bridge::on_srtp(ByteView data, const PeerAddress& from, bool rtcp, TimePoint now) {
  auto& dir = counters_.secure_to_plain;
  if (!inbound_) {
    dir.drops.not_ready++;
    return;
  }
  if (data.size() > kMaxPacket) {
    dir.drops.malformed++;
    return;
  }
  // Strict source is checked before spending CPU on crypto.
  if (!accept_source(Port::secure, from, false, dir.drops)) return;
  std::memcpy(scratch().data(), data.data(), data.size());
  std::size_t len = data.size();
  auto st = rtcp ? inbound_->unprotect_rtcp(scratch(), len) : inbound_->unprotect_rtp(scratch(), len);
  switch (st) {
    case srtp::PacketStatus::ok: break;
    case srtp::PacketStatus::auth_fail: dir.drops.auth_fail++; return;
    case srtp::PacketStatus::replay_fail: dir.drops.replay++; return;
    case srtp::PacketStatus::malformed: dir.drops.malformed++; return;
    case srtp::PacketStatus::other: dir.drops.crypto_error++; return;
  }
  ByteView plain(scratch().data(), len);
  // Authenticated: now the source may be learnt or followed.
  accept_source(Port::secure, from, true, dir.drops);
  last_secure_rx_ = now;
  if (config_.retire_dtls && dtls_ && dtls_->state() == dtls::State::connected) {
    dtls_.reset();  // the peer is done with the handshake: no retransmission can be needed
    dtls_retired_ = true;
  }
  if (rtcp) {
    dir.rtcp_packets++;
    dir.rtcp_bytes += len;
    send(plain_rtcp_port(), plain, dir.drops);
    return;
  }
  auto v = rtp::RtpView::parse(plain);
  if (!v) {  // e.g. a bad padding count that was encrypted
    dir.drops.malformed++;
    return;
  }
  dir.rtp_stats.on_packet(v->ssrc(), v->sequence(), v->timestamp(), now);
  dir.rtp_packets++;
  dir.rtp_bytes += len;
  send(Port::plain_rtp, plain, dir.drops);
}

// ---- plain side -------------------------------------------------------------

void Bridge::on_plain(ByteView data, const PeerAddress& from, bool rtcp_port, TimePoint now) {
  if (rtcp_port) {
    on_plain_rtcp(data, from, Port::plain_rtcp);
    return;
  }
  if (config_.plain_rtcp_mux && rtp::classify(data) == rtp::PacketClass::rtcp) {
    on_plain_rtcp(data, from, Port::plain_rtp);
    return;
  }
  on_plain_rtp(data, from, now);
}

void Bridge::on_plain_rtp(ByteView data, const PeerAddress& from, TimePoint now) {
  auto& dir = counters_.plain_to_secure;
  auto v = rtp::RtpView::parse(data);
  if (!v || data.size() > kMaxPacket || rtp::classify(data) != rtp::PacketClass::rtp) {
    dir.drops.malformed++;
    return;
  }
  if (!accept_source(Port::plain_rtp, from, true, dir.drops)) return;
  if (!outbound_) {
    dir.drops.not_ready++;
    return;
  }
  dir.rtp_stats.on_packet(v->ssrc(), v->sequence(), v->timestamp(), now);
  std::memcpy(scratch().data(), data.data(), data.size());
  std::size_t len = data.size();
  auto st = outbound_->protect_rtp(scratch(), len);
  if (st != srtp::PacketStatus::ok) {
    (st == srtp::PacketStatus::malformed ? dir.drops.malformed : dir.drops.crypto_error)++;
    return;
  }
  dir.rtp_packets++;
  dir.rtp_bytes += data.size();
  send(Port::secure, ByteView(scratch().data(), len), dir.drops);
}

void Bridge::on_plain_rtcp(ByteView data, const PeerAddress& from, Port port) {
  auto& dir = counters_.plain_to_secure;
  if (data.size() > kMaxPacket || data.size() < 8 || !rtp::is_valid_rtcp(data)) {
    dir.drops.malformed++;
    return;
  }
  if (!accept_source(port, from, true, dir.drops)) return;
  if (!outbound_) {
    dir.drops.not_ready++;
    return;
  }
  std::memcpy(scratch().data(), data.data(), data.size());
  std::size_t len = data.size();
  auto st = outbound_->protect_rtcp(scratch(), len);
  if (st != srtp::PacketStatus::ok) {
    (st == srtp::PacketStatus::malformed ? dir.drops.malformed : dir.drops.crypto_error)++;
    return;
  }
  dir.rtcp_packets++;
  dir.rtcp_bytes += data.size();
  send(Port::secure, ByteView(scratch().data(), len), dir.drops);
}

// ---- addresses ----------------------------------------------------------------

bool Bridge::accept_source(Port port, const PeerAddress& from, bool authenticated, DropCounters& drops) {
  auto& remote = remotes_[index(port)];
  if (remote && *remote == from) return true;
  if (config_.strict_source) {
    if (remote) {
      drops.source++;
      return false;
    }
    if (authenticated) learn(port, from);
    return true;
  }
  if (authenticated && (!remote || !configured_[index(port)])) {
    if (remote) counters_.relatched++;
    learn(port, from);
  }
  return true;
}

void Bridge::learn(Port port, const PeerAddress& from) {
  remotes_[index(port)] = from;
  GW_LOG(info) << port_name(port) << " remote is now " << from.to_string();
  events_.emplace_back(event::RemoteLearnt{port, from});
}

void Bridge::send(Port port, ByteView data, DropCounters& drops) {
  const auto& remote = remotes_[index(port)];
  if (!remote) {
    drops.no_remote++;
    return;
  }
  out_.send(port, data, *remote);
}

json::object Bridge::stats_json(bool close_interval) {
  json::object o;
  o["secure_to_plain"] = direction_json(counters_.secure_to_plain, close_interval);
  o["plain_to_secure"] = direction_json(counters_.plain_to_secure, close_interval);
  o["keying"] = config_.keying == BridgeConfig::Keying::dtls ? "dtls" : "sdes";
  if (profile_) o["profile"] = srtp::info(*profile_).sdes_name;
  o["dtls_in"] = counters_.dtls_datagrams_in;
  o["dtls_out"] = counters_.dtls_datagrams_out;
  if (dtls_retired_) o["dtls_retired"] = true;
  o["relatched"] = counters_.relatched;
  for (auto p : {Port::secure, Port::plain_rtp, Port::plain_rtcp}) {
    const auto& r = remotes_[index(p)];
    if (r) o[std::string(port_name(p)) + "_remote"] = r->to_string();
  }
  return o;
}

}  // namespace gw::media
