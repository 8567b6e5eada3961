// The SIP side's media socket pair and the local pipe (design brief §5):
//   SIP peer <-> RTP (+RTCP on port+1) socket <-> pipe socket <-> local tool
// Symmetric RTP (RFC 4961): we send from the port we receive on, and latch
// the peer's address on its first packet unless --strict-source, which drops
// (and counts) packets from any address but the one its SDP gave. RTCP
// travels muxed on the pipe (RFC 5761 §4 tells them apart). RFC 4733 digits
// are injected into the outgoing stream and reported when received.
//
// Thread: the io_context's thread only (open() included). Other threads post.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "net/datagram_port.hpp"
#include "sip/media_negotiator.hpp"
#include "sip/rfc4733_dtmf.hpp"
#include "util/endpoint.hpp"

namespace gw::sip {

struct RtpLegConfig {
  std::string rtp_host = "0.0.0.0";     // bind address of the RTP/RTCP sockets
  std::uint16_t rtp_port = 0;           // even; 0 picks a free pair in the range
  std::uint16_t port_min = 20000, port_max = 60000;
  std::optional<Endpoint> pipe;         // where media from the SIP side goes
  std::optional<Endpoint> pipe_bind;    // our end of the pipe (default: udp 127.0.0.1 any)
  bool strict_source = false;
};

struct RtpLegCounters {
  std::uint64_t from_peer = 0, to_peer = 0, from_pipe = 0, to_pipe = 0;
  std::uint64_t rtcp_from_peer = 0, rtcp_to_peer = 0;
  std::uint64_t dropped_source = 0;     // strict-source refusals
  std::uint64_t dropped_no_remote = 0;  // no peer (or pipe) address yet
  std::uint64_t dropped_direction = 0;  // held: this direction is off
  std::uint64_t dropped_malformed = 0;  // not RTP/RTCP
  std::uint64_t dtmf_sent = 0, dtmf_received = 0;
};

struct RtpLegEvent {
  enum class Kind { latched, dtmf } kind = Kind::latched;
  std::string address;  // latched: the peer's source
  char digit = 0;
  unsigned duration_ms = 0;
};

class RtpLeg {
 public:
  using EventHandler = std::function<void(const RtpLegEvent&)>;

  static Result<std::unique_ptr<RtpLeg>> open(boost::asio::io_context& io, const RtpLegConfig& config,
                                              EventHandler on_event);
  ~RtpLeg();
  RtpLeg(const RtpLeg&) = delete;
  RtpLeg& operator=(const RtpLeg&) = delete;

  [[nodiscard]] std::uint16_t rtp_port() const { return rtp_port_; }
  [[nodiscard]] Endpoint pipe_local() const;

  // The negotiated stream: peer address, telephone-event PT, directions.
  void set_media(const NegotiatedMedia& media);
  // Queues digits to send as RFC 4733 events (needs a negotiated PT).
  bool send_dtmf(const std::string& digits, unsigned duration_ms);
  // Between calls: forget the peer, the latch, queued digits and counters.
  void reset();
  void close();

  [[nodiscard]] const RtpLegCounters& counters() const { return counters_; }

 private:
  RtpLeg(boost::asio::io_context& io, EventHandler on_event);
  Status bind_pair(const RtpLegConfig& config);
  void on_peer_rtp(ByteView data, const net::PeerAddress& from);
  void on_peer_rtcp(ByteView data, const net::PeerAddress& from);
  void on_pipe(ByteView data, const net::PeerAddress& from);
  bool accept_source(const net::PeerAddress& from, bool rtcp);
  void forward_to_peer(ByteView data);
  void next_dtmf();

  boost::asio::io_context& io_;
  EventHandler on_event_;
  std::unique_ptr<net::DatagramPort> rtp_, rtcp_, pipe_;
  std::uint16_t rtp_port_ = 0;
  bool strict_ = false;
  std::optional<net::PeerAddress> sdp_rtp_, sdp_rtcp_;  // from the SDP
  std::optional<net::PeerAddress> peer_rtp_, peer_rtcp_;  // where we send now
  bool latched_ = false;
  bool send_enabled_ = true, receive_enabled_ = true;
  int te_pt_ = -1;
  std::uint32_t te_clock_ = 8000;
  // Outgoing stream state, so injected DTMF continues it (RFC 4733 §2.1).
  std::uint32_t out_ssrc_ = 0, last_ts_ = 0;
  std::uint16_t last_out_seq_ = 0;  // last sequence number we sent
  std::uint16_t seq_offset_ = 0;    // added to relayed packets (one per injected)
  bool have_stream_ = false;
  std::chrono::steady_clock::time_point last_sent_{};
  std::deque<std::pair<char, unsigned>> dtmf_queue_;
  std::vector<DtmfPacket> dtmf_plan_;
  std::size_t dtmf_index_ = 0;
  std::chrono::steady_clock::time_point dtmf_start_{};
  boost::asio::steady_timer dtmf_timer_;
  bool dtmf_busy_ = false;
  DtmfReceiver dtmf_rx_;
  RtpLegCounters counters_;
};

}  // namespace gw::sip
