// One ICE session whose selected flow is exposed as a local packet port
// (design brief §5): what the peer sends goes out of the pipe, what arrives
// on the pipe goes to the peer. Applies the command set of ice/commands.hpp,
// turns agent callbacks into JSON events, and decides how the session ends:
// checks failed or timed out (RFC 8445 §8.1), consent lost (RFC 7675 §5.1).
// Datagrams that arrive before there is somewhere to send them wait in small
// queues (before the pair is selected; before the pipe's peer is known).
//
// Thread: the io_context's thread only. The agent runs on `loop` and posts
// its callbacks here (asio::post), so no state is shared between threads.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "ice/agent.hpp"
#include "ice/commands.hpp"
#include "ice/remote_description.hpp"
#include "net/datagram_port.hpp"
#include "util/endpoint.hpp"
#include "util/json_output.hpp"

namespace gw::ice {

struct SessionConfig {
  AgentConfig agent;
  std::optional<Endpoint> pipe;         // local packet port to bind
  std::optional<Endpoint> pipe_remote;  // where pipe output goes (default: learnt)
  std::chrono::milliseconds connect_timeout{30000};  // until a pair is selected; 0 = none
  std::string mid = "0";                // reported with local candidates
  std::size_t queue_limit = 64;         // datagrams held per direction
};

enum class EndReason : std::uint8_t {
  closed,         // "close" command
  no_candidates,  // gathering found no local candidate
  checks_failed,  // every pair failed (after the peer's end-of-candidates)
  timeout,        // no pair selected within connect_timeout
  consent_lost,   // the selected pair stopped answering (RFC 7675)
  error,          // the agent could not work (gathering, bind)
};
std::string_view to_string(EndReason r);

struct SessionEnd {
  EndReason reason = EndReason::closed;
  std::string message;
  bool heard_from_peer = false;  // any remote parameter arrived
};

struct SessionCounters {
  std::uint64_t from_peer_packets = 0, from_peer_bytes = 0, to_peer_packets = 0, to_peer_bytes = 0;
  std::uint64_t dropped_to_peer = 0, dropped_to_pipe = 0;
};

class PipeSession {
 public:
  using EventSink = std::function<void(json::object)>;
  using EndHandler = std::function<void(const SessionEnd&)>;

  PipeSession(boost::asio::io_context& io, GlibLoop& loop, SessionConfig config, EventSink events,
              EndHandler on_end);
  ~PipeSession();
  PipeSession(const PipeSession&) = delete;
  PipeSession& operator=(const PipeSession&) = delete;

  // Binds the pipe, creates the agent, starts gathering and the timer.
  Status start();
  // One JSON command line; a bad one becomes an "error" event, never a stop.
  void handle_line(std::string_view line);
  Status apply(const Command& cmd);
  Status apply_remote(const RemoteDescription& remote);

  [[nodiscard]] json::object stats_event() const;
  [[nodiscard]] bool has_pair() const { return has_pair_; }
  [[nodiscard]] const SessionCounters& counters() const { return counters_; }

 private:
  void on_state(unsigned component, State s);
  void on_pair(const SelectedPair& p);
  void on_peer_data(Bytes data);
  void on_pipe_data(ByteView data, const net::PeerAddress& from);
  void send_to_peer(ByteView data);
  void flush_to_peer();
  void flush_to_pipe();
  void arm_timer();
  void end(EndReason reason, std::string message);
  AgentCallbacks callbacks();

  boost::asio::io_context& io_;
  GlibLoop& loop_;
  SessionConfig config_;
  EventSink events_;
  EndHandler on_end_;
  std::unique_ptr<Agent> agent_;
  std::unique_ptr<net::DatagramPort> pipe_;
  boost::asio::steady_timer timer_;
  std::deque<Bytes> to_peer_, to_pipe_;
  SessionCounters counters_;
  std::size_t local_candidates_ = 0;
  bool has_pair_ = false, heard_from_peer_ = false, ended_ = false;
};

}  // namespace gw::ice
