#include "gateway/media_leg.hpp"

#include <openssl/rand.h>

#include "rtp/audio_level.hpp"
#include "rtp/demux.hpp"
#include "rtp/packet.hpp"
#include "srtp/profile.hpp"

namespace gw::gateway {

namespace {

constexpr Duration kTonePeriod = milliseconds(20);
constexpr Duration kStatsPeriod = seconds(2);
constexpr Duration kMaxToneLag = milliseconds(200);
constexpr std::size_t kMaxUnsent = 8;  // datagrams held until libnice selects a pair
constexpr Duration kSenderReportPeriod = seconds(1);  // echo/tone legs are the media source

// The plain side of every leg is in-process: this names it for the bridge.
const media::PeerAddress& in_process() {
  static const media::PeerAddress address{std::string("in-process")};
  return address;
}

std::uint32_t random_ssrc() {
  std::uint32_t v = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v);
  return v == 0 ? 1 : v;
}

// Full-ICE mode: libnice owns the 5-tuple; the bridge only needs one name for it.
const media::PeerAddress& ice_agent() {
  static const media::PeerAddress address{std::string("ice-agent")};
  return address;
}

}  // namespace

MediaLeg::MediaLeg(LegConfig config, LegHost& host, TimePoint now)
    : config_(std::move(config)), host_(host), created_(now), next_stats_(now + kStatsPeriod) {}

MediaLeg::~MediaLeg() = default;

Result<std::unique_ptr<MediaLeg>> MediaLeg::create(LegConfig config, LegHost& host, TimePoint now) {
  std::unique_ptr<MediaLeg> leg(new MediaLeg(std::move(config), host, now));
  const LegConfig& c = leg->config_;
  media::BridgeConfig bc;
  bc.keying = media::BridgeConfig::Keying::dtls;
  bc.setup = c.setup;
  bc.dtls.certificate = c.certificate;
  bc.dtls.remote_fingerprint = c.remote_fingerprint;
  bc.plain_rtcp_mux = true;  // the plain side is in-process: one "port"
  bc.clock_rate = c.clock_rate;
  bc.retire_dtls = true;  // memory per call; consent watches the browser
  auto bridge = media::Bridge::create(std::move(bc), *leg);
  if (!bridge) return bridge.error();
  leg->bridge_ = std::move(*bridge);
  leg->bridge_->set_remote(media::Port::plain_rtp, in_process(), now);
  if (c.full_ice) leg->bridge_->set_remote(media::Port::secure, ice_agent(), now);
  leg->bridge_->start(now);
  for (const auto& te : c.telephone_events) leg->dtmf_.emplace_back(te.pt, te.clock_rate);
  if (c.mode == LegMode::tone) {
    leg->tone_ = std::make_unique<ToneSource>(c.tone_pt, c.tone_pt == 8 ? ToneSource::Law::alaw : ToneSource::Law::ulaw,
                                             random_ssrc());
  }
  leg->echo_ssrc_ = random_ssrc();
  return leg;
}

bool MediaLeg::on_check(ByteView packet, const stun::Message& request, const SocketAddress& from, TimePoint now) {
  auto outcome = ice::answer_check(packet, request, config_.ice, from);
  if (!outcome.response.empty()) host_.send_secure(outcome.response, from, config_.own_port.get());
  if (outcome.kind != ice::CheckOutcome::Kind::success) return false;
  last_check_ = now;  // RFC 7675 §5.1: a valid check (or its answer) refreshes consent
  // RFC 8445 §7.3.1.5: USE-CANDIDATE nominates; a later nomination wins (ICE restart, roaming).
  if (outcome.use_candidate && selected_ != from) {
    bool first = !selected_.has_value();
    selected_ = from;
    bridge_->set_remote(media::Port::secure, media::PeerAddress{from}, now);
    if (first) host_.report(event(LegEvent::Kind::ice_connected, from.to_string()));
    drain_bridge_events(now);
  }
  return true;
}

void MediaLeg::on_secure(ByteView data, const SocketAddress& from, TimePoint now) {
  if (ended_) return;
  bridge_->on_secure(data, media::PeerAddress{from}, now);
  drain_bridge_events(now);
}

void MediaLeg::on_ice_data(ByteView data, TimePoint now) {
  if (ended_) return;
  bridge_->on_secure(data, ice_agent(), now);
  drain_bridge_events(now);
}

