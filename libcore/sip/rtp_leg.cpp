#include "sip/rtp_leg.hpp"

#include <random>

#include "rtp/demux.hpp"
#include "rtp/packet.hpp"
#include "util/log.hpp"

namespace gw::sip {
namespace {

std::uint32_t random_u32() {
  static thread_local std::mt19937 rng{std::random_device{}()};
  return rng();
}

std::optional<net::PeerAddress> peer_of(const std::string& host, std::uint16_t port) {
  auto ip = IpAddress::parse(host);
  if (!ip || port == 0) return std::nullopt;
  return net::PeerAddress{SocketAddress{*ip, port}};
}

}  // namespace

RtpLeg::RtpLeg(boost::asio::io_context& io, EventHandler on_event)
    : io_(io), on_event_(std::move(on_event)), dtmf_timer_(io) {
  out_ssrc_ = random_u32();
  last_out_seq_ = static_cast<std::uint16_t>(random_u32());
  last_ts_ = random_u32();
}

RtpLeg::~RtpLeg() { close(); }

Status RtpLeg::bind_pair(const RtpLegConfig& c) {
  // RFC 3550 §11: RTP on an even port, RTCP on the next one.
  auto try_port = [&](std::uint16_t port) -> Status {
    auto rtp = net::DatagramPort::open(io_, Endpoint{Transport::udp, c.rtp_host, port, {}});
    if (!rtp) return rtp.error();
    auto rtcp = net::DatagramPort::open(io_, Endpoint{Transport::udp, c.rtp_host, static_cast<std::uint16_t>(port + 1), {}});
    if (!rtcp) return rtcp.error();
    rtp_ = std::move(*rtp);
    rtcp_ = std::move(*rtcp);
    rtp_port_ = port;
    return {};
  };
  if (c.rtp_port != 0) return try_port(c.rtp_port);
  unsigned span = c.port_max > c.port_min ? (c.port_max - c.port_min) / 2u : 1u;
  Error last = make_error("rtp.ports", "no free RTP port pair");
  for (int attempt = 0; attempt < 64; ++attempt) {
    auto port = static_cast<std::uint16_t>(c.port_min + 2 * (random_u32() % span));
    if (auto st = try_port(port)) return {};
    else last = st.error();
  }
  return last;
}

Result<std::unique_ptr<RtpLeg>> RtpLeg::open(boost::asio::io_context& io, const RtpLegConfig& config,
                                            EventHandler on_event) {
  std::unique_ptr<RtpLeg> leg(new RtpLeg(io, std::move(on_event)));
  leg->strict_ = config.strict_source;
  if (auto st = leg->bind_pair(config); !st) return st.error();
  Endpoint pipe_bind = config.pipe_bind.value_or(Endpoint{Transport::udp, "127.0.0.1", 0, {}});
  auto pipe = net::DatagramPort::open(io, pipe_bind);
  if (!pipe) return pipe.error();
  leg->pipe_ = std::move(*pipe);
  if (config.pipe) {
    if (auto st = leg->pipe_->set_remote(*config.pipe); !st) return st.error();
  }
  RtpLeg* self = leg.get();
  leg->rtp_->start([self](ByteView d, const net::PeerAddress& from) { self->on_peer_rtp(d, from); });
  leg->rtcp_->start([self](ByteView d, const net::PeerAddress& from) { self->on_peer_rtcp(d, from); });
  leg->pipe_->start([self](ByteView d, const net::PeerAddress& from) { self->on_pipe(d, from); });
  return leg;
}

Endpoint RtpLeg::pipe_local() const { return pipe_ ? pipe_->local_endpoint() : Endpoint{}; }

void RtpLeg::close() {
  dtmf_timer_.cancel();
  if (rtp_) rtp_->close();
  if (rtcp_) rtcp_->close();
  if (pipe_) pipe_->close();
}

void RtpLeg::reset() {
  dtmf_timer_.cancel();
  dtmf_queue_.clear();
  dtmf_plan_.clear();
  dtmf_index_ = 0;
  dtmf_busy_ = false;
  sdp_rtp_.reset();
  sdp_rtcp_.reset();
  peer_rtp_.reset();
  peer_rtcp_.reset();
  latched_ = false;
  send_enabled_ = receive_enabled_ = true;
  te_pt_ = -1;
  have_stream_ = false;
  seq_offset_ = 0;
  dtmf_rx_ = DtmfReceiver{};
  counters_ = RtpLegCounters{};
}

void RtpLeg::set_media(const NegotiatedMedia& m) {
  auto rtp = peer_of(m.remote_address, m.remote_port);
  auto rtcp = peer_of(m.remote_address, m.rtcp_mux ? m.remote_port : m.remote_rtcp_port);
  if (rtp != sdp_rtp_) {  // a new address from SDP: start over (latch again)
    sdp_rtp_ = rtp;
    sdp_rtcp_ = rtcp;
    peer_rtp_ = rtp;
    peer_rtcp_ = rtcp;
    latched_ = false;
  }
  // RFC 3264 §5.1: our direction says whether we send and receive.
  send_enabled_ = m.local_direction == MediaDirection::sendrecv || m.local_direction == MediaDirection::sendonly;
  receive_enabled_ = m.local_direction == MediaDirection::sendrecv || m.local_direction == MediaDirection::recvonly;
  te_pt_ = m.telephone_event_pt;
  for (const auto& c : m.codecs)
    if (c.payload_type == te_pt_) te_clock_ = c.clock_rate;
}

bool RtpLeg::accept_source(const net::PeerAddress& from, bool rtcp) {
  const auto& expected = rtcp ? sdp_rtcp_ : sdp_rtp_;
  if (strict_) {
    if (!expected || from != *expected) {
      ++counters_.dropped_source;
      return false;
    }
    return true;
  }
  auto& current = rtcp ? peer_rtcp_ : peer_rtp_;
  if (current && from == *current) return true;
  if (!rtcp && latched_) {  // already latched elsewhere: only the latched source
    ++counters_.dropped_source;
    return false;
  }
  current = from;  // symmetric RTP latching (RFC 4961)
  if (!rtcp) {
    latched_ = true;
    if (on_event_) on_event_(RtpLegEvent{RtpLegEvent::Kind::latched, from.to_string(), 0, 0});
  }
  return true;
}

void RtpLeg::on_peer_rtp(ByteView data, const net::PeerAddress& from) {
  if (rtp::classify(data) == rtp::PacketClass::rtcp) return on_peer_rtcp(data, from);  // rtcp-mux peer
  if (rtp::classify(data) != rtp::PacketClass::rtp || data.size() < rtp::kRtpHeaderSize) {
    ++counters_.dropped_malformed;
    return;
  }
  if (!accept_source(from, false)) return;
  ++counters_.from_peer;
  if (te_pt_ >= 0 && (data[1] & 0x7f) == te_pt_) {
    if (auto d = dtmf_rx_.on_packet(data, te_clock_)) {
      ++counters_.dtmf_received;
      if (on_event_) on_event_(RtpLegEvent{RtpLegEvent::Kind::dtmf, {}, d->digit, d->duration_ms});
    }
  }
  if (!receive_enabled_) {
    ++counters_.dropped_direction;
    return;
  }
  if (!pipe_->remote()) {
    ++counters_.dropped_no_remote;
    return;
  }
  pipe_->send(data);
  ++counters_.to_pipe;
}

void RtpLeg::on_peer_rtcp(ByteView data, const net::PeerAddress& from) {
  if (!rtp::is_valid_rtcp(data)) {
    ++counters_.dropped_malformed;
    return;
  }
  if (strict_ && !accept_source(from, true)) return;
  if (!strict_ && !peer_rtcp_) peer_rtcp_ = from;
  ++counters_.rtcp_from_peer;
  if (pipe_->remote()) pipe_->send(data);
}

void RtpLeg::on_pipe(ByteView data, const net::PeerAddress& from) {
  if (!pipe_->remote()) pipe_->set_remote(from);  // no --pipe: answer whoever sends
  ++counters_.from_pipe;
  auto cls = rtp::classify(data);
  if (cls == rtp::PacketClass::rtcp) {
    if (peer_rtcp_ && send_enabled_) {
      rtcp_->send_to(data, *peer_rtcp_);
      ++counters_.rtcp_to_peer;
    }
    return;
  }
  if (cls != rtp::PacketClass::rtp || data.size() < rtp::kRtpHeaderSize) {
    ++counters_.dropped_malformed;
    return;
  }
  forward_to_peer(data);
}

void RtpLeg::forward_to_peer(ByteView data) {
  if (!send_enabled_) {
    ++counters_.dropped_direction;
    return;
  }
  if (!peer_rtp_) {
    ++counters_.dropped_no_remote;
    return;
  }
  auto view = rtp::RtpView::parse(data);
  if (!view) {
    ++counters_.dropped_malformed;
    return;
  }
  out_ssrc_ = view->ssrc();
  last_ts_ = view->timestamp();
  have_stream_ = true;
  last_sent_ = std::chrono::steady_clock::now();
  if (seq_offset_ == 0) {
    last_out_seq_ = view->sequence();
    rtp_->send_to(data, *peer_rtp_);
  } else {  // after injected DTMF: keep sequence numbers contiguous
    Bytes copy(data.begin(), data.end());
    last_out_seq_ = static_cast<std::uint16_t>(view->sequence() + seq_offset_);
    rtp::set_sequence(copy, last_out_seq_);
    rtp_->send_to(copy, *peer_rtp_);
  }
  ++counters_.to_peer;
}

bool RtpLeg::send_dtmf(const std::string& digits, unsigned duration_ms) {
  if (te_pt_ < 0) return false;
  for (char c : digits) dtmf_queue_.emplace_back(c, duration_ms);
  if (!dtmf_busy_) next_dtmf();
  return true;
}

void RtpLeg::next_dtmf() {
  if (dtmf_index_ >= dtmf_plan_.size()) {
    dtmf_plan_.clear();
    dtmf_index_ = 0;
    if (dtmf_queue_.empty()) {
      dtmf_busy_ = false;
      return;
    }
    auto [digit, ms] = dtmf_queue_.front();
    dtmf_queue_.pop_front();
    DtmfPlanParams p;
    p.digit = digit;
    p.duration_ms = ms;
    p.payload_type = static_cast<std::uint8_t>(te_pt_);
    p.clock = te_clock_;
    p.ssrc = out_ssrc_;
    if (have_stream_) {  // continue the relayed stream's clock
      auto elapsed = std::chrono::steady_clock::now() - last_sent_;
      auto ms_since = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
      p.timestamp = last_ts_ + static_cast<std::uint32_t>(ms_since * te_clock_ / 1000);
    } else {  // no audio: our own clock, one new timestamp per event (§2.5.1.2)
      p.timestamp = last_ts_;
      last_ts_ += static_cast<std::uint32_t>((std::uint64_t{ms} + 100) * te_clock_ / 1000);
    }
    dtmf_plan_ = plan_rfc4733(p);
    dtmf_start_ = std::chrono::steady_clock::now();
    ++counters_.dtmf_sent;
    if (dtmf_plan_.empty()) return next_dtmf();
  }
  dtmf_busy_ = true;
  auto due = dtmf_start_ + std::chrono::milliseconds(dtmf_plan_[dtmf_index_].at_ms);
  dtmf_timer_.expires_at(due);
  dtmf_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    // Send everything due now (the three end packets share one instant).
    auto now = std::chrono::steady_clock::now();
    while (dtmf_index_ < dtmf_plan_.size() &&
           dtmf_start_ + std::chrono::milliseconds(dtmf_plan_[dtmf_index_].at_ms) <= now) {
      Bytes& pkt = dtmf_plan_[dtmf_index_++].packet;
      rtp::set_sequence(pkt, ++last_out_seq_);
      ++seq_offset_;
      if (peer_rtp_ && send_enabled_) rtp_->send_to(pkt, *peer_rtp_);
    }
    if (dtmf_index_ >= dtmf_plan_.size()) {  // RFC 4733 leaves gaps to the sender: 100 ms
      dtmf_timer_.expires_after(std::chrono::milliseconds(100));
      dtmf_timer_.async_wait([this](const boost::system::error_code& e) {
        if (!e) next_dtmf();
      });
      return;
    }
    next_dtmf();
  });
}

}  // namespace gw::sip
