// sip-leg: a SIP user agent with its own RTP socket, piping the call's RTP to
// a local port (design brief §5). Subcommands: register, call, listen.
// All logic lives in libcore/sip (sip/leg_runner.hpp); this file maps options.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "sdp/codec.hpp"
#include "sip/leg_runner.hpp"
#include "sip/sdp_negotiator.hpp"
#include "util/cli.hpp"
#include "util/endpoint.hpp"
#include "util/log.hpp"

namespace {

using gw::sip::LegOptions;

struct Flags {
  std::string bind = "udp:0.0.0.0:5060";
  std::string advertise, contact, proxy, from, user, password, realm;
  std::string user_agent = "sip-leg/" GW_VERSION;
  unsigned session_expires = 0, min_se = 90;
  std::string target, aor, registrar;
  unsigned expires = 3600, retry = 30;
  std::string codecs = "PCMU,PCMA,telephone-event/8000", codecs_from;
  std::string rtp = "udp:0.0.0.0:0", media_address, pipe, pipe_bind;
  std::string rtp_ports = "20000-60000";
  bool strict_source = false, manual_answer = false, single_codec = false, tls_verify = false;
  std::string tls_dir;
  std::string dtmf = "rfc4733";
  unsigned timeout = 0, duration = 0, answer_delay = 0, calls = 1, ptime = 0;
};

void add_sip_options(CLI::App& sub, Flags& f) {
  sub.add_option("--bind", f.bind, "SIP transport to bind: udp:HOST:PORT, tcp:HOST:PORT, tls:HOST:PORT")->capture_default_str();
  sub.add_option("--advertise", f.advertise, "Host to put in Via/Contact (and SDP unless --media-address)");
  sub.add_option("--contact", f.contact, "Explicit Contact URI");
  sub.add_option("--tls-dir", f.tls_dir, "TLS certificate directory: agent.pem (our cert+key), cafile.pem (trusted CAs)")
      ->check(CLI::ExistingDirectory);
  sub.add_flag("--tls-verify", f.tls_verify, "Verify TLS servers' certificates against --tls-dir/cafile.pem");
  sub.add_option("--proxy,--outbound-proxy", f.proxy, "Outbound proxy URI (every request goes there)");
  sub.add_option("--user", f.user, "Digest user name (default: the AOR's user part)");
  sub.add_option("--password", f.password, "Digest password");
  sub.add_option("--realm", f.realm, "Only answer challenges from this realm");
  sub.add_option("--user-agent", f.user_agent, "User-Agent header")->capture_default_str();
}

void add_media_options(CLI::App& sub, Flags& f) {
  sub.add_option("--from", f.from, "Our AOR for From (sip:user@domain)");
  sub.add_option("--codecs", f.codecs, "Codecs to offer/accept: PCMU,PCMA,opus/48000/2,telephone-event/8000")
      ->capture_default_str();
  sub.add_option("--codecs-from", f.codecs_from, "Mirror the codecs (and payload types) of an SDP file");
  sub.add_option("--ptime", f.ptime, "a=ptime to write (ms)");
  sub.add_flag("--single-codec", f.single_codec, "Answer with one media codec only");
  sub.add_option("--rtp", f.rtp, "RTP socket bind (udp:HOST:PORT, even port; 0 = any in --rtp-ports)")->capture_default_str();
  sub.add_option("--rtp-ports", f.rtp_ports, "Port range for --rtp port 0")->capture_default_str();
  sub.add_option("--media-address", f.media_address, "Address for SDP c= (default: --advertise, else local)");
  sub.add_option("--pipe", f.pipe, "Where RTP from the SIP side goes (udp:HOST:PORT or unix:PATH)");
  sub.add_option("--pipe-bind", f.pipe_bind, "Our end of the pipe (default udp:127.0.0.1:0)");
  sub.add_flag("--strict-source", f.strict_source, "Drop RTP not from the SDP address (no latching)");
  sub.add_option("--dtmf", f.dtmf, "How to send DTMF")->check(CLI::IsMember({"rfc4733", "info"}))->capture_default_str();
  sub.add_option("--session-expires", f.session_expires, "Ask for RFC 4028 session timers (s)");
  sub.add_option("--min-se", f.min_se, "Shortest session interval accepted (s; RFC 4028 says 90 or more)")
      ->check(CLI::Range(1u, 86400u))
      ->capture_default_str();
  sub.add_option("--duration", f.duration, "Hang up this many seconds after the answer");
}

gw::Status fill_media(const Flags& f, LegOptions& o) {
  if (!f.codecs_from.empty()) {
    std::ifstream in(f.codecs_from);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in) return gw::make_error("usage", "cannot read " + f.codecs_from);
    auto codecs = gw::sip::codecs_from_sdp(ss.str());
    if (!codecs) return codecs.error();
    o.codecs = *codecs;
  } else {
    auto codecs = gw::sdp::parse_codec_list(f.codecs);
    if (!codecs) return codecs.error();
    o.codecs = *codecs;
  }
  if (f.ptime) o.ptime = f.ptime;
  o.single_codec = f.single_codec;
  auto rtp = gw::parse_endpoint(f.rtp);
  if (!rtp || rtp->transport != gw::Transport::udp) return gw::make_error("usage", "--rtp must be udp:HOST:PORT");
  o.rtp.rtp_host = rtp->host;
  o.rtp.rtp_port = rtp->port;
  unsigned lo = 0, hi = 0;
  if (std::sscanf(f.rtp_ports.c_str(), "%u-%u", &lo, &hi) != 2 || lo < 1024 || hi > 65534 || lo + 2 > hi)
    return gw::make_error("usage", "--rtp-ports must be LOW-HIGH within 1024-65534");
  o.rtp.port_min = static_cast<std::uint16_t>(lo);
  o.rtp.port_max = static_cast<std::uint16_t>(hi);
  for (auto [text, slot] : {std::pair{&f.pipe, &o.rtp.pipe}, std::pair{&f.pipe_bind, &o.rtp.pipe_bind}}) {
    if (text->empty()) continue;
    auto ep = gw::parse_endpoint(*text);
    if (!ep || (ep->transport != gw::Transport::udp && !ep->is_unix()))
      return gw::make_error("usage", "pipe endpoints are udp:HOST:PORT or unix:PATH: " + *text);
    *slot = *ep;
  }
  o.rtp.strict_source = f.strict_source;
  o.dtmf = f.dtmf == "info" ? LegOptions::Dtmf::info : LegOptions::Dtmf::rfc4733;
  o.media_address = gw::sip::default_media_address(f.media_address, f.advertise, rtp->host, o.ua.bind_host);
  o.duration_s = f.duration;
  return {};
}

