#include "ice/pipe_session.hpp"

#include <boost/asio/post.hpp>

#include "ice/events_json.hpp"
#include "util/log.hpp"

namespace gw::ice {

namespace asio = boost::asio;

std::string_view to_string(EndReason r) {
  switch (r) {
    case EndReason::closed: return "closed";
    case EndReason::no_candidates: return "no-candidates";
    case EndReason::checks_failed: return "checks-failed";
    case EndReason::timeout: return "timeout";
    case EndReason::consent_lost: return "consent-lost";
    case EndReason::error: return "error";
  }
  return "unknown";
}

PipeSession::PipeSession(asio::io_context& io, GlibLoop& loop, SessionConfig config, EventSink events,
                         EndHandler on_end)
    : io_(io),
      loop_(loop),
      config_(std::move(config)),
      events_(std::move(events)),
      on_end_(std::move(on_end)),
      timer_(io) {}

PipeSession::~PipeSession() {
  timer_.cancel();
  agent_.reset();  // waits until the loop thread dropped the libnice agent
  if (pipe_) pipe_->close();
}

AgentCallbacks PipeSession::callbacks() {
  AgentCallbacks cb;
  const bool lite = config_.agent.lite, trickle = config_.agent.trickle;
  cb.on_local_credentials = [this, lite, trickle](const Credentials& c) {
    events_(credentials_event(c, lite, trickle));
  };
  cb.on_local_candidate = [this](const LocalCandidate& c) {
    ++local_candidates_;
    events_(candidate_event(c, config_.mid));
  };
  cb.on_gathering_done = [this] {
    events_(end_of_candidates_event(config_.mid));
    if (local_candidates_ == 0) end(EndReason::no_candidates, "gathering found no usable local address");
  };
  cb.on_state = [this](unsigned comp, State s) { on_state(comp, s); };
  cb.on_selected_pair = [this](const SelectedPair& p) { on_pair(p); };
  cb.on_data = [this](unsigned, Bytes data) { on_peer_data(std::move(data)); };
  cb.on_error = [this](const Error& e) {
    auto ev = make_event("error");
    ev["code"] = e.code;
    ev["message"] = e.message;
    events_(std::move(ev));
    if (e.code == "ice.gather") end(EndReason::error, e.message);
  };
  return cb;
}

Status PipeSession::start() {
  if (config_.pipe) {
    auto port = net::DatagramPort::open(io_, *config_.pipe);
    if (!port) return port.error();
    pipe_ = std::move(port.value());
    if (config_.pipe_remote) {
      if (auto st = pipe_->set_remote(*config_.pipe_remote); !st) return st;
    }
    pipe_->start([this](ByteView d, const net::PeerAddress& from) { on_pipe_data(d, from); });
    auto ev = make_event("pipe");
    ev["local"] = pipe_->local_endpoint().to_string();
    if (config_.pipe_remote) ev["remote"] = config_.pipe_remote->to_string();
    events_(std::move(ev));
  }
  auto agent = Agent::create(loop_, config_.agent, callbacks(),
                             [this](std::function<void()> f) { asio::post(io_, std::move(f)); });
  if (!agent) return agent.error();
  agent_ = std::move(agent.value());
  agent_->start();
  arm_timer();
  return {};
}

void PipeSession::arm_timer() {
  if (config_.connect_timeout.count() <= 0) return;
  timer_.expires_after(config_.connect_timeout);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || has_pair_) return;
    end(EndReason::timeout, heard_from_peer_ ? "connectivity checks did not succeed in time"
                                             : "no remote ICE parameters arrived in time");
  });
}

void PipeSession::on_state(unsigned component, State s) {
  events_(state_event(component, s));
  if (s != State::failed) return;
  if (has_pair_) {
    end(EndReason::consent_lost, "the peer stopped answering consent checks (RFC 7675)");
  } else {
    end(EndReason::checks_failed, "every candidate pair failed its connectivity checks");
  }
}

void PipeSession::on_pair(const SelectedPair& p) {
  events_(selected_pair_event(p));
  has_pair_ = true;
  timer_.cancel();
  flush_to_peer();
}

void PipeSession::on_peer_data(Bytes data) {
  ++counters_.from_peer_packets;
  counters_.from_peer_bytes += data.size();
  if (!pipe_) return;
  if (pipe_->remote()) {
    pipe_->send(data);
  } else if (to_pipe_.size() < config_.queue_limit) {
    to_pipe_.push_back(std::move(data));
  } else {
    ++counters_.dropped_to_pipe;
  }
}