void MediaLeg::on_ice_selected(const SocketAddress& remote) {
  bool first = !selected_.has_value();
  selected_ = remote;
  if (first && !ended_) host_.report(event(LegEvent::Kind::ice_connected, remote.to_string()));
  for (const auto& d : std::exchange(unsent_, {})) config_.full_ice->send(d);
}

void MediaLeg::on_ice_failed(TimePoint now) {
  if (selected_) {
    end(EndReason::consent_lost, "ICE consent lost (libnice)", now);  // RFC 7675 §5.1
  } else {
    end(EndReason::ice_failed, "ICE checks failed (libnice)", now);  // RFC 8445 §8.1.2
  }
}

void MediaLeg::on_plain(ByteView data, TimePoint now) {
  if (ended_) return;
  to_browser(data, now);
}

void MediaLeg::to_browser(ByteView plain, TimePoint now) {
  if (rtp::classify(plain) == rtp::PacketClass::rtcp) {
    if (auto packets = rtp::parse_rtcp_compound(plain)) {
      for (const auto& p : *packets) {
        if (auto sr = rtp::sender_info(p)) round_trip_.on_sender_report_sent(rtp::ntp_middle(sr->ntp), now);
      }
    }
  } else if (plain.size() >= rtp::kRtpHeaderSize) {
    last_out_timestamp_ = load_be32(plain.data() + 4);
  }
  bridge_->on_plain(plain, in_process(), false, now);
}

// A leg that is the media source (echo, tone) sends SRs of its own, so that
// the browser's receiver reports give the gateway an RTT (RFC 3550 §6.4.1).
void MediaLeg::send_sender_report(TimePoint now) {
  const auto& sent = bridge_->counters().plain_to_secure;
  if (sent.rtp_packets == 0) return;
  rtp::SenderInfo info;
  info.ntp = rtp::to_ntp(std::chrono::system_clock::now());
  info.rtp_timestamp = last_out_timestamp_;
  info.packets = static_cast<std::uint32_t>(sent.rtp_packets);
  info.octets = static_cast<std::uint32_t>(sent.rtp_bytes);
  to_browser(rtp::build_sender_report(tone_ ? tone_->ssrc() : echo_ssrc_, info, "webrtc-gw"), now);
}

void MediaLeg::note_from_browser(ByteView plain, bool is_rtp) {
  if (is_rtp) {
    if (config_.audio_level_ext == 0) return;
    if (auto rtp = rtp::RtpView::parse(plain)) {
      if (auto level = rtp::audio_level_dbov(*rtp, config_.audio_level_ext)) level_dbov_ = level;
    }
    return;
  }
  auto packets = rtp::parse_rtcp_compound(plain);
  if (!packets) return;
  TimePoint now = Clock::now();
  for (const auto& p : *packets) {
    for (const auto& block : rtp::report_blocks(p)) {
      if (auto rtt = round_trip_.on_report_block(block, now)) rtt_ = rtt;
    }
  }
}

void MediaLeg::send(media::Port port, ByteView data, const media::PeerAddress& to) {
  if (port == media::Port::secure) {
    if (config_.full_ice) {
      // A DTLS flight answering the browser before libnice has selected a
      // pair would be lost (and cost the browser's 1 s retransmission).
      if (!config_.full_ice->send(data) && !selected_ && unsent_.size() < kMaxUnsent) {
        unsent_.emplace_back(data.begin(), data.end());
      }
    } else if (!to.is_unix()) {
      host_.send_secure(data, to.inet(), config_.own_port.get());
    }
    return;
  }
  on_plain_out(data);
}

// Decrypted media from the browser: DTMF is noticed, then the packet goes
// where the call mode says.
void MediaLeg::on_plain_out(ByteView data) {
  bool is_rtp = rtp::classify(data) == rtp::PacketClass::rtp;
  note_from_browser(data, is_rtp);
  for (auto& detector : dtmf_) {
    if (!is_rtp) break;
    for (const auto& d : detector.on_rtp(data)) {
      LegEvent ev = event(LegEvent::Kind::dtmf);
      ev.digit = d;
      host_.report(std::move(ev));
    }
  }
  if (held_) {
    ++held_drops_;
    return;
  }
  switch (config_.mode) {
    case LegMode::echo:
      // Back to the sender under our own SSRC: a browser may ignore its own.
      if (is_rtp) host_.deliver_plain(config_.id, data, echo_ssrc_);
      return;
    case LegMode::linked:
      host_.deliver_plain(config_.peer, data, std::nullopt);
      return;
    case LegMode::tone:
      return;  // the caller's audio goes nowhere
  }
}

