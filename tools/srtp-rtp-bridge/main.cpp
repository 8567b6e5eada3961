// srtp-rtp-bridge: DTLS-SRTP (or SDES) on a secure port, plain RTP on the
// other, forwarding both ways. The logic is gw::media::Bridge; this file
// parses options, binds the ports and runs the loop. See man/srtp-rtp-bridge.1.
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <iostream>

#include "media/bridge_control.hpp"
#include "net/signals.hpp"
#include "util/cli.hpp"
#include "util/log.hpp"

namespace {

using namespace gw;
using media::Port;
namespace asio = boost::asio;

constexpr int kFingerprintMismatch = 10;  // tool-specific exit code (man page)

struct Options {
  cli::CommonOptions common;
  std::string secure, plain, plain_rtcp, secure_remote, plain_remote, plain_rtcp_remote;
  bool rtcp_mux = false, strict = false;
  std::string setup = "actpass", cert, key, remote_fp, profiles = "AEAD_AES_128_GCM,AEAD_AES_256_GCM,AES_CM_128_HMAC_SHA1_80,AES_CM_128_HMAC_SHA1_32";
  std::string sdes_local, sdes_remote, gen_sdes;
  double stats_interval = 0, handshake_timeout = 30, peer_timeout = 0;
  unsigned clock_rate = 8000;
  int socket_buffer = 4 << 20;
};

Duration secs(double s) { return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s)); }

void add_options(CLI::App& app, Options& o) {
  app.add_option("--secure", o.secure, "Secure-side port (DTLS/SRTP/SRTCP muxed): udp:HOST:PORT or unix:PATH");
  app.add_option("--plain", o.plain, "Plain-side RTP port: udp:HOST:PORT or unix:PATH");
  app.add_option("--plain-rtcp", o.plain_rtcp, "Plain-side RTCP port (default: plain port + 1)");
  app.add_flag("--plain-rtcp-mux", o.rtcp_mux, "RTCP muxed with RTP on the plain port");
  app.add_option("--secure-remote", o.secure_remote, "Secure-side peer (default: learnt)");
  app.add_option("--plain-remote", o.plain_remote, "Plain-side RTP peer (default: learnt)");
  app.add_option("--plain-rtcp-remote", o.plain_rtcp_remote, "Plain-side RTCP peer (default: RTP peer port + 1)");
  app.add_flag("--strict-source", o.strict, "Drop packets from any source but the (given or first) peer");
  app.add_option("--dtls", o.setup, "DTLS role: active (client), passive (server), actpass")
      ->check(CLI::IsMember({"active", "passive", "actpass"}));
  app.add_option("--cert", o.cert, "PEM certificate (default: a fresh ECDSA P-256 one)");
  app.add_option("--key", o.key, "PEM private key for --cert");
  app.add_option("--remote-fingerprint", o.remote_fp, "Peer certificate fingerprint, 'sha-256 AB:CD:...'");
  app.add_option("--profiles", o.profiles, "SRTP profiles in preference order, comma separated")->capture_default_str();
  app.add_option("--sdes-local", o.sdes_local, "SDES: our crypto line (protects what we send); generated if absent");
  app.add_option("--sdes-remote", o.sdes_remote, "SDES: the peer's crypto line; selects SDES instead of DTLS");
  app.add_option("--gen-sdes", o.gen_sdes, "Print a fresh crypto line for SUITE and exit");
  app.add_option("--stats-interval", o.stats_interval, "Seconds between stats events (0: off)");
  app.add_option("--handshake-timeout", o.handshake_timeout, "Seconds to complete DTLS (exit 3)")->capture_default_str();
  app.add_option("--peer-timeout", o.peer_timeout, "Seconds without secure packets before peer gone (0: off)");
  app.add_option("--clock-rate", o.clock_rate, "RTP clock rate for jitter")->capture_default_str();
  app.add_option("--socket-buffer", o.socket_buffer, "SO_RCVBUF/SO_SNDBUF bytes (capped by net.core.*mem_max)")
      ->capture_default_str();
}

