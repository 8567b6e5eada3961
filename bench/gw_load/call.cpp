#include "call.hpp"

#include <cstring>

#include "rtp/demux.hpp"
#include "rtp/packet.hpp"
#include "util/log.hpp"

namespace gw::load {

namespace {

// Our payload: 160 bytes (20 ms of G.711) starting with a marker, the call
// index, our packet number and the send time, so the echo is matched to its
// call and packet whatever the gateway does to the RTP header.
constexpr std::size_t kPayload = 160;
constexpr std::uint32_t kMarker = 0x47574c44;  // "GWLD"
constexpr std::size_t kRtpHeader = 12;

const media::PeerAddress& plain_peer() {
  // The plain side is in-process: this address is only the Bridge's latch.
  static const media::PeerAddress a{SocketAddress{IpAddress::v4(0x7f000001), 9}};
  return a;
}

std::uint64_t steady_ns(TimePoint t) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count());
}

std::string dtls_failure_name(dtls::FailureReason r) {
  return "dtls-" + std::string(dtls::failure_name(r));
}

}  // namespace

Call::Call(std::uint32_t index, const CallContext& ctx, Listener& listener)
    : index_(index), ctx_(ctx), listener_(listener) {}

Call::~Call() {
  close();
}

Result<std::unique_ptr<Call>> Call::create(boost::asio::io_context& io, std::uint32_t index,
                                           const CallContext& ctx, Listener& listener) {
  std::unique_ptr<Call> c(new Call(index, ctx, listener));
  Endpoint local{Transport::udp, ctx.bind.to_string(), 0, {}};
  auto port = net::DatagramPort::open(io, local);
  if (!port) return port.error();
  c->port_ = std::move(port.value());
  auto bound = c->port_->local_endpoint();
  c->ufrag_ = random_ice_string(8);
  c->pwd_ = random_ice_string(24);
  c->ssrc_ = random_u32();
  OfferParams p{c->ufrag_, c->pwd_,  ctx.certificate->fingerprint(), SocketAddress{ctx.bind, bound.port},
                c->ssrc_,  ctx.codec};
  c->offer_ = make_offer(p);
  c->port_->start([raw = c.get()](ByteView d, const net::PeerAddress& from) { raw->on_datagram(d, from); });
  return c;
}

void Call::on_answer(std::string_view sdp, TimePoint now) {
  auto a = parse_answer(sdp, ctx_.bind.family);
  if (!a) return fail("bad-answer");
  answered_ = now;
  pt_ = a->pt;
  media::BridgeConfig cfg;
  cfg.keying = media::BridgeConfig::Keying::dtls;
  cfg.setup = dtls::Role::actpass;  // what we offered; the answer decides (RFC 8842 §5.3)
  cfg.dtls.certificate = ctx_.certificate;
  cfg.dtls.remote_fingerprint = a->fingerprint;
  cfg.dtls.handshake_timeout = seconds(10);
  cfg.plain_rtcp_mux = true;
  auto b = media::Bridge::create(std::move(cfg), *this);
  if (!b) return fail("bridge");
  bridge_ = std::move(b.value());
  if (!bridge_->set_remote_setup(a->setup, now)) return fail("bad-answer");
  bridge_->start(now);  // a DTLS server waits for the ClientHello; a client for ICE
  ice_.emplace(IceConfig{ufrag_, pwd_, a->ufrag, a->pwd, a->candidates.front(), random_u64()});
  phase_ = Phase::ice;
  tick(now, false);  // first check now, not at the next tick
}

void Call::fail(const std::string& reason) {
  if (phase_ == Phase::failed || phase_ == Phase::closed) return;
  failure_ = reason;
  settle(Phase::failed);
}

void Call::settle(Phase phase) {
  bool was_up = phase_ == Phase::up;
  phase_ = phase;
  if (!was_up) listener_.on_settled(*this);
}

void Call::tick(TimePoint now, bool send_media) {
  if (phase_ == Phase::failed || phase_ == Phase::closed || !ice_) return;
  if (auto req = ice_->on_tick(now)) port_->send_to(*req, media::PeerAddress{ice_->remote()});
  if (phase_ == Phase::ice && ice_->state() == IceClient::State::failed) return fail("ice-timeout");
  if (auto d = bridge_->next_deadline(); d && *d <= now) {
    bridge_->on_timer(now);
    after_bridge(now);
  }
  if (phase_ == Phase::up && send_media && !media_stopped_) send_rtp(now);
}

void Call::on_datagram(ByteView data, const net::PeerAddress& from) {
  if (phase_ == Phase::closed || !ice_ || from.is_unix()) return;
  TimePoint now = Clock::now();
  if (rtp::classify(data) == rtp::PacketClass::stun) {
    bool checking = ice_->state() == IceClient::State::checking;
    if (auto reply = ice_->on_stun(data, from.inet(), now)) port_->send_to(*reply, from);
    if (checking && ice_->state() == IceClient::State::connected && phase_ == Phase::ice) {
      ice_done_ = now;
      phase_ = Phase::dtls;
      // A browser starts DTLS once ICE has a pair (RFC 8842 §5): ClientHello now.
      bridge_->set_remote(media::Port::secure, media::PeerAddress{ice_->remote()}, now);
      after_bridge(now);
    }
    return;
  }
  if (!bridge_) return;
  bridge_->on_secure(data, from, now);
  after_bridge(now);
}

