// Full ICE (RFC 8445) for one browser leg, for `--ice-mode full`: a libnice
// agent (ice::Agent) on the media engine's one GLib thread, instead of the
// ICE-lite responder on the shard's port. The agent gathers host candidates
// at once (they go into our SDP) and server-reflexive/relayed ones later
// (trickled to the browser, RFC 8838), runs checks both ways, and keeps
// consent (RFC 7675). Datagrams it receives are posted to the leg's shard;
// the shard's thread sends through it (nice_agent_send takes the agent lock).
//
// Thread: open(), start_checks(), add_remote_candidate(), remote_done() and
// attach() on the signaling thread; send() on the owning shard's thread.
// Candidates are posted to the signaling io_context; data and state to the
// shard. The destructor never blocks: the agent is released on the GLib thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "ice/agent.hpp"
#include "sdp/candidate.hpp"
#include "util/bytes.hpp"
#include "util/result.hpp"
#include "util/socket_address.hpp"

namespace gw::gateway {

using LegId = std::uint64_t;

// What the agent tells the leg's shard (the shard's thread).
class IceLegSink {
 public:
  virtual ~IceLegSink() = default;
  virtual void ice_data(LegId leg, Bytes data) = 0;                    // any thread: posts
  virtual void ice_selected(LegId leg, SocketAddress remote) = 0;      // any thread: posts
  virtual void ice_failed(LegId leg) = 0;                              // any thread: posts
};

// The browser's ICE parameters (RFC 8839) from its SDP.
struct RemoteIce {
  std::string ufrag, pwd;
  std::vector<sdp::Candidate> candidates;
  bool end_of_candidates = false;
};

class LegIce {
 public:
  // nullopt: our gathering is complete (end-of-candidates).
  using CandidateHandler = std::function<void(std::uint64_t serial, std::optional<sdp::Candidate>)>;

  // Creates the agent with `config` (role, credentials, STUN/TURN, bind,
  // ports) and starts gathering. `on_candidate` runs on `signaling` for each
  // non-host candidate and at the end of gathering.
  static Result<std::shared_ptr<LegIce>> open(ice::GlibLoop& loop, ice::AgentConfig config,
                                              boost::asio::io_context& signaling, CandidateHandler on_candidate);
  ~LegIce();
  LegIce(const LegIce&) = delete;
  LegIce& operator=(const LegIce&) = delete;

  // Our host candidates (for the SDP), gathered when open() returned.
  [[nodiscard]] const std::vector<sdp::Candidate>& host_candidates() const { return host_; }
  [[nodiscard]] std::uint64_t serial() const { return serial_; }

  // The leg exists on its shard: data and state go there from now on.
  void attach(IceLegSink& sink, LegId leg);
  // The browser's credentials and candidates: checks start (RFC 8445 §6.1.4).
  Status start_checks(const RemoteIce& remote);
  // A trickled browser candidate (RFC 8838 §4.4); kept until start_checks.
  // mDNS/FQDN candidates are skipped; past 32 per leg they are refused.
  Status add_remote_candidate(const sdp::Candidate& candidate);
  void remote_done();  // the browser's end-of-candidates

  bool send(ByteView data);

  [[nodiscard]] std::uint64_t dropped_before_attach() const;

  struct Route;  // implementation detail, public for the agent's callbacks

 private:
  LegIce(std::uint64_t serial, std::shared_ptr<Route> route);

  std::uint64_t serial_;
  std::shared_ptr<Route> route_;
  std::unique_ptr<ice::Agent> agent_;
  std::vector<sdp::Candidate> host_;
  bool started_ = false;                       // signaling thread
  std::vector<sdp::Candidate> pending_;        // trickled before start_checks
  bool pending_done_ = false;
  std::size_t remote_count_ = 0;
  static constexpr std::size_t kMaxRemoteCandidates = 32;
};

}  // namespace gw::gateway