void emit(bool json_mode, json::object ev) {
  if (json_mode) {
    emit_json(ev);
    return;
  }
  std::string line = std::string(ev["event"].as_string());
  for (const auto& kv : ev) {
    if (kv.key() == "event" || kv.key() == "ts") continue;
    line += " " + std::string(kv.key()) + "=" + (kv.value().is_string() ? std::string(kv.value().as_string())
                                                                        : json::serialize(kv.value()));
  }
  std::cout << line << std::endl;
}

// The three sockets; the bridge sends through them.
struct Ports : media::Bridge::Output {
  std::unique_ptr<net::DatagramPort> secure, plain, rtcp;
  void send(Port p, ByteView d, const media::PeerAddress& to) override {
    if (p == Port::secure) {
      secure->send_to(d, to);
    } else if (p == Port::plain_rtcp && rtcp) {
      rtcp->send_to(d, to);
    } else {
      plain->send_to(d, to);
    }
  }
};

Result<media::BridgeConfig> make_config(const Options& o) {
  media::BridgeConfig c;
  c.plain_rtcp_mux = o.rtcp_mux;
  c.strict_source = o.strict;
  c.clock_rate = o.clock_rate;
  c.peer_timeout = secs(o.peer_timeout);
  if (!o.sdes_remote.empty()) {
    c.keying = media::BridgeConfig::Keying::sdes;
    auto remote = srtp::CryptoAttribute::parse(o.sdes_remote);
    if (!remote) return remote.error();
    auto local = o.sdes_local.empty() ? srtp::CryptoAttribute::generate(remote->suite, remote->tag)
                                      : srtp::CryptoAttribute::parse(o.sdes_local);
    if (!local) return local.error();
    c.sdes_remote = std::move(remote.value());
    c.sdes_local = std::move(local.value());
    return c;
  }
  if (!o.sdes_local.empty()) return make_error("usage", "--sdes-local needs --sdes-remote");
  auto cert = o.cert.empty() ? dtls::Certificate::generate() : dtls::Certificate::load(o.cert, o.key);
  if (!cert) return cert.error();
  c.dtls.certificate = std::make_shared<const dtls::Certificate>(std::move(cert.value()));
  auto profiles = srtp::parse_profile_list(o.profiles);
  if (!profiles) return profiles.error();
  c.dtls.profiles = *profiles;
  if (!o.remote_fp.empty()) {
    auto fp = dtls::Fingerprint::parse(o.remote_fp);
    if (!fp) return fp.error();
    c.dtls.remote_fingerprint = *fp;
  }
  c.setup = *dtls::parse_role(o.setup);
  c.dtls.handshake_timeout = o.handshake_timeout > 0 ? secs(o.handshake_timeout) : std::chrono::hours(24 * 365);
  return c;
}

Result<Endpoint> rtcp_endpoint(const Options& o, const Endpoint& plain) {
  if (!o.plain_rtcp.empty()) return parse_endpoint(o.plain_rtcp);
  if (plain.is_unix()) return make_error("usage", "a unix: plain port needs --plain-rtcp or --plain-rtcp-mux");
  Endpoint e = plain;
  if (e.port != 0) e.port = static_cast<std::uint16_t>(e.port + 1);  // RFC 3550 §11
  return e;
}

