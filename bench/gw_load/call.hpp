// One simulated browser call: its own UDP socket (ICE, DTLS, SRTP muxed,
// RFC 7983), an IceClient, and a media::Bridge whose secure side is the
// socket and whose plain side is this object: we feed it one PCMU packet per
// 20 ms and count what the echo sends back. Driven by the worker's tick.
// Thread: the worker's io_context thread only.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ice_client.hpp"
#include "media/bridge.hpp"
#include "net/datagram_port.hpp"
#include "sdp_offer.hpp"
#include "stats.hpp"

namespace gw::load {

struct CallContext {
  std::shared_ptr<const dtls::Certificate> certificate;
  IpAddress bind;
  std::string codec = "PCMU";
  Histogram* rtt = nullptr;                            // the worker's
  std::atomic<std::uint64_t>* packets_sent = nullptr;  // the worker's, read by the main thread
};

struct MediaCounters {
  std::uint64_t sent = 0, received = 0;    // received: distinct echoed packets
  std::uint64_t duplicates = 0, late = 0;  // late: arrived after a later one (reordered)
  std::uint64_t foreign = 0;               // not ours: another call's payload (misrouted)
  std::uint64_t unmarked = 0;              // RTP without our payload marker (not an echo)
  std::uint64_t rtcp = 0;
  std::uint64_t highest_echoed = 0;        // index of the newest echoed packet + 1 (0: none)
};

class Call : public media::Bridge::Output {
 public:
  enum class Phase : std::uint8_t { offering, ice, dtls, up, failed, closed };
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void on_settled(Call& call) = 0;  // up, or failed before being up
  };

  static Result<std::unique_ptr<Call>> create(boost::asio::io_context& io, std::uint32_t index,
                                              const CallContext& ctx, Listener& listener);
  ~Call() override;
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;

  [[nodiscard]] const std::string& offer() const { return offer_; }
  void on_answer(std::string_view sdp, TimePoint now);
  void fail(const std::string& reason);
  // ICE (re)transmissions and consent, DTLS timers, and one RTP packet when
  // `send_media` and the call is up.
  void tick(TimePoint now, bool send_media);
  // Stops sending media (echoes are still counted).
  void stop_media() { media_stopped_ = true; }
  // Stops media and sends DTLS close_notify; the socket stays open so late
  // echoes are still counted until close().
  void hangup();
  void close();

  [[nodiscard]] Phase phase() const { return phase_; }
  [[nodiscard]] std::uint32_t index() const { return index_; }
  [[nodiscard]] const std::string& failure() const { return failure_; }
  [[nodiscard]] const MediaCounters& media() const { return media_; }
  [[nodiscard]] const IceCounters* ice() const { return ice_ ? &ice_->counters() : nullptr; }
  [[nodiscard]] std::optional<double> ice_ms() const;
  [[nodiscard]] std::optional<double> dtls_ms() const;
  [[nodiscard]] bool was_up() const { return dtls_done_ != TimePoint{}; }
  [[nodiscard]] bool peer_gone() const { return peer_gone_; }
  [[nodiscard]] bool consent_lost() const { return ice_ && ice_->consent_lost(); }
  [[nodiscard]] std::uint64_t srtp_drops() const;

  std::string call_id;       // the gateway's, from the 201 body
  std::string srtp_profile;  // negotiated by DTLS (RFC 5764 §4.1.2), SDES name
  double setup_ms = -1;      // POST written -> 201 read

 private:
  Call(std::uint32_t index, const CallContext& ctx, Listener& listener);
  void send(media::Port port, ByteView data, const media::PeerAddress& to) override;
  void on_datagram(ByteView data, const net::PeerAddress& from);
  void after_bridge(TimePoint now);
  void settle(Phase phase);
  void send_rtp(TimePoint now);
  void on_echo(ByteView packet, TimePoint now);

  std::uint32_t index_;
  const CallContext& ctx_;
  Listener& listener_;
  std::unique_ptr<net::DatagramPort> port_;
  std::string offer_, ufrag_, pwd_;
  std::uint32_t ssrc_ = 0;
  std::uint8_t pt_ = 0;
  std::uint16_t rtp_seq_ = 0;
  std::uint32_t rtp_ts_ = 0;
  std::optional<IceClient> ice_;
  std::unique_ptr<media::Bridge> bridge_;
  Phase phase_ = Phase::offering;
  std::string failure_;
  bool media_stopped_ = false, peer_gone_ = false;
  TimePoint answered_{}, ice_done_{}, dtls_done_{};
  MediaCounters media_;
  std::uint32_t highest_ = 0;
  std::vector<bool> seen_;  // by our packet number
};

}  // namespace gw::load
