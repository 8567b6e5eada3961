#include "rtp/packet.hpp"

namespace gw::rtp {

Result<RtpView> RtpView::parse(ByteView packet) {
  if (packet.size() < kRtpHeaderSize) {
    return make_error("rtp.truncated", "shorter than the 12-byte RTP header");
  }
  if ((packet[0] >> 6) != kRtpVersion) {
    return make_error("rtp.version", "RTP version is not 2");
  }
  RtpView v(packet);
  std::size_t offset = kRtpHeaderSize + 4U * v.csrc_count();
  if (offset > packet.size()) {
    return make_error("rtp.csrc", "CSRC list runs past the packet end");
  }
  if (v.has_extension()) {  // RFC 3550 §5.3.1
    if (offset + 4 > packet.size()) {
      return make_error("rtp.extension", "extension header runs past the packet end");
    }
    v.ext_profile_ = load_be16(packet.data() + offset);
    std::size_t words = load_be16(packet.data() + offset + 2);
    v.ext_offset_ = offset + 4;
    v.ext_size_ = words * 4;
    offset = v.ext_offset_ + v.ext_size_;
    if (offset > packet.size()) {
      return make_error("rtp.extension", "extension data runs past the packet end");
    }
  }
  v.header_size_ = offset;
  if (v.padding()) {  // RFC 3550 §5.1: last octet counts the padding, itself included
    std::size_t pad = packet.back();
    if (pad == 0 || offset + pad > packet.size()) {
      return make_error("rtp.padding", "padding count is zero or larger than the payload");
    }
    v.padding_size_ = pad;
  }
  return v;
}

std::uint32_t RtpView::csrc(std::size_t i) const {
  if (i >= csrc_count()) return 0;
  return load_be32(data_.data() + kRtpHeaderSize + 4 * i);
}

namespace {

// Walks a compound packet; calls f(offset, size) per packet. Returns false on
// the first rule broken (RFC 3550 A.2).
template <class F>
bool walk_rtcp(ByteView packet, F&& f, Error* why) {
  auto fail = [why](const char* code, const char* msg) {
    if (why != nullptr) *why = make_error(code, msg);
    return false;
  };
  if (packet.size() < kRtcpHeaderSize) return fail("rtcp.truncated", "shorter than an RTCP header");
  std::size_t offset = 0;
  while (offset < packet.size()) {
    if (packet.size() - offset < kRtcpHeaderSize) {
      return fail("rtcp.truncated", "trailing bytes shorter than an RTCP header");
    }
    const std::uint8_t* p = packet.data() + offset;
    if ((p[0] >> 6) != kRtpVersion) return fail("rtcp.version", "RTCP version is not 2");
    std::size_t size = (std::size_t{load_be16(p + 2)} + 1) * 4;
    if (size > packet.size() - offset) return fail("rtcp.length", "length field runs past the datagram");
    bool last = offset + size == packet.size();
    if ((p[0] & 0x20) != 0) {
      if (!last) return fail("rtcp.padding", "padding on a packet that is not the last");
      std::size_t pad = p[size - 1];
      if (pad == 0 || pad > size - kRtcpHeaderSize) return fail("rtcp.padding", "bad padding count");
    }
    f(offset, size);
    offset += size;
  }
  return true;
}

}  // namespace

Result<std::vector<RtcpView>> parse_rtcp_compound(ByteView packet) {
  std::vector<RtcpView> out;
  Error why;
  bool ok = walk_rtcp(
      packet, [&](std::size_t off, std::size_t size) { out.push_back(RtcpView(packet.subspan(off, size))); },
      &why);
  if (!ok) return why;
  return out;
}

bool is_valid_rtcp(ByteView packet) {
  return walk_rtcp(packet, [](std::size_t, std::size_t) {}, nullptr);
}

bool set_ssrc(std::span<std::uint8_t> packet, std::uint32_t ssrc) {
  if (packet.size() < kRtpHeaderSize) return false;
  store_be32(packet.data() + 8, ssrc);
  return true;
}

bool set_payload_type(std::span<std::uint8_t> packet, std::uint8_t pt) {
  if (packet.size() < kRtpHeaderSize || pt > 127) return false;
  packet[1] = static_cast<std::uint8_t>((packet[1] & 0x80) | pt);
  return true;
}

bool set_sequence(std::span<std::uint8_t> packet, std::uint16_t seq) {
  if (packet.size() < kRtpHeaderSize) return false;
  store_be16(packet.data() + 2, seq);
  return true;
}

bool set_timestamp(std::span<std::uint8_t> packet, std::uint32_t ts) {
  if (packet.size() < kRtpHeaderSize) return false;
  store_be32(packet.data() + 4, ts);
  return true;
}

bool set_marker(std::span<std::uint8_t> packet, bool marker) {
  if (packet.size() < kRtpHeaderSize) return false;
  packet[1] = static_cast<std::uint8_t>((packet[1] & 0x7f) | (marker ? 0x80 : 0));
  return true;
}

bool set_rtcp_sender_ssrc(std::span<std::uint8_t> packet, std::uint32_t ssrc) {
  return walk_rtcp(
      packet,
      [&](std::size_t off, std::size_t size) {
        // Every type we know carries the sender (or first source) SSRC right
        // after the header; an SDES/BYE with count 0 has none.
        std::uint8_t type = packet[off + 1];
        std::uint8_t count = packet[off] & 0x1f;
        bool has_ssrc = size >= 8 && !((type == 202 || type == 203) && count == 0);
        if (has_ssrc) store_be32(packet.data() + off + 4, ssrc);
      },
      nullptr);
}

Bytes build_rtp(std::uint8_t pt, std::uint16_t seq, std::uint32_t ts, std::uint32_t ssrc,
                ByteView payload, bool marker) {
  Bytes out;
  out.reserve(kRtpHeaderSize + payload.size());
  ByteWriter w(out);
  w.u8(0x80);
  w.u8(static_cast<std::uint8_t>((marker ? 0x80 : 0) | (pt & 0x7f)));
  w.u16(seq);
  w.u32(ts);
  w.u32(ssrc);
  w.raw(payload);
  return out;
}

}  // namespace gw::rtp