Status open_ports(asio::io_context& io, const Options& o, Ports& ports) {
  auto sec = parse_endpoint(o.secure);
  auto pl = parse_endpoint(o.plain);
  if (!sec) return sec.error();
  if (!pl) return pl.error();
  auto s = net::DatagramPort::open(io, *sec);
  if (!s) return s.error();
  auto p = net::DatagramPort::open(io, *pl);
  if (!p) return p.error();
  ports.secure = std::move(s.value());
  ports.plain = std::move(p.value());
  if (!o.rtcp_mux) {
    auto re = rtcp_endpoint(o, *pl);
    if (!re) return re.error();
    auto r = net::DatagramPort::open(io, *re);
    if (!r) return r.error();
    ports.rtcp = std::move(r.value());
  }
  // Bursts must not overflow the default ~208 KiB buffers (loss below saturation).
  for (auto* port : {ports.secure.get(), ports.plain.get(), ports.rtcp.get()}) {
    if (port == nullptr) continue;
    (void)port->set_buffer_sizes(o.socket_buffer, o.socket_buffer);
    port->set_send_batching(true);
  }
  return {};
}

int exit_code_for(const media::BridgeEvent& e) {
  if (std::holds_alternative<media::event::PeerGone>(e)) return cli::kPeerGone;
  auto r = std::get<media::event::Failed>(e).reason;
  if (r == dtls::FailureReason::fingerprint_mismatch) return kFingerprintMismatch;
  if (r == dtls::FailureReason::timeout) return cli::kTimeout;
  return cli::kNegotiationFailed;
}

// The running bridge: ports, timers, signals and stdin commands on one loop.
class Runner {
 public:
  Runner(asio::io_context& io, const Options& o, Ports& ports, media::Bridge& bridge)
      : io_(io), o_(o), ports_(ports), bridge_(bridge), timer_(io), stats_timer_(io) {}

  int run() {
    auto on = [this](bool secure, bool rtcp) {
      return [this, secure, rtcp](ByteView d, const net::PeerAddress& from) {
        if (secure) {
          bridge_.on_secure(d, from, Clock::now());
        } else {
          bridge_.on_plain(d, from, rtcp, Clock::now());
        }
        after();
      };
    };
    ports_.secure->start(on(true, false));
    ports_.plain->start(on(false, false));
    if (ports_.rtcp) ports_.rtcp->start(on(false, true));
    bridge_.start(Clock::now());
    after();
    media::JsonLineReader commands(
        io_, STDIN_FILENO, [this](const json::value& v) { command(v); },
        [](const std::string& msg) { GW_LOG(warn) << msg; });
    net::SignalHandlers signals(io_, {[this](int) { quit(cli::kOk); }, [this] { stats(false); }, nullptr});
    arm_stats();
    io_.run();
    stats(false);
    return exit_code_;
  }

 private:
  void stop(int code) {
    exit_code_ = code;
    io_.stop();
  }
  void quit(int code) {
    bridge_.close();  // DTLS close_notify, sent synchronously
    stop(code);
  }
  void stats(bool close_interval) {
    auto ev = make_event("stats");
    for (auto& kv : bridge_.stats_json(close_interval)) ev[kv.key()] = kv.value();
    emit(o_.common.json, ev);
  }

  void command(const json::value& v) {
    auto action = media::apply_command(bridge_, v, Clock::now());
    if (!action) {
      GW_LOG(warn) << "command refused: " << action.error().message;
    } else if (*action == media::CommandAction::stats) {
      stats(false);
    } else if (*action == media::CommandAction::quit) {
      return quit(cli::kOk);
    }
    after();
  }

  // After every input: events out, the timer re-armed.
  void after() {
    for (auto& e : bridge_.take_events()) {
      emit(o_.common.json, media::event_json(e));
      if (media::is_terminal(e)) return stop(exit_code_for(e));
    }
    auto d = bridge_.next_deadline();
    // Re-arm only for an earlier deadline: a later one is picked up when the
    // timer fires early (keeps timer work off the per-packet path).
    if (!d || (armed_ && *armed_ <= *d)) return;
    armed_ = d;
    timer_.expires_at(*d);
    timer_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      armed_.reset();
      bridge_.on_timer(Clock::now());
      after();
    });
  }

  void arm_stats() {
    if (o_.stats_interval <= 0) return;
    stats_timer_.expires_after(secs(o_.stats_interval));
    stats_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      stats(true);
      arm_stats();
    });
  }

  asio::io_context& io_;
  const Options& o_;
  Ports& ports_;
  media::Bridge& bridge_;
  asio::steady_timer timer_;
  asio::steady_timer stats_timer_;
  std::optional<TimePoint> armed_;
  int exit_code_ = cli::kOk;
};

