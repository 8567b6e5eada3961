// One browser leg of a gateway call, as its media shard sees it: ICE-lite
// checks answered with the leg's credentials (RFC 8445 §2.5), the nominated
// pair as the DTLS/SRTP remote, a media::Bridge for DTLS-SRTP <-> plain RTP,
// and what happens to the plain side: echoed back, replaced by a test tone,
// or handed to the peer leg of a bridged call. Consent freshness: a browser
// that sends no valid check for `consent_timeout` is gone (RFC 7675 §5.1).
// Thread: the owning MediaShard's thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dtls/certificate.hpp"
#include "gateway/api_events.hpp"
#include "gateway/call_sdp.hpp"
#include "gateway/dtmf_detector.hpp"
#include "gateway/leg_ice.hpp"
#include "gateway/tone_source.hpp"
#include "ice/lite_check.hpp"
#include "media/bridge.hpp"
#include "net/datagram_port.hpp"
#include "rtp/rtcp_report.hpp"
#include "util/clock.hpp"

namespace gw::gateway {

using LegId = std::uint64_t;

enum class LegMode : std::uint8_t { echo, tone, linked };

struct LegConfig {
  LegId id = 0;
  ice::LiteCredentials ice;
  dtls::Role setup = dtls::Role::passive;  // resolved DTLS role (active or passive)
  dtls::Fingerprint remote_fingerprint;
  std::shared_ptr<const dtls::Certificate> certificate;
  std::string codec;                        // for stats: "opus/48000/2"
  std::uint32_t clock_rate = 8000;          // of the main codec (RFC 3550 jitter)
  std::vector<TelephoneEventFormat> telephone_events;  // DTMF is detected on each
  std::uint8_t audio_level_ext = 0;         // RFC 6464 element id the browser sends (0: none)
  LegMode mode = LegMode::echo;
  std::uint8_t tone_pt = 0;                 // tone: PCMU (0) or PCMA (8)
  LegId peer = 0;                           // linked: the other leg (same shard)
  Duration consent_timeout = seconds(30);   // RFC 7675 §5.1
  Duration ice_timeout = seconds(30);       // no nomination by then: ICE failed
  // Port-range mode: the leg's own UDP socket (bound on the signaling
  // thread, used on the shard's); null: the shard's shared port.
  std::shared_ptr<net::DatagramPort> own_port;
  // Full-ICE mode: the leg's libnice agent and the browser's ICE parameters
  // (null: ICE-lite checks answered on the shard's or the leg's port).
  std::shared_ptr<LegIce> full_ice;
  RemoteIce remote_ice;
};

// What a leg reports to the signaling side (through its shard).
struct LegEvent {
  enum class Kind : std::uint8_t { ice_connected, media_ready, dtmf, stats, ended };
  LegId leg = 0;
  Kind kind = Kind::stats;
  std::string detail;     // ice_connected: remote address; media_ready: SRTP profile; ended: why
  EndReason reason = EndReason::error;  // ended
  DetectedDigit digit;    // dtmf
  CallStats stats;        // stats and ended
};

// The shard's services a leg uses.
class LegHost {
 public:
  virtual ~LegHost() = default;
  // `via`: the leg's own socket, or null for the shard's shared port.
  virtual void send_secure(ByteView data, const SocketAddress& to, net::DatagramPort* via) = 0;
  // Queues a plain RTP/RTCP packet for leg `to`, delivered after the current
  // packet is done (no re-entry into a bridge); `ssrc` rewrites the RTP SSRC.
  virtual void deliver_plain(LegId to, ByteView data, std::optional<std::uint32_t> ssrc) = 0;
  virtual void report(LegEvent event) = 0;
};

class MediaLeg : private media::Bridge::Output {
 public:
  static Result<std::unique_ptr<MediaLeg>> create(LegConfig config, LegHost& host, TimePoint now);
  ~MediaLeg() override;
  MediaLeg(const MediaLeg&) = delete;
  MediaLeg& operator=(const MediaLeg&) = delete;

  // A STUN Binding request addressed to this leg's ufrag. Returns true when
  // `from` is now a valid source of this leg (a successful check).
  bool on_check(ByteView packet, const stun::Message& request, const SocketAddress& from, TimePoint now);
  // A DTLS/SRTP/SRTCP datagram from a validated source.
  void on_secure(ByteView data, const SocketAddress& from, TimePoint now);
  // Full-ICE mode: a datagram the leg's agent received, its selected pair
  // (RFC 8445 §8.1.1), and its failure (checks exhausted or consent lost).
  void on_ice_data(ByteView data, TimePoint now);
  void on_ice_selected(const SocketAddress& remote);
  void on_ice_failed(TimePoint now);
  // Plain RTP/RTCP handed over by the peer leg (or by this leg, echo).
  void on_plain(ByteView data, TimePoint now);
  // 20 ms tick: tone, DTLS timers, consent, stats. False: the leg has ended.
  bool on_tick(TimePoint now);

  void set_hold(bool held) { held_ = held; }
  void close();  // DTLS close_notify (on hang-up)
  [[nodiscard]] CallStats stats(TimePoint now) const;
  [[nodiscard]] LegId id() const { return config_.id; }
  [[nodiscard]] const LegConfig& config() const { return config_; }
  [[nodiscard]] bool ended() const { return ended_; }

 private:
  MediaLeg(LegConfig config, LegHost& host, TimePoint now);
  void send(media::Port port, ByteView data, const media::PeerAddress& to) override;
  void on_plain_out(ByteView data);
  void drain_bridge_events(TimePoint now);
  void end(EndReason reason, std::string detail, TimePoint now);
  void send_tone(TimePoint now);
  // Towards the browser: SRs are remembered for the RTT (RFC 3550 §6.4.1).
  void to_browser(ByteView plain, TimePoint now);
  void send_sender_report(TimePoint now);
  // From the browser: RFC 6464 level, report blocks answering our SRs.
  void note_from_browser(ByteView plain, bool is_rtp);
  [[nodiscard]] LegEvent event(LegEvent::Kind kind, std::string detail = {}) const;

  LegConfig config_;
  LegHost& host_;
  std::unique_ptr<media::Bridge> bridge_;
  std::vector<DtmfDetector> dtmf_;
  std::unique_ptr<ToneSource> tone_;  // 8 KiB table: only tone legs have one
  std::uint32_t echo_ssrc_ = 0;
  TimePoint created_;
  std::optional<TimePoint> answered_;  // media ready
  std::optional<TimePoint> last_check_;
  std::optional<SocketAddress> selected_;
  std::optional<TimePoint> next_tone_;
  TimePoint next_stats_;
  bool held_ = false;
  bool ended_ = false;
  std::uint64_t held_drops_ = 0;
  std::vector<Bytes> unsent_;  // full ICE: sent before a pair was selected
  rtp::RoundTrip round_trip_;
  std::optional<Duration> rtt_;
  std::optional<std::uint8_t> level_dbov_;  // of the browser's latest packet
  std::uint32_t last_out_timestamp_ = 0;
  TimePoint next_sender_report_{};
};

}  // namespace gw::gateway
