// libFuzzer target: RTP and RTCP parsers (RFC 3550), report blocks and sender
// info, the RFC 6464/8285 audio level, and the in-place rewrite helpers.
// Checks the views never point outside the input and that rewrites round-trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "rtp/audio_level.hpp"
#include "rtp/packet.hpp"
#include "rtp/rtcp_report.hpp"
#include "rtp/receiver_stats.hpp"
#include "rtp/telephone_event.hpp"

using namespace gw;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView in(data, size);
  if (auto v = rtp::RtpView::parse(in)) {
    if (v->header_size() + v->padding_size() + v->payload().size() != size) std::abort();
    if (v->extension_data().data() + v->extension_data().size() > data + size) std::abort();
    Bytes copy(in.begin(), in.end());
    rtp::set_ssrc(copy, 0x01020304);
    rtp::set_sequence(copy, 0xfffe);
    rtp::set_payload_type(copy, 96);
    auto again = rtp::RtpView::parse(copy);
    if (!again || again->ssrc() != 0x01020304 || again->sequence() != 0xfffe || again->payload_type() != 96) {
      std::abort();
    }
    static rtp::ReceiverStats stats;
    stats.on_packet(v->ssrc(), v->sequence(), v->timestamp(), TimePoint{} + std::chrono::milliseconds(v->sequence()));
    (void)stats.report(true);
    (void)rtp::parse_telephone_event(v->payload());
    for (std::uint8_t id : {1, 14, 15, 200}) {
      if (auto level = rtp::audio_level_dbov(*v, id); level && *level > 127) std::abort();
    }
  }
  auto compound = rtp::parse_rtcp_compound(in);
  if (compound.ok() != rtp::is_valid_rtcp(in)) std::abort();
  if (compound) {
    std::size_t total = 0;
    for (const auto& p : *compound) {
      total += p.packet().size();
      if (rtp::report_blocks(p).size() > p.count()) std::abort();
      (void)rtp::sender_info(p);
    }
    if (total != size) std::abort();
    Bytes copy(in.begin(), in.end());
    if (!rtp::set_rtcp_sender_ssrc(copy, 7)) std::abort();
  }
  return 0;
}
