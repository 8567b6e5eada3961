// stun-probe's modes; each returns the process exit code (see exit_codes).
// Thread: main thread.
#pragma once

#include <string>
#include <vector>

#include "util/cli.hpp"
#include "util/clock.hpp"

namespace stun_probe {

// Exit codes beyond the shared ones (man/stun-probe.1, EXIT STATUS).
enum Exit : int {
  kDirectOk = 0,           // answered; for --nat: peer-to-peer friendly (or no NAT)
  kUnreachable = 3,        // no server answered (timeout/connect refused)
  kTurnNeeded = 10,        // --nat: mapping is address(-and-port)-dependent
  kInconclusive = 11,      // --nat: the server lacks RFC 5780 (OTHER-ADDRESS)
  kUdpBlocked = 12,        // UDP got no answer but TCP/TLS did
  kPartial = 13,           // some servers/transports answered, others did not
  kErrorResponse = 14,     // the server answered with an error (e.g. 401)
  kInconsistent = 15,      // servers saw different public addresses
};

struct ClientOptions {
  std::vector<std::string> servers;
  std::vector<std::string> transports;  // extra transports per server: udp,tcp,tls
  double timeout_s = 0;                 // overall per transaction; 0: the mode's default
  int rto_ms = 500;
  int retries = 7;                      // Rc
  std::string user, password;
  bool long_term = false;               // force long-term (else: on a 401 challenge)
  bool sha256 = false;                  // MESSAGE-INTEGRITY-SHA256 for short-term
  std::string bind;                     // local IP[:PORT] for UDP
  bool ipv4_only = false, ipv6_only = false;
  bool insecure = false;                // TLS: skip certificate checks
  std::string ca_file;
  std::string software;                 // SOFTWARE in requests (empty: none)
};

struct NatOptions {
  bool lifetime = false;
  double lifetime_max_s = 600;          // upper bound of the search
  bool skip_large = false;
};

struct AuditOptions {
  int samples = 20;                     // requests for the RTT distribution
};

struct ServeOptions {
  std::vector<std::string> listen;      // ADDR[:PORT]
  std::vector<std::string> alternate;   // IP[:PORT], paired with --listen in order
  std::string software = "stun-probe";
  bool no_tcp = false;
  bool always_fingerprint = false;
  bool always_mapped = false;
  double rate = 0, burst = 0;           // per source IP; 0 = off
  double stats_interval_s = 0;
  bool no_rfc3489 = false;
};

int run_probe(const ClientOptions& client, const gw::cli::CommonOptions& common);
int run_nat(const ClientOptions& client, const NatOptions& nat, const gw::cli::CommonOptions& common);
int run_audit(const ClientOptions& client, const AuditOptions& audit, const gw::cli::CommonOptions& common);
int run_serve(const ServeOptions& serve, const gw::cli::CommonOptions& common);

}  // namespace stun_probe