int gen_sdes(const Options& o) {
  auto suite = srtp::profile_from_name(o.gen_sdes);
  if (!suite) {
    std::cerr << "srtp-rtp-bridge: unknown suite '" << o.gen_sdes << "'\n";
    return cli::kUsage;
  }
  auto line = srtp::CryptoAttribute::generate(*suite);
  if (!line) return cli::kFailure;
  if (!o.common.json) {
    std::cout << line->to_string() << std::endl;
  } else {
    auto ev = make_event("sdes");
    ev["crypto"] = line->to_string();
    emit(true, ev);
  }
  return cli::kOk;
}

bool is_usage_error(const Error& e) {
  for (const char* prefix : {"usage", "sdes.", "srtp.", "dtls.fingerprint", "endpoint."}) {
    if (e.code.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

int fail(const Error& e) {
  std::cerr << "srtp-rtp-bridge: " << e.message << "\n";
  return is_usage_error(e) ? cli::kUsage : cli::kFailure;
}

void announce(const Options& o, const Ports& ports, const media::BridgeConfig& c) {
  auto ready = make_event("listening");
  ready["secure"] = ports.secure->local_endpoint().to_string();
  ready["plain"] = ports.plain->local_endpoint().to_string();
  if (ports.rtcp) ready["plain_rtcp"] = ports.rtcp->local_endpoint().to_string();
  emit(o.common.json, ready);
  if (c.dtls.certificate && c.keying == media::BridgeConfig::Keying::dtls) {
    auto ev = make_event("fingerprint");  // before the handshake, for the SDP
    ev["fingerprint"] = c.dtls.certificate->fingerprint().to_string();
    ev["setup"] = dtls::role_name(c.setup);
    emit(o.common.json, ev);
  } else if (c.sdes_local) {
    auto ev = make_event("sdes_local");
    ev["crypto"] = c.sdes_local->to_string();
    emit(o.common.json, ev);
  }
}

Status set_remotes(const Options& o, media::Bridge& bridge) {
  const std::pair<Port, const std::string*> remotes[] = {
      {Port::secure, &o.secure_remote}, {Port::plain_rtp, &o.plain_remote}, {Port::plain_rtcp, &o.plain_rtcp_remote}};
  for (const auto& [port, uri] : remotes) {
    if (uri->empty()) continue;
    auto peer = media::parse_peer(*uri);
    if (!peer) return make_error("usage", *uri + ": " + peer.error().message);
    bridge.set_remote(port, *peer, Clock::now());
  }
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Bridge DTLS-SRTP or SDES-SRTP on one port to plain RTP on another", "srtp-rtp-bridge"};
  Options o;
  cli::add_common_options(app, o.common);
  add_options(app, o);
  if (auto code = cli::parse(app, o.common, argc, argv)) return *code;
  cli::apply_logging(o.common, "srtp-rtp-bridge");
  if (!o.gen_sdes.empty()) return gen_sdes(o);
  if (o.secure.empty() || o.plain.empty()) return fail(make_error("usage", "--secure and --plain are required"));

  auto config = make_config(o);
  if (!config) return fail(config.error());
  asio::io_context io;
  Ports ports;
  if (auto st = open_ports(io, o, ports); !st) return fail(st.error());
  announce(o, ports, *config);
  auto bridge = media::Bridge::create(std::move(config.value()), ports);
  if (!bridge) return fail(bridge.error());
  if (auto st = set_remotes(o, **bridge); !st) return fail(st.error());
  return Runner(io, o, ports, **bridge).run();
}
