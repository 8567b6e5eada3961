#include "rtp/rtcp_report.hpp"

namespace gw::rtp {

namespace {
constexpr std::size_t kSenderInfoSize = 20;   // NTP (8), RTP ts, packets, octets
constexpr std::size_t kReportBlockSize = 24;
constexpr std::uint64_t kNtpUnixOffset = 2208988800ULL;  // 1900-01-01 to 1970-01-01 in s
}  // namespace

std::optional<SenderInfo> sender_info(const RtcpView& packet) {
  ByteView b = packet.body();  // sender SSRC, then the sender info
  if (packet.packet_type() != static_cast<std::uint8_t>(RtcpType::sr) || b.size() < 4 + kSenderInfoSize) {
    return std::nullopt;
  }
  const std::uint8_t* p = b.data() + 4;
  SenderInfo s;
  s.ntp = (std::uint64_t{load_be32(p)} << 32) | load_be32(p + 4);
  s.rtp_timestamp = load_be32(p + 8);
  s.packets = load_be32(p + 12);
  s.octets = load_be32(p + 16);
  return s;
}

std::vector<ReportBlock> report_blocks(const RtcpView& packet) {
  std::size_t offset = 4;  // after the sender SSRC
  if (packet.packet_type() == static_cast<std::uint8_t>(RtcpType::sr)) {
    offset += kSenderInfoSize;
  } else if (packet.packet_type() != static_cast<std::uint8_t>(RtcpType::rr)) {
    return {};
  }
  ByteView b = packet.body();
  std::vector<ReportBlock> out;
  for (unsigned i = 0; i < packet.count() && offset + kReportBlockSize <= b.size(); ++i, offset += kReportBlockSize) {
    const std::uint8_t* p = b.data() + offset;
    ReportBlock r;
    r.ssrc = load_be32(p);
    r.fraction_lost = p[4];
    std::uint32_t lost = (std::uint32_t{p[5]} << 16) | (std::uint32_t{p[6]} << 8) | p[7];
    r.cumulative_lost = (lost & 0x800000U) != 0 ? static_cast<std::int32_t>(lost | 0xff000000U) : static_cast<std::int32_t>(lost);
    r.highest_sequence = load_be32(p + 8);
    r.jitter = load_be32(p + 12);
    r.lsr = load_be32(p + 16);
    r.dlsr = load_be32(p + 20);
    out.push_back(r);
  }
  return out;
}

Bytes build_sender_report(std::uint32_t ssrc, const SenderInfo& info, std::string_view cname) {
  Bytes out;
  ByteWriter w(out);
  w.u8(0x80);  // V=2, P=0, RC=0
  w.u8(static_cast<std::uint8_t>(RtcpType::sr));
  w.u16(6);  // length in 32-bit words - 1: 28 bytes
  w.u32(ssrc);
  w.u32(static_cast<std::uint32_t>(info.ntp >> 32));
  w.u32(static_cast<std::uint32_t>(info.ntp));
  w.u32(info.rtp_timestamp);
  w.u32(info.packets);
  w.u32(info.octets);
  // SDES (RFC 3550 §6.5): one chunk, CNAME item, null-terminated, padded to 32 bits.
  std::string_view name = cname.substr(0, 255);
  std::size_t chunk = 4 + 2 + name.size() + 1;
  chunk = (chunk + 3) / 4 * 4;
  w.u8(0x81);  // SC=1
  w.u8(static_cast<std::uint8_t>(RtcpType::sdes));
  w.u16(static_cast<std::uint16_t>(chunk / 4));  // (4 + chunk) / 4 - 1
  w.u32(ssrc);
  w.u8(1);  // CNAME
  w.u8(static_cast<std::uint8_t>(name.size()));
  w.raw(ByteView(reinterpret_cast<const std::uint8_t*>(name.data()), name.size()));
  w.zeros(chunk - 4 - 2 - name.size());
  return out;
}

std::uint64_t to_ntp(std::chrono::system_clock::time_point t) {
  auto since = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch());
  auto secs = static_cast<std::uint64_t>(since.count() / 1'000'000'000) + kNtpUnixOffset;
  auto nanos = static_cast<std::uint64_t>(since.count() % 1'000'000'000);
  return (secs << 32) | ((nanos << 32) / 1'000'000'000);
}

void RoundTrip::on_sender_report_sent(std::uint32_t lsr, TimePoint when) {
  sent_[next_] = {lsr, when};
  next_ = (next_ + 1) % sent_.size();
}

std::optional<Duration> RoundTrip::on_report_block(const ReportBlock& block, TimePoint now) const {
  if (block.lsr == 0) return std::nullopt;  // no SR received yet (RFC 3550 §6.4.1)
  for (const auto& s : sent_) {
    if (s.lsr != block.lsr || s.when == TimePoint{}) continue;
    auto delay = std::chrono::duration_cast<Duration>(std::chrono::microseconds(std::uint64_t{block.dlsr} * 1'000'000 / 65536));
    Duration rtt = now - s.when - delay;
    if (rtt < Duration::zero()) return Duration::zero();  // DLSR rounded up past our clock
    return rtt;
  }
  return std::nullopt;
}

}  // namespace gw::rtp
