// ice-session: one ICE agent (RFC 8445, libnice) on the command line. Local
// ICE parameters go out as JSON events (or SDP lines), remote ones come in as
// JSON Lines commands on stdin or from an SDP file, and the selected flow is
// piped to a local packet port. The logic is gw::ice::PipeSession; this file
// parses options and runs the loops. See man/ice-session.1.
//
// Threads: the main thread runs the Asio io_context (pipe port, stdin lines,
// signals, timers, event output); the ice::GlibLoop thread runs libnice.
// They meet only through posted closures (see ice/agent.hpp).
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "ice/glib_loop.hpp"
#include "ice/pipe_session.hpp"
#include "net/datagram_port.hpp"
#include "net/signals.hpp"
#include "sip/stdin_lines.hpp"
#include "util/cli.hpp"
#include "util/log.hpp"

namespace {

using namespace gw;
namespace asio = boost::asio;

struct Options {
  cli::CommonOptions common;
  bool controlling = false, controlled = false, lite = false, tcp = false, no_udp = false;
  std::string stun, turn, turn_user, turn_password, turn_transport = "udp";
  std::vector<std::string> bind, advertise;
  std::string port_range, pipe, pipe_remote, remote_sdp, mid = "0";
  double timeout = 30;
};

void add_options(CLI::App& app, Options& o) {
  auto* ctl = app.add_flag("--controlling", o.controlling, "Take the controlling role (default, unless --lite or --remote-sdp)");
  app.add_flag("--controlled", o.controlled, "Take the controlled role")->excludes(ctl);
  app.add_flag("--lite", o.lite, "ICE lite (RFC 8445 §2.5): host candidates only, controlled");
  app.add_option("--stun", o.stun, "STUN server HOST[:PORT] for server-reflexive candidates (port 3478)");
  app.add_option("--turn", o.turn, "TURN server HOST[:PORT] for relayed candidates (port 3478)");
  app.add_option("--turn-user", o.turn_user, "TURN user name");
  app.add_option("--turn-password", o.turn_password, "TURN password");
  app.add_option("--turn-transport", o.turn_transport, "Transport to the TURN server")
      ->check(CLI::IsMember({"udp", "tcp", "tls"}))->capture_default_str();
  app.add_flag("--tcp", o.tcp, "Also ICE-TCP host candidates, passive and active (RFC 6544)");
  app.add_flag("--no-udp", o.no_udp, "No UDP candidates (with --tcp)");
  app.add_option("--bind", o.bind, "Local address to gather on (repeatable; default: all interfaces)");
  app.add_option("--advertise", o.advertise,
                 "Announce host candidates with PUBLIC_IP, or LOCAL_IP=PUBLIC_IP (repeatable; 1:1 NAT)");
  app.add_option("--port-range", o.port_range, "Local UDP/TCP ports MIN-MAX");
  app.add_option("--pipe", o.pipe, "Local packet port for the selected flow: udp:HOST:PORT or unix:PATH");
  app.add_option("--pipe-remote", o.pipe_remote, "Where pipe output goes (default: the last local sender)");
  app.add_option("--remote-sdp", o.remote_sdp, "The peer's SDP offer or answer (file; '-' is not stdin)");
  app.add_option("--mid", o.mid, "Media id reported with local candidates (default: the remote SDP's, else 0)");
  app.add_option("--timeout", o.timeout, "Seconds to select a pair before giving up (0: never)")->capture_default_str();
}

Result<SocketAddress> resolve(const std::string& text, const char* what) {
  auto hp = parse_host_port(text);
  if (!hp) return make_error("usage", std::string(what) + " '" + text + "': " + hp.error().message);
  auto ip = net::resolve_host(hp->host);
  if (!ip) return make_error("usage", std::string(what) + " '" + text + "': " + ip.error().message);
  return SocketAddress{*ip, hp->port.value_or(3478)};
}

Status fill_addresses(const Options& o, ice::AgentConfig& a) {
  for (const auto& b : o.bind) {
    auto ip = IpAddress::parse(b);
    if (!ip) return make_error("usage", "--bind '" + b + "' is not an IP address");
    a.bind.push_back(*ip);
  }
  for (const auto& adv : o.advertise) {
    auto m = ice::parse_address_mapping(adv);
    if (!m) return make_error("usage", "--advertise: " + m.error().message);
    a.advertise.push_back(*m);
  }
  if (!o.port_range.empty()) {
    unsigned lo = 0, hi = 0;
    char dash = 0;
    std::istringstream in(o.port_range);
    if (!(in >> lo >> dash >> hi) || dash != '-' || lo == 0 || hi < lo || hi > 65535 || !in.eof()) {
      return make_error("usage", "--port-range must be MIN-MAX, 1 <= MIN <= MAX <= 65535");
    }
    a.port_min = static_cast<std::uint16_t>(lo);
    a.port_max = static_cast<std::uint16_t>(hi);
  }
  return {};
}

Result<ice::SessionConfig> make_config(const Options& o, const std::optional<ice::RemoteDescription>& remote) {
  ice::SessionConfig c;
  auto& a = c.agent;
  a.lite = o.lite;
  a.tcp = o.tcp;
  a.udp = !o.no_udp;
  if (!a.udp && !a.tcp) return make_error("usage", "--no-udp needs --tcp");
  // RFC 8445 §6.1.1: lite agents are controlled; a full agent facing a lite
  // one controls; otherwise the offerer controls (the remote SDP is an offer).
  a.role = ice::Role::controlling;
  if (o.controlled || o.lite || (remote && !remote->ice_lite)) a.role = ice::Role::controlled;
  if (o.controlling) a.role = ice::Role::controlling;
  if (o.lite && o.controlling) return make_error("usage", "--lite agents are controlled (RFC 8445 §6.1.1)");
  if (auto st = fill_addresses(o, a); !st) return st.error();
  if (!o.stun.empty()) {
    auto s = resolve(o.stun, "--stun");
    if (!s) return s.error();
    a.stun = *s;
  }
  if (!o.turn.empty()) {
    auto s = resolve(o.turn, "--turn");
    if (!s) return s.error();
    ice::RelayServer r{*s, o.turn_user, o.turn_password, ice::RelayServer::Transport::udp};
    if (o.turn_transport == "tcp") r.transport = ice::RelayServer::Transport::tcp;
    if (o.turn_transport == "tls") r.transport = ice::RelayServer::Transport::tls;
    a.turn = r;
  }
  if (!o.pipe.empty()) {
    auto p = parse_endpoint(o.pipe);
    if (!p) return make_error("usage", "--pipe: " + p.error().message);
    c.pipe = *p;
  }
  if (!o.pipe_remote.empty()) {
    auto p = parse_endpoint(o.pipe_remote);
    if (!p) return make_error("usage", "--pipe-remote: " + p.error().message);
    c.pipe_remote = *p;
  }
  c.connect_timeout = std::chrono::milliseconds(static_cast<long long>(o.timeout * 1000));
  c.mid = (remote && !remote->mid.empty() && o.mid == "0") ? remote->mid : o.mid;
  return c;
}

Result<ice::RemoteDescription> read_remote_sdp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("usage", "--remote-sdp: cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  auto r = ice::remote_from_sdp(text.str());
  if (!r) return make_error("usage", "--remote-sdp " + path + ": " + r.error().message);
  return r;
}

// --json: every event as a JSON line. Otherwise the SDP lines of local
// parameters on stdout (ready to paste), other events as log lines.
void print_event(bool json_mode, const json::object& ev) {
  if (json_mode) return emit_json(ev);
  if (const auto* sdp = ev.if_contains("sdp")) {
    if (sdp->is_string()) std::cout << sdp->as_string().c_str() << "\n";
    if (sdp->is_array()) {
      for (const auto& l : sdp->as_array()) std::cout << l.as_string().c_str() << "\n";
    }
    std::cout.flush();
    return;
  }
  std::string line(ev.at("event").as_string());
  for (const auto& kv : ev) {
    if (kv.key() == "event" || kv.key() == "ts") continue;
    line += " " + std::string(kv.key()) + "=" +
            (kv.value().is_string() ? std::string(kv.value().as_string()) : json::serialize(kv.value()));
  }
  const bool bad = line.starts_with("failed") || line.starts_with("error");
  if (bad) {
    GW_LOG(error) << line;
  } else {
    GW_LOG(info) << line;
  }
}

int exit_code_for(const ice::SessionEnd& e) {
  switch (e.reason) {
    case ice::EndReason::closed: return cli::kOk;
    case ice::EndReason::checks_failed: return cli::kNegotiationFailed;
    case ice::EndReason::timeout: return e.heard_from_peer ? cli::kNegotiationFailed : cli::kTimeout;
    case ice::EndReason::consent_lost: return cli::kPeerGone;
    default: return cli::kFailure;
  }
}

int fail(const Error& e) {
  std::cerr << "ice-session: " << e.message << "\n";
  return e.code == "usage" ? cli::kUsage : cli::kFailure;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"An ICE agent (RFC 8445) whose selected flow is piped to a local port", "ice-session"};
  Options o;
  cli::add_common_options(app, o.common);
  add_options(app, o);
  if (auto code = cli::parse(app, o.common, argc, argv)) return *code;
  cli::apply_logging(o.common, "ice-session");

  std::optional<ice::RemoteDescription> remote;
  if (!o.remote_sdp.empty()) {
    auto r = read_remote_sdp(o.remote_sdp);
    if (!r) return fail(r.error());
    remote = std::move(r.value());
  }
  auto config = make_config(o, remote);
  if (!config) return fail(config.error());

  asio::io_context io;
  ice::GlibLoop loop;
  int exit_code = cli::kOk;
  auto events = [&](json::object ev) { print_event(o.common.json, ev); };
  ice::PipeSession session(io, loop, std::move(config.value()), events, [&](const ice::SessionEnd& e) {
    exit_code = exit_code_for(e);
    io.stop();
  });
  if (auto st = session.start(); !st) return fail(st.error());
  if (remote) {
    if (auto st = session.apply_remote(*remote); !st) return fail(st.error());
  }
  sip::StdinLines commands(io, [&](std::string line) { session.handle_line(line); });
  commands.start();
  net::SignalHandlers signals(io, {[&](int) {
                                     exit_code = session.has_pair() ? cli::kOk : cli::kInterrupted;
                                     io.stop();
                                   },
                                   [&] { events(session.stats_event()); }, nullptr});
  io.run();
  commands.stop();
  events(session.stats_event());
  return exit_code;
}
