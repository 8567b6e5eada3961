// One media loop of the gateway: a thread running an io_context that owns
// one UDP port shared by all its browser legs (mediasoup's WebRtcServer
// model): STUN checks are routed to a leg by the ICE username (RFC 8445
// §7.2.2), everything else by the source address a check validated. A 20 ms
// tick drives tones, DTLS timers, consent and stats. Both legs of a bridged
// call live on the same shard, so media never crosses a thread.
//
// Thread: create/stop and the command methods are called from the
// signaling thread; commands are posted to the shard's thread. The event
// sink runs on the shard's thread (the engine posts events onwards).
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "gateway/media_leg.hpp"
#include "gateway/plain_rtp_leg.hpp"
#include "net/datagram_port.hpp"

namespace gw::gateway {

struct ShardCounters {
  std::atomic<std::uint64_t> legs{0};
  std::atomic<std::uint64_t> stun_unknown_ufrag{0};   // checks for no leg of ours
  std::atomic<std::uint64_t> stun_malformed{0};
  std::atomic<std::uint64_t> unknown_source{0};       // non-STUN from an address no check validated
  std::atomic<std::uint64_t> plain_no_leg{0};         // plain packet for a leg that is gone
  std::atomic<std::uint64_t> wrong_port{0};           // on a leg's own port, but for another leg
  std::atomic<std::uint64_t> ice_no_leg{0};           // full ICE: data for a leg that is gone
  PlainDropCounters plain;                            // the SIP side's RTP legs
};

class MediaShard final : private LegHost, public IceLegSink {
 public:
  using EventSink = std::function<void(std::vector<LegEvent>)>;

  // Binds `bind` (port 0 picks one). The thread starts in start().
  static Result<std::unique_ptr<MediaShard>> open(unsigned index, const SocketAddress& bind, EventSink sink);
  ~MediaShard() override;
  MediaShard(const MediaShard&) = delete;
  MediaShard& operator=(const MediaShard&) = delete;

  void start();
  // Ends every leg (close_notify) and joins the thread.
  void stop();

  // Commands (any thread; run on the shard's thread in order).
  void add_legs(std::vector<LegConfig> legs);
  // A call's RTP leg towards SIP (its browser leg is added with add_legs).
  void add_plain_leg(PlainLegConfig leg);
  void update_plain_leg(LegId id, SipMedia remote);
  void remove_leg(LegId id);            // sends DTLS close_notify; no `ended` event
  void set_hold(LegId id, bool held);

  // IceLegSink (full-ICE mode; called on the GLib thread, posted here).
  void ice_data(LegId leg, Bytes data) override;
  void ice_selected(LegId leg, SocketAddress remote) override;
  void ice_failed(LegId leg) override;

  // RTP ports are bound on the signaling thread (before the SDP naming them
  // is sent) and used on this shard's thread once their leg is added.
  boost::asio::io_context& io() { return io_; }

  [[nodiscard]] unsigned index() const { return index_; }
  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] const ShardCounters& counters() const { return counters_; }
  [[nodiscard]] std::uint64_t leg_count() const { return counters_.legs.load(std::memory_order_relaxed); }

 private:
  MediaShard(unsigned index, EventSink sink);
  void on_datagram(ByteView data, const net::PeerAddress& from);
  void on_stun(ByteView data, const SocketAddress& from, TimePoint now);
  void on_leg_datagram(LegId leg, ByteView data, const net::PeerAddress& from);
  void route(ByteView data, const SocketAddress& source, std::optional<LegId> port_owner, TimePoint now);
  void after_input(TimePoint now);
  template <class F>
  void with_ice_leg(LegId leg, F f);
  void on_tick();
  void arm_tick();
  void drain_deferred(TimePoint now);
  void flush_events();
  void erase_leg(LegId id);

  // LegHost
  void send_secure(ByteView data, const SocketAddress& to, net::DatagramPort* via) override;
  void deliver_plain(LegId to, ByteView data, std::optional<std::uint32_t> ssrc) override;
  void report(LegEvent event) override;

  unsigned index_;
  EventSink sink_;
  boost::asio::io_context io_;
  std::unique_ptr<net::DatagramPort> port_socket_;
  std::uint16_t port_ = 0;
  std::optional<boost::asio::steady_timer> tick_;
  std::thread thread_;
  bool stopped_ = false;

  std::unordered_map<LegId, std::unique_ptr<MediaLeg>> legs_;
  std::unordered_map<LegId, std::unique_ptr<PlainRtpLeg>> plain_legs_;
  std::unordered_map<std::string, MediaLeg*> by_ufrag_;
  std::unordered_map<SocketAddress, MediaLeg*, SocketAddressHash> by_source_;
  std::unordered_map<LegId, std::vector<SocketAddress>> sources_of_;

  struct Deferred {
    LegId to = 0;
    std::size_t size = 0;
    std::array<std::uint8_t, 1500> data{};
  };
  std::deque<Deferred> deferred_;  // a deque: delivering may queue more without moving these
  std::size_t deferred_count_ = 0;
  bool draining_ = false;
  std::vector<LegEvent> events_;
  ShardCounters counters_;
};

}  // namespace gw::gateway
