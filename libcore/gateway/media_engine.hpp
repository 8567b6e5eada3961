// The gateway's media side as the signaling thread sees it: N MediaShards
// (one thread and one UDP port each: base port + shard index), the DTLS
// identity shared by every leg, the host candidates each shard announces
// (its port on every advertised address), and leg events delivered back on
// the signaling io_context.
// Thread: every method on the signaling thread; `on_event` runs there too.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "dtls/certificate.hpp"
#include "gateway/media_shard.hpp"
#include "sdp/candidate.hpp"

namespace gw::gateway {

struct MediaEngineConfig {
  IpAddress bind = IpAddress::v4(0);   // media sockets
  std::uint16_t base_port = 0;         // shard i binds base_port + i (0: any free port)
  unsigned shards = 1;
  std::vector<IpAddress> advertise;    // candidate addresses; empty: bind address, or every interface
};

struct ShardStatus {
  unsigned index = 0;
  std::uint16_t port = 0;
  std::uint64_t legs = 0;
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
  [[nodiscard]] std::vector<sdp::Candidate> candidates(unsigned shard) const;
  [[nodiscard]] const std::shared_ptr<const dtls::Certificate>& certificate() const { return certificate_; }
  LegId new_leg_id() { return ++last_leg_id_; }

  void add_legs(unsigned shard, std::vector<LegConfig> legs);
  void remove_leg(unsigned shard, LegId id);
  void set_hold(unsigned shard, LegId id, bool held);
  void stop();

  [[nodiscard]] std::vector<ShardStatus> status() const;
  [[nodiscard]] const std::vector<IpAddress>& advertised() const { return advertise_; }

 private:
  MediaEngine(boost::asio::io_context& signaling, EventHandler on_event);

  boost::asio::io_context& signaling_;
  EventHandler on_event_;
  std::shared_ptr<const dtls::Certificate> certificate_;
  std::vector<std::unique_ptr<MediaShard>> shards_;
  std::vector<IpAddress> advertise_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  LegId last_leg_id_ = 0;
  unsigned next_shard_ = 0;
};

// Addresses of the up, non-loopback interfaces (IPv4 first); loopback when
// there is nothing else. For candidates when bound to the wildcard address.
std::vector<IpAddress> interface_addresses();

}  // namespace gw::gateway
