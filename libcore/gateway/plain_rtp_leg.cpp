#include "gateway/plain_rtp_leg.hpp"

#include <cstring>

#include "rtp/demux.hpp"
#include "rtp/packet.hpp"

namespace gw::gateway {

PlainRtpLeg::PlainRtpLeg(PlainLegConfig config, LegHost& host) : config_(std::move(config)), host_(host) {
  build_tables();
}

PlainRtpLeg::~PlainRtpLeg() {
  if (!config_.ports) return;
  if (config_.ports->rtp) config_.ports->rtp->close();
  if (config_.ports->rtcp) config_.ports->rtcp->close();
}

void PlainRtpLeg::build_tables() {
  to_sip_.fill(-1);
  to_browser_.fill(-1);
  for (const auto& e : config_.remote.pt_map.entries) {
    to_sip_[e.browser_pt & 0x7f] = e.sip_pt;
    to_browser_[e.sip_pt & 0x7f] = e.browser_pt;
  }
}

void PlainRtpLeg::start(std::function<void()> after_receive) {
  after_receive_ = std::move(after_receive);
  config_.ports->rtp->start([this](ByteView d, const net::PeerAddress& from) {
    on_rtp(d, from);
    if (after_receive_) after_receive_();
  });
  config_.ports->rtcp->start([this](ByteView d, const net::PeerAddress& from) {
    on_rtcp(d, from);
    if (after_receive_) after_receive_();
  });
}

void PlainRtpLeg::update(SipMedia remote) {
  config_.remote = std::move(remote);
  build_tables();
}

void PlainRtpLeg::on_plain(ByteView data) {
  if (held_) {
    ++counters_.held_drops;
    return;
  }
  const SipMedia& r = config_.remote;
  if (rtp::classify(data) == rtp::PacketClass::rtcp) {
    ++counters_.rtcp_out;
    auto& port = r.rtcp_mux ? config_.ports->rtp : config_.ports->rtcp;
    port->send_to(data, net::PeerAddress{r.rtcp});
    return;
  }
  if (data.size() < 12 || data.size() > scratch_.size()) return;
  std::int16_t pt = to_sip_[data[1] & 0x7f];
  if (pt < 0) {
    count_unmapped_pt();
    return;
  }
  if (r.rtp.port == 0) return;  // the SIP side rejected the stream
  std::memcpy(scratch_.data(), data.data(), data.size());
  std::span<std::uint8_t> packet(scratch_.data(), data.size());
  rtp::set_payload_type(packet, static_cast<std::uint8_t>(pt));
  ++counters_.rtp_out;
  config_.ports->rtp->send_to(ByteView(packet.data(), packet.size()), net::PeerAddress{r.rtp});
}

void PlainRtpLeg::on_rtp(ByteView data, const net::PeerAddress& from) {
  // Plain RTP has no authentication: only the negotiated address's IP is
  // taken (its port may differ: symmetric RTP is not required, RFC 4961).
  if (from.is_unix() || from.inet().ip != config_.remote.rtp.ip) {
    count_wrong_source();
    return;
  }
  if (rtp::classify(data) == rtp::PacketClass::rtcp) {  // rtcp-mux on the SIP side
    ++counters_.rtcp_in;
    host_.deliver_plain(config_.peer, data, std::nullopt);
    return;
  }
  if (data.size() < 12 || data.size() > scratch_.size()) return;
  ++counters_.rtp_in;
  std::int16_t pt = to_browser_[data[1] & 0x7f];
  if (pt < 0) {
    count_unmapped_pt();
    return;
  }
  if ((data[1] & 0x7f) == pt) {
    host_.deliver_plain(config_.peer, data, std::nullopt);
    return;
  }
  std::memcpy(scratch_.data(), data.data(), data.size());
  std::span<std::uint8_t> packet(scratch_.data(), data.size());
  rtp::set_payload_type(packet, static_cast<std::uint8_t>(pt));
  host_.deliver_plain(config_.peer, ByteView(packet.data(), packet.size()), std::nullopt);
}

void PlainRtpLeg::count_unmapped_pt() {
  ++counters_.unmapped_pt;
  if (config_.shard_drops != nullptr) config_.shard_drops->unmapped_pt.fetch_add(1, std::memory_order_relaxed);
}

void PlainRtpLeg::count_wrong_source() {
  ++counters_.wrong_source;
  if (config_.shard_drops != nullptr) config_.shard_drops->wrong_source.fetch_add(1, std::memory_order_relaxed);
}

void PlainRtpLeg::on_rtcp(ByteView data, const net::PeerAddress& from) {
  if (from.is_unix() || from.inet().ip != config_.remote.rtcp.ip) {
    count_wrong_source();
    return;
  }
  if (!rtp::is_valid_rtcp(data)) return;
  ++counters_.rtcp_in;
  host_.deliver_plain(config_.peer, data, std::nullopt);
}

}  // namespace gw::gateway
