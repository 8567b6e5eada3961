// webrtc-gw: browsers (HTTPS/WSS, ICE-lite, DTLS-SRTP) on the public side;
// SIP and plain RTP on the private side (or, standalone, built-in targets
// and calls between browsers). The logic is libcore/gateway; this file wires
// the pieces and runs the signaling loop on the main thread. See man/webrtc-gw.8.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <iostream>

#include "gateway/address_plan.hpp"
#include "gateway/https_server.hpp"
#include "gateway/media_engine.hpp"
#include "gateway/signaling_hub.hpp"
#include "gateway/sip_side.hpp"
#include "net/signals.hpp"
#include "options.hpp"
#include "util/json_output.hpp"
#include "util/log.hpp"

namespace {

using namespace gw;
using namespace gw::gateway;
namespace asio = boost::asio;

// The hub writes to the server; the server exists after the hub (it needs
// the hub as its handler), so this forwards once it is set.
struct ServerOutput : SignalingOutput {
  HttpsServer* server = nullptr;
  bool send(ConnectionId id, std::string text) override { return server != nullptr && server->send(id, std::move(text)); }
  void close(ConnectionId id, std::uint16_t code, std::string reason) override {
    if (server != nullptr) server->close(id, code, std::move(reason));
  }
};

struct Gateway {
  webrtc_gw::Options opts;
  asio::io_context io;
  ServerOutput output;
  std::unique_ptr<MediaEngine> media;
  std::unique_ptr<SignalingHub> hub;
  std::unique_ptr<HttpsServer> server;
  std::unique_ptr<SipSide> sip;
  std::optional<SipSideConfig> sip_cfg;
  std::shared_ptr<void> plan_check;
  std::optional<asio::steady_timer> stop_timer, stats_timer;
  bool stopping = false;
  bool sip_stopped = true;
  TimePoint stop_deadline{};

  void event(json::object ev) {
    if (opts.common.json) {
      json::object out = make_event(ev["event"].as_string());
      for (auto& kv : ev) {
        if (kv.key() != "event") out[kv.key()] = kv.value();
      }
      emit_json(out);
    } else {
      GW_LOG(info) << json::serialize(ev);
    }
  }

  json::object stats() {
    auto c = hub->counters();
    const auto& s = server->counters();
    json::object o{{"event", "stats"},
                   {"sessions", c.sessions},
                   {"signed_in", c.signed_in},
                   {"calls", c.calls_active},
                   {"calls_started", c.calls_started},
                   {"calls_ended", c.calls_ended},
                   {"requests", c.requests},
                   {"request_errors", c.request_errors},
                   {"rate_limited", c.rate_limited},
                   {"http_requests", s.http_requests},
                   {"ws_open", s.ws_open},
                   {"tls_handshake_failures", s.tls_handshake_failures}};
    json::array shards;
    for (const auto& st : media->status()) {
      shards.push_back({{"port", st.port}, {"legs", st.legs}, {"unknown_source", st.unknown_source},
                        {"stun_unknown_ufrag", st.stun_unknown_ufrag}, {"stun_malformed", st.stun_malformed},
                        {"plain_no_leg", st.plain_no_leg}, {"wrong_port", st.wrong_port},
                        {"ice_no_leg", st.ice_no_leg}, {"sip_rtp_unmapped_pt", st.plain_unmapped_pt},
                        {"sip_rtp_wrong_source", st.plain_wrong_source}});
    }
    o["shards"] = std::move(shards);
    return o;
  }

  int start() {
    auto sc = webrtc_gw::server_config(opts);
    auto mc = webrtc_gw::media_config(opts);
    auto hc = webrtc_gw::hub_config(opts);
    auto sipc = webrtc_gw::sip_config(opts);
    for (const Error* e : {sc ? nullptr : &sc.error(), mc ? nullptr : &mc.error(), hc ? nullptr : &hc.error(),
                           sipc ? nullptr : &sipc.error()}) {
      if (e != nullptr) {
        std::cerr << "webrtc-gw: " << e->message << "\n";
        return cli::kUsage;
      }
    }
    sip_cfg = std::move(*sipc);
    if (sip_cfg) {
      auto addr = webrtc_gw::private_media_address(opts, *sip_cfg);
      if (!addr) {
        std::cerr << "webrtc-gw: " << addr.error().message << "\n";
        return cli::kUsage;
      }
      hc->sip_media_address = *addr;
      if (sip_cfg->ua.advertise.empty()) sip_cfg->ua.advertise = *addr;  // one plan: Contact/Via = SDP c=
    }
    auto engine = MediaEngine::create(io, *mc, [this](const LegEvent& e) { hub->on_leg_event(e); });
    if (!engine) {
      GW_LOG(error) << "media: " << engine.error().message;
      return cli::kFailure;
    }
    media = std::move(*engine);
    hub = std::make_unique<SignalingHub>(io, *hc, *media, output, [this](json::object o) { event(std::move(o)); });
    auto srv = HttpsServer::create(io, *sc, *hub);
    if (!srv) {
      GW_LOG(error) << "https: " << srv.error().message;
      return cli::kFailure;
    }
    server = std::move(*srv);
    output.server = server.get();
    if (sip_cfg) {
      if (int rc = start_sip(); rc != cli::kOk) return rc;
    }
    server->start();
    announce(*sc);
    if (!opts.skip_plan_check) check_plan(hc->sip_media_address);
    return cli::kOk;
  }

  int start_sip() {
    SipSide::Handlers h;
    h.on_call = [this](SipCallId id, const SipCallUpdate& u) { hub->on_sip_call(id, u); };
    h.on_incoming = [this](const SipIncomingCall& in) { hub->on_sip_incoming(in); };
    h.on_registration = [this](const SipRegistrationUpdate& u) { hub->on_sip_registration(u); };
    auto side = SipSide::create(io, *sip_cfg, std::move(h));
    if (!side) {
      GW_LOG(error) << "sip: " << side.error().message;
      return cli::kFailure;
    }
    sip = std::move(*side);
    hub->set_sip(sip.get());
    return cli::kOk;
  }

