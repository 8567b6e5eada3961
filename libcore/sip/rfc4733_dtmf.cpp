#include "sip/rfc4733_dtmf.hpp"

#include <algorithm>

#include "rtp/packet.hpp"
#include "rtp/telephone_event.hpp"

namespace gw::sip {

std::vector<DtmfPacket> plan_rfc4733(const DtmfPlanParams& p) {
  std::vector<DtmfPacket> out;
  auto code = rtp::dtmf_event_code(p.digit);
  if (!code || p.clock == 0 || p.step_ms == 0) return out;
  unsigned total_ms = std::clamp(p.duration_ms, 40u, 5000u);
  auto samples = [&](unsigned ms) {
    std::uint64_t s = std::uint64_t{ms} * p.clock / 1000;
    return static_cast<std::uint16_t>(std::min<std::uint64_t>(s, 0xffff));
  };
  std::uint16_t seq = p.first_seq;
  auto add = [&](unsigned at, unsigned dur_ms, bool end, bool marker) {
    rtp::TelephoneEvent ev{*code, end, p.volume, samples(dur_ms)};
    auto payload = rtp::encode_telephone_event(ev);
    out.push_back(DtmfPacket{at, rtp::build_rtp(p.payload_type, seq++, p.timestamp, p.ssrc,
                                                ByteView(payload.data(), payload.size()), marker)});
  };
  bool first = true;
  for (unsigned at = 0; at < total_ms; at += p.step_ms) {
    add(at, std::min(at + p.step_ms, total_ms), false, first);
    first = false;
  }
  for (int i = 0; i < 3; ++i) add(total_ms, total_ms, true, false);  // §2.5.1.4
  return out;
}

std::optional<ReceivedDtmf> DtmfReceiver::on_packet(ByteView rtp_packet, std::uint32_t clock) {
  auto view = rtp::RtpView::parse(rtp_packet);
  if (!view) {
    ++malformed_;
    return std::nullopt;
  }
  auto ev = rtp::parse_telephone_event(view->payload());
  if (!ev) {
    ++malformed_;
    return std::nullopt;
  }
  if (!ev->end) return std::nullopt;
  if (last_ts_ && *last_ts_ == view->timestamp() && last_ssrc_ == view->ssrc()) return std::nullopt;
  last_ts_ = view->timestamp();
  last_ssrc_ = view->ssrc();
  auto digit = rtp::dtmf_digit(ev->event);
  if (!digit) return std::nullopt;
  unsigned ms = clock ? static_cast<unsigned>(std::uint64_t{ev->duration} * 1000 / clock) : 0;
  return ReceivedDtmf{*digit, ms};
}

}  // namespace gw::sip
