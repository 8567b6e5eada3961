// RTP and RTCP packet views (RFC 3550 §5.1, §6.4) and in-place rewrite helpers.
// Views borrow the caller's buffer: they are valid only while it lives.
// Thread: any (no shared state).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "util/bytes.hpp"
#include "util/result.hpp"

namespace gw::rtp {

inline constexpr std::size_t kRtpHeaderSize = 12;  // RFC 3550 §5.1 fixed header
inline constexpr std::size_t kRtcpHeaderSize = 4;  // V/P/RC, PT, length
inline constexpr std::uint8_t kRtpVersion = 2;

// RTCP packet types (RFC 3550 §12.1, RFC 4585 §6.1).
enum class RtcpType : std::uint8_t {
  sr = 200, rr = 201, sdes = 202, bye = 203, app = 204, rtpfb = 205, psfb = 206, xr = 207,
};

// A validated RTP packet (RFC 3550 §5.1): version 2, CSRC list, header
// extension (§5.3.1) and padding (§5.1 P bit) all inside the packet.
class RtpView {
 public:
  static Result<RtpView> parse(ByteView packet);

  [[nodiscard]] bool padding() const { return (data_[0] & 0x20) != 0; }
  [[nodiscard]] bool has_extension() const { return (data_[0] & 0x10) != 0; }
  [[nodiscard]] std::uint8_t csrc_count() const { return data_[0] & 0x0f; }
  [[nodiscard]] bool marker() const { return (data_[1] & 0x80) != 0; }
  [[nodiscard]] std::uint8_t payload_type() const { return data_[1] & 0x7f; }
  [[nodiscard]] std::uint16_t sequence() const { return load_be16(data_.data() + 2); }
  [[nodiscard]] std::uint32_t timestamp() const { return load_be32(data_.data() + 4); }
  [[nodiscard]] std::uint32_t ssrc() const { return load_be32(data_.data() + 8); }
  [[nodiscard]] std::uint32_t csrc(std::size_t i) const;

  // Header extension (RFC 3550 §5.3.1): 16-bit profile id and its data.
  [[nodiscard]] std::uint16_t extension_profile() const { return ext_profile_; }
  [[nodiscard]] ByteView extension_data() const { return data_.subspan(ext_offset_, ext_size_); }

  [[nodiscard]] std::size_t header_size() const { return header_size_; }
  [[nodiscard]] std::size_t padding_size() const { return padding_size_; }
  [[nodiscard]] ByteView payload() const {
    return data_.subspan(header_size_, data_.size() - header_size_ - padding_size_);
  }
  [[nodiscard]] ByteView packet() const { return data_; }

 private:
  explicit RtpView(ByteView d) : data_(d) {}
  ByteView data_;
  std::size_t header_size_ = kRtpHeaderSize;
  std::size_t padding_size_ = 0;
  std::size_t ext_offset_ = 0;
  std::size_t ext_size_ = 0;
  std::uint16_t ext_profile_ = 0;
};

// One RTCP packet inside a compound packet (RFC 3550 §6.4).
class RtcpView {
 public:
  [[nodiscard]] bool padding() const { return (data_[0] & 0x20) != 0; }
  [[nodiscard]] std::uint8_t count() const { return data_[0] & 0x1f; }  // RC / SC / FMT
  [[nodiscard]] std::uint8_t packet_type() const { return data_[1]; }
  // The sender SSRC (first word after the header), 0 when the packet is too short.
  [[nodiscard]] std::uint32_t ssrc() const { return data_.size() >= 8 ? load_be32(data_.data() + 4) : 0; }
  [[nodiscard]] ByteView body() const { return data_.subspan(kRtcpHeaderSize); }
  [[nodiscard]] ByteView packet() const { return data_; }

 private:
  friend Result<std::vector<RtcpView>> parse_rtcp_compound(ByteView packet);
  explicit RtcpView(ByteView d) : data_(d) {}
  ByteView data_;
};

// Splits and validates a compound RTCP packet (RFC 3550 §6.4.1 / A.2): every
// packet version 2 with a length inside the datagram, the lengths adding up
// exactly, padding only on the last one. Reduced-size RTCP (RFC 5506) is
// accepted: the first packet need not be SR/RR.
Result<std::vector<RtcpView>> parse_rtcp_compound(ByteView packet);

// Cheap check without allocation: true when the datagram is a well-formed
// compound RTCP packet (same rules as parse_rtcp_compound).
bool is_valid_rtcp(ByteView packet);

// In-place rewrites of a packet already validated by RtpView::parse (or at
// least kRtpHeaderSize long). Return false when the buffer is too short.
bool set_ssrc(std::span<std::uint8_t> packet, std::uint32_t ssrc);
bool set_payload_type(std::span<std::uint8_t> packet, std::uint8_t pt);
bool set_sequence(std::span<std::uint8_t> packet, std::uint16_t seq);
bool set_timestamp(std::span<std::uint8_t> packet, std::uint32_t ts);
bool set_marker(std::span<std::uint8_t> packet, bool marker);

// Rewrites the sender SSRC of every RTCP packet in a compound packet
// (SR, RR, SDES first chunk, BYE first source, APP, RTPFB/PSFB sender, XR).
bool set_rtcp_sender_ssrc(std::span<std::uint8_t> packet, std::uint32_t ssrc);

// Builds an RTP header + payload (no CSRC, no extension): handy for tests,
// tone generators and the benchmark.
Bytes build_rtp(std::uint8_t pt, std::uint16_t seq, std::uint32_t ts, std::uint32_t ssrc,
                ByteView payload, bool marker = false);

}  // namespace gw::rtp