  // Design brief §6: say at start what is wrong with the address plan.
  void check_plan(const std::string& private_address) {
    AddressPlan plan;
    plan.public_bind = *IpAddress::parse(opts.public_bind);
    plan.public_advertised = media->advertised();
    plan.private_advertised = private_address;
    if (sip_cfg) plan.private_bind = IpAddress::parse(opts.private_bind).value();
    plan.stun_urls = opts.stun;
    plan_check = check_address_plan(io, plan, [this](const PlanReport& r) {
      json::array findings;
      for (const auto& f : r.findings) {
        findings.push_back({{"ok", f.ok}, {"what", f.what}});
        if (!f.ok) GW_LOG(warn) << "address plan: " << f.what;
      }
      json::object ev{{"event", "address-plan"}, {"ok", r.ok()}, {"findings", std::move(findings)}};
      if (r.reflexive) ev["reflexive"] = r.reflexive->to_string();
      event(std::move(ev));
    });
  }

  void announce(const HttpsServerConfig& sc) {
    json::array ports, addrs;
    for (const auto& st : media->status()) ports.push_back(st.port);
    for (const auto& a : media->advertised()) addrs.push_back(json::string(a.to_string()));
    auto local = server->local_address();
    std::string host = local.ip.is_unspecified() ? "localhost" : local.ip.to_string();
    event({{"event", "listening"},
           {"https", local.to_string()},
           {"url", "https://" + (local.ip.is_v4() ? host : "[" + host + "]") + ":" + std::to_string(local.port) + "/"},
           {"media_ports", std::move(ports)},
           {"ice_mode", media->full_ice() ? "full" : "lite"},
           {"advertised", std::move(addrs)},
           {"certificate", server->certificate_fingerprint()},
           {"web_root", sc.web_root},
           {"sip", sip_cfg ? json::value(sip_cfg->ua.transport + ":" + sip_cfg->ua.advertise + ":" +
                                         std::to_string(sip_cfg->ua.bind_port))
                           : json::value(nullptr)}});
  }

  void shutdown() {
    if (stopping) {  // a second signal: now
      io.stop();
      return;
    }
    stopping = true;
    event({{"event", "shutting-down"}});
    server->stop_accepting();
    hub->shutdown();  // ends calls (BYE/CANCEL) and signs agents out (un-REGISTER)
    if (sip) {
      sip_stopped = false;
      sip->shutdown([this] { sip_stopped = true; });
    }
    auto grace = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(opts.shutdown_grace));
    server->shutdown(grace);
    stop_deadline = Clock::now() + grace + milliseconds(500);
    stop_timer.emplace(io);
    wait_for_sockets();
    if (stats_timer) stats_timer->cancel();
  }

  // The signal set keeps the loop alive: stop it once every socket is closed
  // (or the grace period is over).
  void wait_for_sockets() {
    stop_timer->expires_after(milliseconds(50));
    stop_timer->async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      if ((server->counters().connections_open == 0 && sip_stopped) || Clock::now() >= stop_deadline) {
        io.stop();
        return;
      }
      wait_for_sockets();
    });
  }

  // SIGHUP: certificates and the agents file; `reloaded` says what worked.
  void reload() {
    json::object ev{{"event", "reloaded"}};
    if (auto st = server->reload_certificates(); !st) {
      GW_LOG(error) << "SIGHUP: certificates not reloaded: " << st.error().message;
      ev["certificate_error"] = st.error().message;
    } else {
      ev["certificate"] = server->certificate_fingerprint();
    }
    if (!opts.agents_file.empty()) {
      auto agents = webrtc_gw::load_agents(opts.agents_file);
      if (agents) {
        ev["agents"] = agents->size();
        hub->set_agents(std::move(*agents));
      } else {
        GW_LOG(error) << "SIGHUP: agents not reloaded: " << agents.error().message;
        ev["agents_error"] = agents.error().message;
      }
    }
    ev["ok"] = !ev.contains("certificate_error") && !ev.contains("agents_error");
    event(std::move(ev));
  }

  void arm_stats() {
    if (opts.stats_interval <= 0) return;
    if (!stats_timer) stats_timer.emplace(io);
    stats_timer->expires_after(std::chrono::duration_cast<Duration>(std::chrono::duration<double>(opts.stats_interval)));
    stats_timer->async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopping) return;
      event(stats());
      arm_stats();
    });
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"webrtc-gw: browsers on a voice network (HTTPS/WSS signaling, ICE-lite + DTLS-SRTP media)", "webrtc-gw"};
  Gateway gw;
  webrtc_gw::add_options(app, gw.opts);
  gw::cli::add_common_options(app, gw.opts.common);
  if (auto code = gw::cli::parse(app, gw.opts.common, argc, argv)) return *code;
  gw::cli::apply_logging(gw.opts.common, "webrtc-gw");
  try {
    if (int rc = gw.start(); rc != gw::cli::kOk) return rc;
    gw::net::SignalHandlers signals(gw.io, {[&](int) { gw.shutdown(); }, [&] { gw.event(gw.stats()); },
                                            [&] { gw.reload(); }});
    gw.arm_stats();
    gw.io.run();
    gw.hub.reset();
    gw.sip.reset();
    gw.server.reset();
    gw.media->stop();
    gw.event({{"event", "stopped"}});
  } catch (const std::exception& e) {
    GW_LOG(error) << e.what();
    return gw::cli::kFailure;
  }
  return gw::cli::kOk;
}
