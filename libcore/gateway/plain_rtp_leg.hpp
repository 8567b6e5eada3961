// The enterprise side of a gateway call to or from SIP: one RTP socket and
// one RTCP socket (port+1, RFC 3550 §11) on the private address, joined to
// the call's browser leg on the same media shard. RTP from the browser leg
// goes to the SIP side's address with its payload types rewritten to the
// SIP side's numbers, and back; RTCP is passed through both ways (the
// browser leg turns it into SRTCP, rtcp-mux on the browser side, RFC 5761).
// Thread: the owning MediaShard's thread only (created anywhere, then moved there).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "gateway/call_sdp.hpp"
#include "gateway/media_leg.hpp"
#include "net/datagram_port.hpp"

namespace gw::gateway {

// The two sockets of an RTP leg, bound before the SDP that names them is sent.
struct RtpPorts {
  std::unique_ptr<net::DatagramPort> rtp, rtcp;
  std::uint16_t port = 0;  // RTP; RTCP is port + 1
};

// Drops of every plain leg of a shard, read by the stats event (any thread).
struct PlainDropCounters {
  std::atomic<std::uint64_t> unmapped_pt{0};   // a payload type the other side did not negotiate
  std::atomic<std::uint64_t> wrong_source{0};  // not from the SIP side's negotiated address
};

struct PlainLegConfig {
  LegId id = 0;
  LegId peer = 0;        // the browser leg
  std::shared_ptr<RtpPorts> ports;
  SipMedia remote;
  PlainDropCounters* shard_drops = nullptr;  // the shard's totals (set by the shard)
};

struct PlainLegCounters {
  std::uint64_t rtp_in = 0, rtp_out = 0, rtcp_in = 0, rtcp_out = 0;
  std::uint64_t unmapped_pt = 0;      // a payload type the other side did not negotiate
  std::uint64_t wrong_source = 0;     // not from the SIP side's negotiated address
  std::uint64_t held_drops = 0;
};

class PlainRtpLeg {
 public:
  PlainRtpLeg(PlainLegConfig config, LegHost& host);
  ~PlainRtpLeg();
  PlainRtpLeg(const PlainRtpLeg&) = delete;
  PlainRtpLeg& operator=(const PlainRtpLeg&) = delete;

  // Begins receiving (on the shard's thread); `after_receive` runs after
  // each batch (the shard delivers what the batch queued for the browser leg).
  void start(std::function<void()> after_receive);
  // Plain RTP/RTCP from the browser leg.
  void on_plain(ByteView data);
  // A re-INVITE/UPDATE moved the SIP side's media.
  void update(SipMedia remote);
  void set_hold(bool held) { held_ = held; }

  [[nodiscard]] LegId id() const { return config_.id; }
  [[nodiscard]] const PlainLegCounters& counters() const { return counters_; }

 private:
  void on_rtp(ByteView data, const net::PeerAddress& from);
  void on_rtcp(ByteView data, const net::PeerAddress& from);
  void build_tables();

  PlainLegConfig config_;
  LegHost& host_;
  // Payload type rewriting (7 bits); -1: not negotiated, dropped.
  std::array<std::int16_t, 128> to_sip_{}, to_browser_{};
  std::array<std::uint8_t, 1500> scratch_{};
  bool held_ = false;
  void count_unmapped_pt();
  void count_wrong_source();

  PlainLegCounters counters_;
  std::function<void()> after_receive_;
};

}  // namespace gw::gateway
