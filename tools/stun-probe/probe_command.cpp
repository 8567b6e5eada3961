// stun-probe SERVER...: Binding requests to every server and transport in
// parallel; UDP probes share one local socket so their mappings compare.
#include <boost/asio/io_context.hpp>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "net/datagram_port.hpp"
#include "net/signals.hpp"
#include "output.hpp"
#include "targets.hpp"
#include "util/json_output.hpp"

namespace stun_probe {

int run_probe(const ClientOptions& options, const gw::cli::CommonOptions& common) {
  auto targets = resolve_targets(options);
  if (!targets) {
    std::cerr << "stun-probe: " << targets.error().message << "\n";
    return gw::cli::kUsage;
  }
  auto bind = bind_address(options);
  if (!bind) {
    std::cerr << "stun-probe: " << bind.error().message << "\n";
    return gw::cli::kUsage;
  }
  boost::asio::io_context io;
  std::vector<gw::net::BindingResult> results(targets->size());
  std::vector<std::unique_ptr<gw::net::BindingProbe>> probes(targets->size());
  // One shared UDP socket per IP family.
  std::map<gw::IpAddress::Family, std::shared_ptr<gw::net::MessageChannel>> udp;
  std::size_t pending = targets->size();
  bool failed_to_start = false;

  auto done = [&](std::size_t i) {
    return [&, i](const gw::net::BindingResult& r) {
      results[i] = r;
      // A socket bound to the wildcard reports 0.0.0.0: show the source
      // address the kernel uses towards that server instead.
      if (results[i].local.ip.is_unspecified()) {
        if (auto towards = gw::net::local_address_towards(r.server, false)) results[i].local.ip = towards->ip;
      }
      if (common.json) gw::emit_json(to_json(results[i], (*targets)[i].label));
      if (--pending == 0) io.stop();
    };
  };
  for (std::size_t i = 0; i < targets->size(); ++i) {
    const auto& t = (*targets)[i];
    if (t.transport != gw::Transport::udp) {
      auto channel = make_channel(options, t);
      channel.local = *bind ? std::optional<gw::SocketAddress>{gw::SocketAddress{(*bind)->ip, 0}} : std::nullopt;
      probes[i] = std::make_unique<gw::net::BindingProbe>(io, channel, make_request(options), make_config(options), done(i));
      continue;
    }
    auto& shared = udp[t.address.ip.family];
    if (!shared) {
      auto channel = make_channel(options, t);
      channel.local = *bind;
      shared = gw::net::MessageChannel::create(io, channel);
      shared->start([] {},
                    [&](gw::ByteView data, const gw::SocketAddress& from) {
                      for (auto& p : probes) {
                        if (p) p->deliver(data, from);
                      }
                    },
                    [&](const gw::Error& e) {
                      std::cerr << "stun-probe: " << e.message << "\n";
                      failed_to_start = true;
                      io.stop();
                    });
    }
    probes[i] = std::make_unique<gw::net::BindingProbe>(io, shared, t.address, make_request(options),
                                                        make_config(options), done(i));
  }
  if (failed_to_start) return gw::cli::kFailure;
  for (auto& p : probes) p->start();
  int interrupted = 0;
  gw::net::SignalHandlers signals(io, {.on_shutdown = [&](int) { interrupted = 1; io.stop(); }, .on_stats = {}, .on_reload = {}});
  io.run();
  if (failed_to_start) return gw::cli::kFailure;
  if (interrupted) return gw::cli::kInterrupted;

  auto comparison = compare(results);
  if (common.json) {
    auto summary = gw::make_event("summary");
    summary["answered"] = comparison.answered;
    summary["failed"] = comparison.failed;
    boost::json::array notes;
    for (const auto& n : comparison.notes) notes.emplace_back(n);
    summary["notes"] = std::move(notes);
    summary["exit_code"] = comparison.exit_code;
    gw::emit_json(summary);
  } else {
    for (std::size_t i = 0; i < results.size(); ++i) print_result(std::cout, results[i], (*targets)[i].label);
    for (const auto& n : comparison.notes) std::cout << "note: " << n << "\n";
  }
  return comparison.exit_code;
}

}  // namespace stun_probe