gw::Status fill_sip(const Flags& f, LegOptions& o) {
  auto bind = gw::parse_endpoint(f.bind, {gw::Transport::udp, 5060});
  if (!bind || bind->is_unix()) return gw::make_error("usage", "--bind must be udp:HOST:PORT, tcp:HOST:PORT or tls:HOST:PORT");
  o.ua.bind_host = bind->host;
  o.ua.bind_port = bind->port;
  o.ua.transport = std::string(gw::transport_name(bind->transport));
  o.ua.advertise = f.advertise;
  o.ua.contact = f.contact;
  o.ua.outbound_proxy = f.proxy;
  o.ua.credentials = {f.user, f.password, f.realm};
  o.ua.user_agent = f.user_agent;
  o.ua.session_expires = f.session_expires;
  o.ua.min_se = f.min_se;
  o.ua.tls_dir = f.tls_dir;
  o.ua.tls_verify = f.tls_verify;
  if (f.tls_verify && f.tls_dir.empty()) return gw::make_error("usage", "--tls-verify needs --tls-dir (cafile.pem)");
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"sip-leg: a SIP user agent that pipes its call's RTP to a local port", "sip-leg"};
  gw::cli::CommonOptions common;
  gw::cli::add_common_options(app, common);
  app.require_subcommand(1);
  app.fallthrough();
  Flags f;

  auto* reg = app.add_subcommand("register", "REGISTER an AOR and keep it registered until stopped");
  reg->add_option("aor", f.aor, "Address of record: sip:user@domain")->required();
  reg->add_option("--registrar", f.registrar, "Registrar URI (sip:host[:port][;transport=tcp])")->required();
  reg->add_option("--expires", f.expires, "Expiry to ask for (s)")->capture_default_str();
  reg->add_option("--retry", f.retry, "Longest wait between registration attempts (s; 0: exit)")->capture_default_str();
  reg->add_option("--duration", f.duration, "Unregister and exit after this many seconds");
  add_sip_options(*reg, f);

  auto* call = app.add_subcommand("call", "INVITE a SIP URI and pipe the call's RTP");
  call->add_option("uri", f.target, "Who to call: sip:user@host[:port]")->required();
  call->add_option("--timeout", f.timeout, "CANCEL when not answered within this many seconds");
  add_sip_options(*call, f);
  add_media_options(*call, f);

  auto* listen = app.add_subcommand("listen", "Answer incoming calls and pipe their RTP");
  listen->add_flag("--manual-answer", f.manual_answer, "Ring and wait for {\"cmd\":\"answer\"} on stdin");
  listen->add_option("--answer-delay", f.answer_delay, "Ring this many ms before answering");
  listen->add_option("--calls", f.calls, "Exit after this many calls (0: until a signal)")->capture_default_str();
  listen->add_option("--timeout", f.timeout, "Exit with code 3 when no call arrives within this many seconds");
  listen->add_option("--registrar", f.registrar, "Also register --aor at this registrar");
  listen->add_option("--aor", f.aor, "Address of record to register (with --registrar)");
  listen->add_option("--expires", f.expires, "Registration expiry to ask for (s)")->capture_default_str();
  listen->add_option("--retry", f.retry, "Longest wait between registration attempts (s; 0: exit)")
      ->capture_default_str();
  add_sip_options(*listen, f);
  add_media_options(*listen, f);

  if (auto code = gw::cli::parse(app, common, argc, argv)) return *code;
  gw::cli::apply_logging(common, "sip-leg");

  LegOptions o;
  o.json = common.json;
  o.timeout_s = f.timeout;
  gw::Status st = fill_sip(f, o);
  if (st && !reg->parsed()) st = fill_media(f, o);
  if (reg->parsed()) {
    o.mode = LegOptions::Mode::register_only;
    o.duration_s = f.duration;
  } else if (call->parsed()) {
    o.mode = LegOptions::Mode::call;
    o.target = f.target;
  } else {
    o.mode = LegOptions::Mode::listen;
    o.auto_answer = !f.manual_answer;
    o.answer_delay_ms = f.answer_delay;
    o.max_calls = f.calls;
  }
  o.ua.from = !f.aor.empty() ? f.aor : f.from;
  if (o.ua.from.empty()) o.ua.from = "sip:sip-leg@" + (f.advertise.empty() ? o.media_address : f.advertise);
  if (!f.registrar.empty()) {
    if (f.aor.empty()) st = gw::make_error("usage", "--registrar needs --aor");
    o.registration = gw::sip::RegisterOptions{f.registrar, f.expires, f.retry};
  }
  if (!st) {
    std::cerr << "sip-leg: " << st.error().message << "\n";
    return gw::cli::kUsage;
  }
  return gw::sip::run_leg(o);
}
