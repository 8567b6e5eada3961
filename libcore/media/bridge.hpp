// One call's media bridge: a secure side (DTLS-SRTP or SDES-keyed SRTP, with
// DTLS/SRTP/SRTCP multiplexed on one port, RFC 7983 + RFC 5761) and a plain
// side (RTP, RTCP on its own port or muxed). Sans-IO: the owner feeds
// received datagrams with their source and `now`, and gets sends through
// Output, events through take_events() and a deadline for on_timer().
// Everything dropped is counted by reason (bridge_stats.hpp), never thrown.
//
// Remote addresses: given (set_remote), or learnt from the first
// authenticated SRTP/DTLS packet (secure side) or first valid RTP/RTCP
// (plain side). With strict_source, packets from any other source are
// dropped and counted (no RTP bleed); without it the remote follows the
// latest authenticated source (NAT rebinding) and plain packets from other
// sources are still forwarded.
//
// Thread: one thread at a time — the loop that owns the call's sockets.
// webrtc-gw runs many Bridges per loop.
#pragma once

#include <array>
#include <span>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "dtls/endpoint.hpp"
#include "media/bridge_stats.hpp"
#include "net/datagram_port.hpp"
#include "srtp/sdes.hpp"
#include "srtp/session.hpp"
#include "util/clock.hpp"
#include "util/json_output.hpp"
#include "util/result.hpp"

namespace gw::media {

using net::PeerAddress;

enum class Port : std::uint8_t { secure, plain_rtp, plain_rtcp };
std::string_view port_name(Port p);

struct BridgeConfig {
  enum class Keying : std::uint8_t { dtls, sdes };
  Keying keying = Keying::dtls;
  // DTLS: `setup` may be actpass (passive until set_remote_setup says otherwise).
  dtls::Role setup = dtls::Role::actpass;
  dtls::EndpointConfig dtls;  // role is taken from `setup`
  // SDES: our key protects what we send, theirs unprotects what we receive.
  std::optional<srtp::CryptoAttribute> sdes_local;
  std::optional<srtp::CryptoAttribute> sdes_remote;

  bool plain_rtcp_mux = false;
  bool strict_source = false;
  std::uint32_t clock_rate = 8000;     // for RFC 3550 jitter
  Duration peer_timeout{};             // 0: off. No valid secure packet for this long -> PeerGone
  std::uint32_t replay_window = 1024;
  // Free the DTLS endpoint once the peer's first authenticated SRTP/SRTCP
  // shows it has finished the handshake (~70 KiB per call in OpenSSL 3).
  // Afterwards close() sends no close_notify and DTLS from the peer is
  // dropped (counted as unknown): the owner must watch liveness itself
  // (webrtc-gw: ICE consent, RFC 7675).
  bool retire_dtls = false;
};

namespace event {
struct HandshakeDone {
  srtp::Profile profile;
  dtls::Fingerprint peer_fingerprint;
  std::string cipher;
};
struct Failed {
  dtls::FailureReason reason;
  std::string detail;
};
struct PeerGone {
  std::string reason;  // "close_notify" or "timeout"
};
struct RemoteLearnt {
  Port port;
  PeerAddress address;
};
}  // namespace event
using BridgeEvent = std::variant<event::HandshakeDone, event::Failed, event::PeerGone, event::RemoteLearnt>;

class Bridge {
 public:
  // Where the bridge's packets go; implemented by the owner (sockets).
  class Output {
   public:
    virtual ~Output() = default;
    virtual void send(Port port, ByteView data, const PeerAddress& to) = 0;
  };

  static constexpr std::size_t kMaxPacket = 4096;

  static Result<std::unique_ptr<Bridge>> create(BridgeConfig config, Output& out);
  ~Bridge();
  Bridge(const Bridge&) = delete;
  Bridge& operator=(const Bridge&) = delete;

  void start(TimePoint now);
  void on_secure(ByteView data, const PeerAddress& from, TimePoint now);
  void on_plain(ByteView data, const PeerAddress& from, bool rtcp_port, TimePoint now);
  void on_timer(TimePoint now);
  [[nodiscard]] std::optional<TimePoint> next_deadline() const;
  // Sends DTLS close_notify when connected.
  void close();

  // Control (e.g. from the JSON commands on stdin). For plain_rtp without
  // RTCP mux, the RTCP remote defaults to port+1 (RFC 3550 §11).
  void set_remote(Port port, const PeerAddress& address, TimePoint now);
  Status set_remote_fingerprint(const dtls::Fingerprint& fp);
  Status set_remote_setup(dtls::Role remote, TimePoint now);

  std::vector<BridgeEvent> take_events() { return std::exchange(events_, {}); }
  [[nodiscard]] const BridgeCounters& counters() const { return counters_; }
  // The stats JSON object (without "event"); `close_interval` for RFC 3550 fractions.
  json::object stats_json(bool close_interval);
  [[nodiscard]] bool keys_ready() const { return inbound_.has_value() && outbound_.has_value(); }
  [[nodiscard]] const std::optional<PeerAddress>& remote(Port p) const { return remotes_[index(p)]; }
  [[nodiscard]] const dtls::Endpoint* dtls() const { return dtls_.get(); }

 private:
  Bridge(BridgeConfig config, Output& out);
  static std::size_t index(Port p) { return static_cast<std::size_t>(p); }
  Status install_keys(srtp::Profile profile, ByteView local, srtp::Profile remote_profile, ByteView remote);
  void maybe_start_dtls(TimePoint now);
  void on_dtls(ByteView data, const PeerAddress& from, TimePoint now);
  void pump_dtls();
  void on_srtp(ByteView data, const PeerAddress& from, bool rtcp, TimePoint now);
  void on_plain_rtp(ByteView data, const PeerAddress& from, TimePoint now);
  void on_plain_rtcp(ByteView data, const PeerAddress& from, Port port);
  // Source policy: true to accept; latches/relatches when `authenticated`.
  bool accept_source(Port port, const PeerAddress& from, bool authenticated, DropCounters& drops);
  void learn(Port port, const PeerAddress& from);
  void send(Port port, ByteView data, DropCounters& drops);
  Port plain_rtcp_port() const { return config_.plain_rtcp_mux ? Port::plain_rtp : Port::plain_rtcp; }

  BridgeConfig config_;
  Output& out_;
  std::unique_ptr<dtls::Endpoint> dtls_;
  bool started_ = false;
  std::optional<srtp::Session> inbound_;
  std::optional<srtp::Session> outbound_;
  std::optional<srtp::Profile> profile_;
  std::array<std::optional<PeerAddress>, 3> remotes_;
  std::array<bool, 3> configured_{};  // given by the user, not learnt
  std::optional<TimePoint> last_secure_rx_;
  bool peer_gone_ = false;
  bool dtls_retired_ = false;
  BridgeCounters counters_;
  std::vector<BridgeEvent> events_;
  // Per-thread scratch for (un)protecting in place: one buffer per loop, not
  // per call (webrtc-gw holds thousands of bridges per loop). A bridge's
  // output must not re-enter another bridge on the same thread while it
  // still reads the packet it was handed (webrtc-gw defers such hand-overs).
  static std::span<std::uint8_t> scratch();
};

}  // namespace gw::media
