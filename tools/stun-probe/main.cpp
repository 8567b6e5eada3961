// stun-probe: STUN client, NAT behaviour discovery (RFC 5780), server audit,
// and a STUN server. Thin: options here, logic in libcore/stun and libcore/net.
#include <iostream>

#include "commands.hpp"
#include "util/cli.hpp"

namespace {

void add_client_options(CLI::App& app, stun_probe::ClientOptions& c) {
  app.add_option("--timeout", c.timeout_s, "Give up on a transaction after SECONDS (default 39.5, RFC 8489 §6.2.1; 7.5 with --nat)")
      ->check(CLI::Range(0.1, 3600.0));
  app.add_option("--rto", c.rto_ms, "Initial UDP retransmission timeout in ms (default 500)")
      ->check(CLI::Range(10, 60000));
  app.add_option("--retries", c.retries, "UDP requests per transaction, Rc (default 7)")->check(CLI::Range(1, 20));
  app.add_option("-u,--user", c.user, "Username for short-term or long-term credentials");
  app.add_option("-p,--password", c.password, "Password for the credentials");
  app.add_flag("--long-term", c.long_term, "Use long-term credentials from the start (default: on a 401 challenge)");
  app.add_flag("--sha256", c.sha256, "MESSAGE-INTEGRITY-SHA256 for short-term credentials");
  app.add_option("-b,--bind", c.bind, "Local address for UDP: IP[:PORT]");
  app.add_option("-t,--transport", c.transports, "Also probe each server over these: udp, tcp, tls")
      ->delimiter(',')
      ->check(CLI::IsMember({"udp", "tcp", "tls"}));
  app.add_flag("-4", c.ipv4_only, "Resolve server names to IPv4 only");
  app.add_flag("-6", c.ipv6_only, "Resolve server names to IPv6 only");
  app.add_flag("-k,--insecure", c.insecure, "TLS: do not verify the server certificate");
  app.add_option("--ca", c.ca_file, "TLS: trust this CA certificate (PEM)")->type_name("FILE");
  app.add_option("--software", c.software, "Send SOFTWARE with this text in requests");
}

void add_serve_options(CLI::App& serve, stun_probe::ServeOptions& s) {
  serve.add_option("-l,--listen", s.listen, "Listen on ADDR[:PORT] (UDP and TCP; default port 3478)")
      ->required()
      ->type_name("ADDR[:PORT]");
  serve.add_option("-a,--alternate", s.alternate,
                   "Second IP[:PORT] for RFC 5780 (OTHER-ADDRESS, CHANGE-REQUEST); pairs with --listen in order")
      ->type_name("IP[:PORT]");
  serve.add_option("--software", s.software, "SOFTWARE banner in responses (empty: none)");
  serve.add_flag("--no-tcp", s.no_tcp, "UDP only");
  serve.add_flag("--always-fingerprint", s.always_fingerprint, "FINGERPRINT in every response, not only when asked");
  serve.add_flag("--mapped-address", s.always_mapped, "Also send MAPPED-ADDRESS (lets clients detect ALGs)");
  serve.add_flag("--no-rfc3489", s.no_rfc3489, "Drop requests without the magic cookie");
  serve.add_option("--rate", s.rate, "Per-source-IP limit, requests per second (0: off)")->check(CLI::Range(0.0, 1e9));
  serve.add_option("--burst", s.burst, "Per-source-IP burst (default: --rate)")->check(CLI::Range(0.0, 1e9));
  serve.add_option("--stats-interval", s.stats_interval_s, "Print counters every SECONDS (also on SIGUSR1 and at exit)")
      ->check(CLI::Range(0.0, 86400.0));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "STUN client, NAT behaviour discovery (RFC 5780), STUN server audit, and STUN server.\n"
      "  stun-probe SERVER...         Binding request to each server (in parallel)\n"
      "  stun-probe --nat SERVER      NAT mapping/filtering behaviour and what it means for WebRTC\n"
      "  stun-probe --audit SERVER    what an operator should know about a STUN server\n"
      "  stun-probe serve --listen IP What a STUN server needs (RFC 5780 with --alternate)\n"
      "SERVER is host[:port], [v6]:port, or a stun:/stuns: URI (RFC 7064).",
      "stun-probe"};
  gw::cli::CommonOptions common;
  gw::cli::add_common_options(app, common);
  app.require_subcommand(0, 1);
  app.fallthrough();  // common options also after "serve"

  stun_probe::ClientOptions client;
  stun_probe::NatOptions nat;
  stun_probe::AuditOptions audit;
  bool nat_mode = false, audit_mode = false;
  app.add_option("servers", client.servers, "STUN servers")->type_name("SERVER");
  add_client_options(app, client);
  app.add_flag("--nat", nat_mode, "NAT behaviour discovery (RFC 5780 §4) against one server");
  app.add_flag("--lifetime", nat.lifetime, "With --nat: search the binding lifetime (RFC 5780 §4.6; minutes)");
  app.add_option("--lifetime-max", nat.lifetime_max_s, "Upper bound of the lifetime search in seconds (default 600)")
      ->check(CLI::Range(2.0, 7200.0));
  app.add_flag("--no-large", nat.skip_large, "With --nat: skip the large-packet (fragmentation) probe");
  app.add_flag("--audit", audit_mode, "Audit a STUN server");
  app.add_option("--samples", audit.samples, "With --audit: requests for the RTT distribution (default 20)")
      ->check(CLI::Range(1, 10000));

  stun_probe::ServeOptions serve_options;
  auto* serve = app.add_subcommand("serve", "Run a STUN server (RFC 8489; RFC 5780 with --alternate)");
  add_serve_options(*serve, serve_options);

  if (auto code = gw::cli::parse(app, common, argc, argv)) return *code;
  gw::cli::apply_logging(common, "stun-probe");

  if (serve->parsed()) return stun_probe::run_serve(serve_options, common);
  if (client.servers.empty()) {
    std::cerr << "stun-probe: name at least one SERVER (or use 'serve'); see --help\n";
    return gw::cli::kUsage;
  }
  if (nat_mode && audit_mode) {
    std::cerr << "stun-probe: --nat and --audit are separate runs\n";
    return gw::cli::kUsage;
  }
  if ((nat_mode || audit_mode) && client.servers.size() != 1) {
    std::cerr << "stun-probe: --nat and --audit take exactly one SERVER\n";
    return gw::cli::kUsage;
  }
  if (nat.lifetime && !nat_mode) {
    std::cerr << "stun-probe: --lifetime goes with --nat\n";
    return gw::cli::kUsage;
  }
  if (client.ipv4_only && client.ipv6_only) {
    std::cerr << "stun-probe: -4 and -6 exclude each other\n";
    return gw::cli::kUsage;
  }
  if (!client.password.empty() && client.user.empty()) {
    std::cerr << "stun-probe: --password needs --user\n";
    return gw::cli::kUsage;
  }
  if (nat_mode) return stun_probe::run_nat(client, nat, common);
  if (audit_mode) return stun_probe::run_audit(client, audit, common);
  return stun_probe::run_probe(client, common);
}