void MediaLeg::drain_bridge_events(TimePoint now) {
  for (auto& ev : bridge_->take_events()) {
    if (const auto* done = std::get_if<media::event::HandshakeDone>(&ev)) {
      answered_ = now;
      host_.report(event(LegEvent::Kind::media_ready, std::string(srtp::info(done->profile).sdes_name)));
    } else if (const auto* failed = std::get_if<media::event::Failed>(&ev)) {
      end(EndReason::error, "DTLS: " + std::string(dtls::failure_name(failed->reason)) + " " + failed->detail, now);
    } else if (std::holds_alternative<media::event::PeerGone>(ev)) {
      end(EndReason::peer_gone, "DTLS close_notify", now);
    }
  }
}

void MediaLeg::send_tone(TimePoint now) {
  if (!next_tone_ || now - *next_tone_ > kMaxToneLag) next_tone_ = now;  // start, or resync after a stall
  while (*next_tone_ <= now) {
    Bytes packet = tone_->next_packet();
    if (!held_) to_browser(packet, now);
    *next_tone_ += kTonePeriod;
  }
}

bool MediaLeg::on_tick(TimePoint now) {
  if (ended_) return false;
  if (auto d = bridge_->next_deadline(); d && *d <= now) {
    bridge_->on_timer(now);
    drain_bridge_events(now);
    if (ended_) return false;
  }
  if (config_.full_ice) {
    // libnice keeps consent itself; it may wait forever for trickled candidates.
    if (!selected_ && now - created_ >= config_.ice_timeout) end(EndReason::ice_failed, "no ICE pair selected", now);
  } else if (!last_check_) {
    if (now - created_ >= config_.ice_timeout) end(EndReason::ice_failed, "no ICE connectivity check arrived", now);
  } else if (now - *last_check_ >= config_.consent_timeout) {
    end(EndReason::consent_lost, "no ICE consent from the browser", now);  // RFC 7675 §5.1
  }
  if (ended_) return false;
  if (tone_ && bridge_->keys_ready()) send_tone(now);
  if (config_.mode != LegMode::linked && bridge_->keys_ready() && now >= next_sender_report_) {
    next_sender_report_ = now + kSenderReportPeriod;
    send_sender_report(now);
  }
  if (now >= next_stats_) {
    next_stats_ = now + kStatsPeriod;
    LegEvent ev = event(LegEvent::Kind::stats);
    ev.stats = stats(now);
    host_.report(std::move(ev));
  }
  return true;
}

void MediaLeg::end(EndReason reason, std::string detail, TimePoint now) {
  if (ended_) return;
  ended_ = true;
  LegEvent ev = event(LegEvent::Kind::ended, std::move(detail));
  ev.reason = reason;
  ev.stats = stats(now);
  host_.report(std::move(ev));
}

LegEvent MediaLeg::event(LegEvent::Kind kind, std::string detail) const {
  LegEvent ev;
  ev.leg = config_.id;
  ev.kind = kind;
  ev.detail = std::move(detail);
  return ev;
}

void MediaLeg::close() {
  if (!ended_) bridge_->close();
  ended_ = true;
}

CallStats MediaLeg::stats(TimePoint now) const {
  const auto& c = bridge_->counters();
  CallStats s;
  s.codec = config_.codec;
  s.packets_received = c.secure_to_plain.rtp_packets;
  s.bytes_received = c.secure_to_plain.rtp_bytes;
  s.packets_sent = c.plain_to_secure.rtp_packets;
  s.bytes_sent = c.plain_to_secure.rtp_bytes;
  rtp::ReceiverStats rx = c.secure_to_plain.rtp_stats;  // report() closes intervals: use a copy
  auto r = rx.report(false);
  s.jitter_ms = r.jitter_ms;
  s.packets_lost = r.cumulative_lost;
  if (rtt_) s.rtt_ms = std::chrono::duration<double, std::milli>(*rtt_).count();
  if (level_dbov_) s.audio_level = rtp::audio_level_linear(*level_dbov_);
  if (answered_) {
    s.duration_ms = static_cast<std::uint64_t>(std::chrono::duration_cast<milliseconds>(now - *answered_).count());
  }
  return s;
}

}  // namespace gw::gateway
