// stun-probe --nat SERVER: RFC 5780 §4 NAT behaviour discovery over two local
// UDP sockets (the second one tests hairpinning).
#include <boost/asio/io_context.hpp>
#include <unistd.h>

#include <iostream>

#include "commands.hpp"
#include "net/datagram_port.hpp"
#include "net/signals.hpp"
#include "net/udp_machine_runner.hpp"
#include "stun/lifetime_search.hpp"
#include "stun/nat_discovery.hpp"
#include "targets.hpp"
#include "util/json_output.hpp"

namespace stun_probe {
namespace {

void print_report(const gw::stun::NatReport& r) {
  auto tri = [](gw::stun::Tri t) { return std::string(gw::stun::tri_name(t)); };
  std::cout << "NAT behaviour (RFC 5780 §4, RFC 4787 terms)\n";
  if (r.local) std::cout << "  local address     " << r.local->to_string() << "\n";
  if (r.mapped) std::cout << "  mapped address    " << r.mapped->to_string() << "\n";
  if (r.other_address) std::cout << "  server other addr " << r.other_address->to_string() << "\n";
  if (!r.software.empty()) std::cout << "  server software   " << r.software << "\n";
  std::cout << "  NAT present       " << tri(r.nat) << "\n"
            << "  mapping           " << gw::stun::behaviour_name(r.mapping) << "\n"
            << "  filtering         " << gw::stun::behaviour_name(r.filtering) << "\n"
            << "  hairpinning       " << tri(r.hairpinning) << "\n"
            << "  port preserved    " << tri(r.port_preserved) << "\n"
            << "  ALG rewriting     " << tri(r.alg_detected) << "\n"
            << "  large packets     " << tri(r.large_packets) << "\n"
            << "  RFC 3489 name     " << r.rfc3489_name() << "\n";
  for (const auto& n : r.not_run) std::cout << "  not run: " << n << "\n";
  for (const auto& n : r.notes) std::cout << "  note: " << n << "\n";
  std::cout << "verdict: " << r.webrtc_verdict() << "\n";
}

// RFC 5780 §4.6: minutes long; progress on stderr when it is a terminal.
boost::json::object run_lifetime(const ClientOptions& options, const NatOptions& nat, const Target& target,
                                 const gw::IpAddress& local_ip, const gw::cli::CommonOptions& common) {
  gw::stun::LifetimeConfig config;
  config.server = target.address;
  config.max = std::chrono::duration_cast<gw::Duration>(std::chrono::duration<double>(nat.lifetime_max_s));
  config.initial = std::min<gw::Duration>(config.initial, config.max);
  config.transaction = make_config(options, 7.5);
  config.software = options.software;
  gw::stun::LifetimeSearch search(config);
  boost::asio::io_context io;
  gw::net::UdpMachineRunner<gw::stun::LifetimeSearch> runner(io, search, {{local_ip, 0}, {local_ip, 0}},
                                                            target.address);
  bool progress = ::isatty(STDERR_FILENO) != 0 || common.verbose > 0;
  runner.on_step([&] {
    for (const auto& e : search.take_events()) {
      if (progress && !common.quiet) std::cerr << "lifetime: " << e.message << std::endl;
    }
  });
  gw::net::SignalHandlers signals(io, {.on_shutdown = [&](int) { io.stop(); }, .on_stats = {}, .on_reload = {}});
  if (progress) std::cerr << "lifetime: searching up to " << nat.lifetime_max_s << " s (RFC 5780 §4.6); Ctrl-C stops\n";
  if (auto status = runner.start([&] { io.stop(); }); !status) {
    std::cerr << "stun-probe: " << status.error().message << "\n";
    return {};
  }
  io.run();
  const auto& r = search.result();
  auto o = r.to_json();
  o["event"] = "lifetime";
  if (!common.json) {
    auto secs = [](gw::Duration d) { return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()); };
    if (!r.completed) {
      std::cout << "binding lifetime: search stopped: " << r.failure << "\n";
    } else {
      std::cout << "binding lifetime: at least " << secs(r.lower) << " s";
      if (r.upper) std::cout << ", less than " << secs(*r.upper) << " s";
      std::cout << "\nrecommended keep-alive interval: " << secs(r.recommended_keepalive)
                << " s (browsers send ICE consent checks every ~5 s, well within it)\n";
    }
  }
  return o;
}

int exit_code(const gw::stun::NatReport& r) {
  using gw::stun::Behaviour;
  if (!r.server_reachable) return kUnreachable;
  if (r.nat == gw::stun::Tri::no) return kDirectOk;
  if (r.mapping == Behaviour::address_dependent || r.mapping == Behaviour::address_and_port_dependent) {
    return kTurnNeeded;
  }
  if (!r.conclusive()) return kInconclusive;
  return kDirectOk;
}

}  // namespace

int run_nat(const ClientOptions& options, const NatOptions& nat, const gw::cli::CommonOptions& common) {
  auto targets = resolve_targets(options);
  if (!targets) {
    std::cerr << "stun-probe: " << targets.error().message << "\n";
    return gw::cli::kUsage;
  }
  const auto& target = targets->front();
  if (target.transport != gw::Transport::udp || targets->size() != 1) {
    std::cerr << "stun-probe: --nat runs over UDP only (RFC 5780 §4)\n";
    return gw::cli::kUsage;
  }
  auto bind = bind_address(options);
  if (!bind) {
    std::cerr << "stun-probe: " << bind.error().message << "\n";
    return gw::cli::kUsage;
  }
  // Socket 0 gets a concrete address so "mapped == local" (no NAT) can be told.
  gw::SocketAddress local0;
  if (*bind && !(*bind)->ip.is_unspecified() && (*bind)->port != 0) {
    local0 = **bind;
  } else {
    auto towards = gw::net::local_address_towards(target.address, true);
    if (!towards) {
      std::cerr << "stun-probe: " << towards.error().message << "\n";
      return kUnreachable;
    }
    local0 = *towards;
  }
  gw::SocketAddress local1{local0.ip, 0};

  boost::asio::io_context io;
  gw::stun::DiscoveryConfig config;
  config.server = target.address;
  config.transaction = make_config(options, 7.5);  // silence is a result here: don't wait 39.5 s
  config.large_packet_probe = !nat.skip_large;
  config.software = options.software;
  config.local = local0;
  std::unique_ptr<gw::stun::NatDiscovery> discovery;
  discovery = std::make_unique<gw::stun::NatDiscovery>(config);
  gw::net::UdpMachineRunner<gw::stun::NatDiscovery> runner(io, *discovery, {local0, local1}, target.address);
  int interrupted = 0;
  gw::net::SignalHandlers signals(io, {.on_shutdown = [&](int) { interrupted = 1; io.stop(); }, .on_stats = {}, .on_reload = {}});
  auto status = runner.start([&] { io.stop(); });
  if (!status) {
    std::cerr << "stun-probe: " << status.error().message << "\n";
    return gw::cli::kFailure;
  }
  io.run();
  if (interrupted) return gw::cli::kInterrupted;
  const auto& report = discovery->report();
  int code = exit_code(report);
  if (common.json) {
    auto o = report.to_json();
    o["server"] = target.label;
    o["rfc3489_name"] = report.rfc3489_name();
    o["verdict"] = report.webrtc_verdict();
    o["exit_code"] = code;
    gw::emit_json(o);
  } else {
    print_report(report);
  }
  if (nat.lifetime && report.server_reachable) {
    auto lifetime = run_lifetime(options, nat, target, local0.ip, common);
    if (common.json) {
      gw::emit_json(lifetime);
    }
  }
  return code;
}

}  // namespace stun_probe