void PipeSession::on_pipe_data(ByteView data, const net::PeerAddress& from) {
  if (!config_.pipe_remote && (!pipe_->remote() || *pipe_->remote() != from)) {
    pipe_->set_remote(from);  // learn the latest local sender
    flush_to_pipe();
  }
  if (!has_pair_) {
    if (to_peer_.size() < config_.queue_limit) {
      to_peer_.emplace_back(data.begin(), data.end());
    } else {
      ++counters_.dropped_to_peer;
    }
    return;
  }
  send_to_peer(data);
}

void PipeSession::send_to_peer(ByteView data) {
  if (agent_ && agent_->send(data)) {
    ++counters_.to_peer_packets;
    counters_.to_peer_bytes += data.size();
  } else {
    ++counters_.dropped_to_peer;
  }
}

void PipeSession::flush_to_peer() {
  while (!to_peer_.empty()) {
    send_to_peer(to_peer_.front());
    to_peer_.pop_front();
  }
}

void PipeSession::flush_to_pipe() {
  while (!to_pipe_.empty() && pipe_->remote()) {
    pipe_->send(to_pipe_.front());
    to_pipe_.pop_front();
  }
}

void PipeSession::handle_line(std::string_view line) {
  auto cmd = parse_command(line);
  Status st = cmd ? apply(*cmd) : Status(cmd.error());
  if (!st) {
    auto ev = make_event("error");
    ev["code"] = st.error().code;
    ev["message"] = st.error().message;
    ev["input"] = std::string(line.substr(0, 200));
    events_(std::move(ev));
  }
}

Status PipeSession::apply(const Command& cmd) {
  if (!agent_) return make_error("ice.not-started", "the session has not started");
  if (const auto* c = std::get_if<RemoteCredentialsCmd>(&cmd)) {
    heard_from_peer_ = true;
    return agent_->set_remote_credentials(c->credentials);
  }
  if (const auto* c = std::get_if<RemoteCandidateCmd>(&cmd)) {
    heard_from_peer_ = true;
    return agent_->add_remote_candidate(c->candidate);
  }
  if (std::holds_alternative<EndOfCandidatesCmd>(cmd)) {
    agent_->remote_gathering_done();
    return {};
  }
  if (const auto* c = std::get_if<RemoteSdpCmd>(&cmd)) {
    auto remote = remote_from_sdp(c->sdp);
    if (!remote) return remote.error();
    return apply_remote(*remote);
  }
  if (std::holds_alternative<RestartCmd>(cmd)) {
    agent_->restart();
    return {};
  }
  if (std::holds_alternative<StatsCmd>(cmd)) {
    events_(stats_event());
    return {};
  }
  end(EndReason::closed, "close command");
  return {};
}

Status PipeSession::apply_remote(const RemoteDescription& remote) {
  if (!agent_) return make_error("ice.not-started", "the session has not started");
  if (remote.ice_lite && agent_->config().role == Role::controlled) {
    GW_LOG(warn) << "the peer is ice-lite but we are controlled: nobody will send checks (RFC 8445 §6.1.1)";
  }
  heard_from_peer_ = true;
  if (auto st = agent_->set_remote_credentials(remote.credentials); !st) return st;
  for (const auto& c : remote.candidates) {
    if (auto st = agent_->add_remote_candidate(c); !st) {
      GW_LOG(warn) << "remote SDP: skipped candidate '" << c.to_value() << "': " << st.error().message;
    }
  }
  if (remote.end_of_candidates) agent_->remote_gathering_done();
  return {};
}

json::object PipeSession::stats_event() const {
  auto ev = make_event("stats");
  ev["from_peer_packets"] = counters_.from_peer_packets;
  ev["from_peer_bytes"] = counters_.from_peer_bytes;
  ev["to_peer_packets"] = counters_.to_peer_packets;
  ev["to_peer_bytes"] = counters_.to_peer_bytes;
  ev["dropped_to_peer"] = counters_.dropped_to_peer;
  ev["dropped_to_pipe"] = counters_.dropped_to_pipe;
  if (pipe_) {
    ev["pipe_rx_packets"] = pipe_->counters().rx_packets;
    ev["pipe_tx_packets"] = pipe_->counters().tx_packets;
    ev["pipe_tx_backlogged"] = pipe_->counters().tx_backlogged;  // the pipe's reader was behind
    ev["pipe_tx_dropped"] = pipe_->counters().tx_dropped;
    ev["pipe_tx_errors"] = pipe_->counters().tx_errors;
  }
  return ev;
}

void PipeSession::end(EndReason reason, std::string message) {
  if (ended_) return;
  ended_ = true;
  timer_.cancel();
  if (reason != EndReason::closed) {
    auto ev = make_event("failed");
    ev["reason"] = std::string(to_string(reason));
    ev["message"] = message;
    events_(std::move(ev));
  }
  if (on_end_) on_end_(SessionEnd{reason, std::move(message), heard_from_peer_});
}

}  // namespace gw::ice
