// stun-probe serve: a STUN server (RFC 8489) with RFC 5780 when given a
// second address; counters on SIGUSR1, on --stats-interval and at exit.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <iostream>

#include "commands.hpp"
#include "net/datagram_port.hpp"
#include "net/signals.hpp"
#include "net/stun_server_host.hpp"
#include "util/json_output.hpp"
#include "util/log.hpp"

namespace stun_probe {
namespace {

gw::Result<gw::SocketAddress> parse_listen(const std::string& text, std::uint16_t default_port) {
  auto hp = gw::parse_host_port(text);
  if (!hp) return hp.error();
  auto ip = gw::net::resolve_host(hp->host);
  if (!ip) return ip.error();
  return gw::SocketAddress{*ip, hp->port.value_or(default_port)};
}

gw::Result<std::vector<gw::net::StunServerHostConfig>> make_configs(const ServeOptions& o) {
  if (o.alternate.size() > o.listen.size()) {
    return gw::make_error("usage", "more --alternate than --listen addresses (they pair in order)");
  }
  std::vector<gw::net::StunServerHostConfig> out;
  for (std::size_t i = 0; i < o.listen.size(); ++i) {
    auto primary = parse_listen(o.listen[i], 3478);
    if (!primary) return primary.error();
    gw::net::StunServerHostConfig c;
    c.server.primary = *primary;
    if (i < o.alternate.size()) {
      auto alt = parse_listen(o.alternate[i], primary->port == 3478 ? 3479 : primary->port + 1);
      if (!alt) return alt.error();
      if (alt->ip == primary->ip || alt->port == primary->port) {
        return gw::make_error("usage", "--alternate " + o.alternate[i] +
                                           " must differ from --listen in both IP and port (RFC 5780 §6)");
      }
      if (alt->ip.family != primary->ip.family) {
        return gw::make_error("usage", "--alternate must be of the same IP family as --listen");
      }
      c.server.alternate = *alt;
    }
    c.server.software = o.software;
    c.server.fingerprint = o.always_fingerprint ? gw::stun::FingerprintPolicy::always
                                                : gw::stun::FingerprintPolicy::when_requested;
    c.server.always_mapped_address = o.always_mapped;
    c.server.answer_rfc3489 = !o.no_rfc3489;
    c.server.rate_limit.per_second = o.rate;
    c.server.rate_limit.burst = o.burst > 0 ? o.burst : o.rate;
    c.tcp = !o.no_tcp;
    out.push_back(std::move(c));
  }
  return out;
}

void print_stats(const std::vector<std::unique_ptr<gw::net::StunServerHost>>& hosts, bool json,
                 std::string_view why) {
  for (const auto& h : hosts) {
    auto ev = gw::make_event("stats");
    ev["reason"] = why;
    ev["listen"] = h->primary().to_string();
    ev["counters"] = h->stats_json();
    if (json) {
      gw::emit_json(ev);
    } else {
      std::cout << "stats (" << why << ") " << h->primary().to_string() << ": "
                << boost::json::serialize(ev["counters"]) << std::endl;
    }
  }
}

}  // namespace

int run_serve(const ServeOptions& options, const gw::cli::CommonOptions& common) {
  auto configs = make_configs(options);
  if (!configs) {
    std::cerr << "stun-probe serve: " << configs.error().message << "\n";
    return gw::cli::kUsage;
  }
  boost::asio::io_context io;
  std::vector<std::unique_ptr<gw::net::StunServerHost>> hosts;
  for (auto& c : *configs) {
    auto host = gw::net::StunServerHost::open(io, c);
    if (!host) {
      std::cerr << "stun-probe serve: " << host.error().message << "\n";
      return gw::cli::kFailure;
    }
    auto ev = gw::make_event("listening");
    ev["primary"] = c.server.primary.to_string();
    if (c.server.alternate) ev["alternate"] = c.server.alternate->to_string();
    ev["tcp"] = c.tcp;
    ev["rfc5780"] = c.server.alternate.has_value();
    if (common.json) gw::emit_json(ev);
    if (!common.json && !common.quiet) {
      std::cout << "listening on udp" << (c.tcp ? "+tcp " : " ") << c.server.primary.to_string();
      if (c.server.alternate) std::cout << ", alternate " << c.server.alternate->to_string() << " (RFC 5780)";
      std::cout << std::endl;
    }
    hosts.push_back(std::move(host).value());
  }

  boost::asio::steady_timer stats_timer(io);
  std::function<void()> arm_stats = [&] {
    if (options.stats_interval_s <= 0) return;
    stats_timer.expires_after(std::chrono::duration_cast<gw::Duration>(
        std::chrono::duration<double>(options.stats_interval_s)));
    stats_timer.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      print_stats(hosts, common.json, "interval");
      arm_stats();
    });
  };
  arm_stats();

  gw::net::SignalHandlers signals(io, {.on_shutdown = [&](int) {
                                         for (auto& h : hosts) h->close();
                                         stats_timer.cancel();
                                         io.stop();
                                       },
                                       .on_stats = [&] { print_stats(hosts, common.json, "SIGUSR1"); },
                                       .on_reload = {}});
  io.run();
  print_stats(hosts, common.json, "exit");
  return gw::cli::kOk;
}

}  // namespace stun_probe
