// One ICE agent (RFC 8445) over libnice: one stream, one component by
// default (rtcp-mux). Local credentials and candidates come out as events,
// trickled as they are gathered (RFC 8838); remote credentials and
// candidates go in, trickled too; the selected pair carries datagrams.
// GLib and libnice stay behind the pimpl.
//
// Thread: the agent lives on a GlibLoop's thread; every libnice signal is
// handled there. Public methods may be called from any thread: they validate
// their input at once, then post the work to the loop. send() calls libnice
// directly (nice_agent_send takes the agent lock). Callbacks are handed to
// `deliver` (e.g. asio::post to the caller's io_context); without one they
// run on the loop thread. The destructor waits for the loop to drop the agent.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ice/config.hpp"
#include "ice/glib_loop.hpp"
#include "sdp/candidate.hpp"
#include "util/bytes.hpp"
#include "util/result.hpp"

namespace gw::ice {

// Component states as libnice reports them (RFC 8445 §6.1.3 / §8).
enum class State : std::uint8_t { disconnected, gathering, connecting, connected, ready, failed };
std::string_view to_string(State s);

struct Credentials {
  std::string ufrag, pwd;
  friend bool operator==(const Credentials&, const Credentials&) = default;
};

// A local candidate as announced: the address may be an advertised one.
struct LocalCandidate {
  sdp::Candidate candidate;
  std::optional<std::string> base_address;  // the real address when advertised
};

struct SelectedPair {
  unsigned component = 1;
  sdp::Candidate local, remote;
  std::optional<std::string> local_advertised;  // what we announced for `local`
  std::optional<double> rtt_ms;                 // libnice 0.1.21 does not expose it
};

struct AgentCallbacks {
  std::function<void(const Credentials&)> on_local_credentials;  // at start and restart
  std::function<void(const LocalCandidate&)> on_local_candidate;
  std::function<void()> on_gathering_done;                         // local end-of-candidates
  std::function<void(unsigned component, State)> on_state;
  std::function<void(const SelectedPair&)> on_selected_pair;
  std::function<void(unsigned component, Bytes data)> on_data;    // from the peer
  std::function<void(const Error&)> on_error;                      // e.g. relay setup failed
};

// Runs a callback on the caller's thread; default: inline on the loop thread.
using Deliver = std::function<void(std::function<void()>)>;

class Agent {
 public:
  // Creates the libnice agent and its stream on `loop` (started here if
  // needed). Fails on a configuration libnice refuses.
  static Result<std::unique_ptr<Agent>> create(GlibLoop& loop, AgentConfig config, AgentCallbacks callbacks,
                                               Deliver deliver = {});
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  // Announces the local credentials and starts gathering.
  void start();

  // Remote ICE parameters (RFC 8839). New credentials after earlier ones mean
  // the peer restarted ICE (RFC 8445 §9): the agent restarts too and announces
  // fresh local credentials. Returns an error for invalid input (nothing posted).
  Status set_remote_credentials(const Credentials& remote);
  Status add_remote_candidate(const sdp::Candidate& candidate);
  // The peer's end-of-candidates (RFC 8838 §4.2): lets checks end in failure.
  void remote_gathering_done();
  // Local ICE restart (RFC 8445 §9): new local credentials, checks start over
  // when the peer's new credentials arrive.
  void restart();

  // Sends on the selected pair of `component`; false when none is selected.
  // Not after close_async().
  bool send(ByteView data, unsigned component = 1);

  // The local candidates gathered so far (host ones once start() has run):
  // a round trip to the loop thread.
  std::vector<LocalCandidate> local_candidates();
  // Drops every later callback and releases the agent on the loop thread
  // without waiting for it (TURN allocations take up to 1 s to release); the
  // destructor then returns at once. For callers that must not block.
  void close_async();

  [[nodiscard]] const AgentConfig& config() const;

  struct Impl;  // implementation detail (libnice side), public for its trampolines

 private:
  explicit Agent(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace gw::ice
