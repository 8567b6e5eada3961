// The gateway's media side as the signaling thread sees it: N MediaShards
// (one thread and one UDP port each: base port + shard index), the DTLS
// identity shared by every leg, the host candidates each shard announces
// (its port on every advertised address), and leg events delivered back on
// the signaling io_context.
// Thread: every method on the signaling thread; `on_event` runs there too.
#pragma once

#include <functional>
#include <optional>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "dtls/certificate.hpp"
#include "gateway/leg_ice.hpp"
#include "gateway/media_shard.hpp"
#include "ice/config.hpp"
#include "ice/glib_loop.hpp"
#include "sdp/candidate.hpp"

namespace gw::gateway {

struct MediaEngineConfig {
  IpAddress bind = IpAddress::v4(0);   // media sockets
  std::uint16_t base_port = 0;         // shard i binds base_port + i (0: any free port)
  unsigned shards = 1;
  std::vector<IpAddress> advertise;    // candidate addresses; empty: bind address, or every interface
  // The private side's RTP (calls to and from SIP): a pair of ports per
  // call from [rtp_port_min, rtp_port_max], RTP on the even one.
  IpAddress rtp_bind = IpAddress::v4(0);
  std::uint16_t rtp_port_min = 20000, rtp_port_max = 29999;
  // Port-range mode for browser media: each leg gets its own port from
  // [min, max] on `bind` instead of sharing its shard's port.
  std::optional<std::pair<std::uint16_t, std::uint16_t>> leg_ports;
  // ICE for browser legs: lite (our own responder on the shard's port, the
  // default) or full (a libnice agent per leg on one GLib thread; design
  // brief §4, docs/ARCHITECTURE.md "ICE modes").
  enum class IceMode : std::uint8_t { lite, full } ice_mode = IceMode::lite;
  // Full mode: STUN/TURN for the gateway's own reflexive and relayed
  // candidates (numeric addresses); `leg_ports` becomes libnice's port range.
  std::optional<SocketAddress> ice_stun;
  std::optional<ice::RelayServer> ice_turn;
};

struct ShardStatus {
  unsigned index = 0;
  std::uint16_t port = 0;
  std::uint64_t legs = 0;
  // Counted drops (per-packet failures are counted, never thrown).
  std::uint64_t unknown_source = 0, stun_unknown_ufrag = 0, stun_malformed = 0, plain_no_leg = 0, wrong_port = 0;
  std::uint64_t ice_no_leg = 0;
  std::uint64_t plain_unmapped_pt = 0, plain_wrong_source = 0;  // the SIP side's RTP
};

class MediaEngine {
 public:
  using EventHandler = std::function<void(const LegEvent&)>;

  static Result<std::unique_ptr<MediaEngine>> create(boost::asio::io_context& signaling, MediaEngineConfig config,
                                                     EventHandler on_event);
  ~MediaEngine();
  MediaEngine(const MediaEngine&) = delete;
  MediaEngine& operator=(const MediaEngine&) = delete;

  // The shard with the fewest legs (ties: round robin).
  unsigned pick_shard();
  // Host candidates: the shard's port, or `own_port` in port-range mode.
  [[nodiscard]] std::vector<sdp::Candidate> candidates(unsigned shard, std::uint16_t own_port = 0) const;
  [[nodiscard]] bool per_leg_ports() const { return leg_ports_.has_value() && !full_ice(); }
  [[nodiscard]] bool full_ice() const { return glib_ != nullptr; }
  // Full-ICE mode: a libnice agent for one browser leg, gathering already
  // (host candidates ready). Offerer: controlling (RFC 8445 §6.1.1).
  Result<std::shared_ptr<LegIce>> open_leg_ice(ice::Role role, const std::string& ufrag, const std::string& pwd,
                                               LegIce::CandidateHandler on_candidate);
  // Port-range mode: a bound socket for one browser leg on `shard`.
  Result<std::shared_ptr<net::DatagramPort>> open_leg_port(unsigned shard);
  [[nodiscard]] const std::shared_ptr<const dtls::Certificate>& certificate() const { return certificate_; }
  LegId new_leg_id() { return ++last_leg_id_; }

  void add_legs(unsigned shard, std::vector<LegConfig> legs);
  // A bound RTP/RTCP pair on the private side for a leg on `shard`. Fails
  // when every pair of the range is in use.
  Result<std::shared_ptr<RtpPorts>> open_rtp_ports(unsigned shard);
  void add_plain_leg(unsigned shard, PlainLegConfig leg);
  void update_plain_leg(unsigned shard, LegId id, SipMedia remote);
  void remove_leg(unsigned shard, LegId id);
  void set_hold(unsigned shard, LegId id, bool held);
  void stop();

  [[nodiscard]] std::vector<ShardStatus> status() const;
  [[nodiscard]] const std::vector<IpAddress>& advertised() const { return advertise_; }

 private:
  MediaEngine(boost::asio::io_context& signaling, EventHandler on_event);
  void init_full_ice(const MediaEngineConfig& config);

  boost::asio::io_context& signaling_;
  EventHandler on_event_;
  std::shared_ptr<const dtls::Certificate> certificate_;
  std::vector<std::unique_ptr<MediaShard>> shards_;
  std::vector<IpAddress> advertise_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  LegId last_leg_id_ = 0;
  unsigned next_shard_ = 0;
  IpAddress rtp_bind_;
  std::uint16_t rtp_min_ = 20000, rtp_max_ = 29999, rtp_next_ = 20000;
  IpAddress bind_;
  std::optional<std::pair<std::uint16_t, std::uint16_t>> leg_ports_;
  std::uint16_t leg_next_ = 0;
  std::unique_ptr<ice::GlibLoop> glib_;  // full-ICE mode only
  ice::AgentConfig ice_template_;
};

// Addresses of the up, non-loopback interfaces (IPv4 first); loopback when
// there is nothing else. For candidates when bound to the wildcard address.
std::vector<IpAddress> interface_addresses();

}  // namespace gw::gateway