void Call::after_bridge(TimePoint now) {
  for (auto& e : bridge_->take_events()) {
    if (auto* done = std::get_if<media::event::HandshakeDone>(&e)) {
      if (phase_ != Phase::dtls && phase_ != Phase::ice) continue;
      srtp_profile = std::string(srtp::info(done->profile).sdes_name);
      dtls_done_ = now;
      if (phase_ == Phase::ice) ice_done_ = now;  // DTLS server: ClientHello before our check's answer
      settle(Phase::up);
    } else if (auto* f = std::get_if<media::event::Failed>(&e)) {
      GW_LOG(debug) << "call " << index_ << ": DTLS failed: " << f->detail;
      fail(dtls_failure_name(f->reason));
    } else if (std::holds_alternative<media::event::PeerGone>(e)) {
      if (!media_stopped_) peer_gone_ = true;  // the gateway ended the call (close_notify) before we did
    }
  }
}

void Call::send(media::Port port, ByteView data, const media::PeerAddress& to) {
  if (port == media::Port::secure) {
    if (port_) port_->send_to(data, to);
    return;
  }
  on_echo(data, Clock::now());  // decrypted: the gateway's echo of our packets
}

void Call::send_rtp(TimePoint now) {
  std::array<std::uint8_t, kRtpHeader + kPayload> p{};
  p[0] = 0x80;                                                            // RFC 3550 §5.1: V=2
  p[1] = static_cast<std::uint8_t>(pt_ | (media_.sent == 0 ? 0x80 : 0));  // marker on the first packet
  store_be16(&p[2], rtp_seq_++);
  store_be32(&p[4], rtp_ts_);
  rtp_ts_ += kPayload;  // 8 kHz, 20 ms
  store_be32(&p[8], ssrc_);
  std::uint8_t* pl = p.data() + kRtpHeader;
  std::memset(pl, 0xFF, kPayload);  // µ-law silence
  auto n = static_cast<std::uint32_t>(media_.sent);
  store_be32(pl, kMarker);
  store_be32(pl + 4, index_);
  store_be32(pl + 8, n);
  std::uint64_t t = steady_ns(now);
  store_be32(pl + 12, static_cast<std::uint32_t>(t >> 32));
  store_be32(pl + 16, static_cast<std::uint32_t>(t));
  media_.sent++;
  if (ctx_.packets_sent) ctx_.packets_sent->fetch_add(1, std::memory_order_relaxed);
  bridge_->on_plain(p, plain_peer(), false, now);
}

void Call::on_echo(ByteView packet, TimePoint now) {
  if (rtp::classify(packet) == rtp::PacketClass::rtcp) {
    media_.rtcp++;
    return;
  }
  auto v = rtp::RtpView::parse(packet);
  if (!v || v->payload().size() < 20 || load_be32(v->payload().data()) != kMarker) {
    media_.unmarked++;
    return;
  }
  const std::uint8_t* pl = v->payload().data();
  std::uint32_t n = load_be32(pl + 8);
  if (load_be32(pl + 4) != index_ || n >= media_.sent) {
    media_.foreign++;
    return;
  }
  if (seen_.size() <= n) seen_.resize(std::max<std::size_t>(n + 1, seen_.size() * 2), false);
  if (seen_[n]) {
    media_.duplicates++;
    return;
  }
  seen_[n] = true;
  media_.received++;
  if (media_.received > 1 && n < highest_) media_.late++;
  highest_ = std::max(highest_, n);
  media_.highest_echoed = std::max<std::uint64_t>(media_.highest_echoed, std::uint64_t{n} + 1);
  std::uint64_t sent = (std::uint64_t{load_be32(pl + 12)} << 32) | load_be32(pl + 16);
  if (ctx_.rtt) ctx_.rtt->add(static_cast<double>(steady_ns(now) - sent) / 1e6);
}

void Call::hangup() {
  media_stopped_ = true;
  if (bridge_ && phase_ == Phase::up) bridge_->close();  // close_notify (RFC 5246 §7.2.1)
}

void Call::close() {
  if (phase_ != Phase::failed) phase_ = Phase::closed;
  if (port_) port_->close();
}

std::optional<double> Call::ice_ms() const {
  if (ice_done_ == TimePoint{}) return std::nullopt;
  return to_ms(ice_done_ - answered_);
}

std::optional<double> Call::dtls_ms() const {
  if (dtls_done_ == TimePoint{}) return std::nullopt;
  return to_ms(dtls_done_ - ice_done_);
}

std::uint64_t Call::srtp_drops() const {
  if (!bridge_) return 0;
  const auto& d = bridge_->counters().secure_to_plain.drops;
  return d.auth_fail + d.replay + d.malformed + d.crypto_error;
}

}  // namespace gw::load
