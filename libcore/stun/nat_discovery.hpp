// NAT behaviour discovery (RFC 5780 §4.2-§4.5) as a sans-IO state machine
// driving client transactions over one or two local sockets.
//
// Driving it from a socket loop (socket 0 = primary, socket 1 = a second
// local socket on the same interface, used for the hairpinning test):
//   NatDiscovery d(config);
//   send_all(d.start(now));   // each SendAction: from socket #k to address
//   while (!d.done()):
//     wait for a datagram on socket k (source `from`) or until *d.next_deadline();
//     send_all(d.on_packet(k, from, bytes, now))  or  send_all(d.on_timer(now));
//   d.report()  -> NatReport (RFC 4787 terms, RFC 3489 name, WebRTC verdict)
// Test order: I; then filtering II+III, hairpinning and the large-packet
// probe in parallel (none of them opens a new filter hole); then mapping
// II, then III. Silence counts as a result only after the probe was run
// 1 + negative_retries times, so loss does not turn into a wrong verdict.
// Thread: any thread, one instance per thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "stun/nat_report.hpp"
#include "stun/probe_set.hpp"

namespace gw::stun {

struct DiscoveryConfig {
  SocketAddress server;             // the STUN server's primary address
  SocketAddress local;              // socket 0's address (for "no NAT"); 0.0.0.0 if unknown
  bool second_socket = true;        // socket 1 exists: run the hairpinning test
  bool large_packet_probe = true;
  std::size_t large_packet_size = 1600;  // STUN bytes in the probe (> 1500 MTU)
  int negative_retries = 1;         // re-runs before silence counts as a result
  TransactionConfig transaction{};
  std::string software;             // SOFTWARE in requests; empty: none
};

class NatDiscovery {
 public:
  explicit NatDiscovery(DiscoveryConfig config);

  std::vector<SendAction> start(TimePoint now);
  std::vector<SendAction> on_packet(std::size_t socket, const SocketAddress& from,
                                    ByteView packet, TimePoint now);
  std::vector<SendAction> on_timer(TimePoint now);
  [[nodiscard]] std::optional<TimePoint> next_deadline() const;
  [[nodiscard]] bool done() const { return started_ && pending_.empty(); }
  [[nodiscard]] const NatReport& report() const { return report_; }

 private:
  enum class Kind { test1, filter2, filter3, large, hairpin, map2, map3 };
  enum class Outcome { pending, answered, silent, refused };
  struct Pending {
    Kind kind;
    int retries_left;
  };

  void launch(Kind kind, int retries, TimePoint now, std::vector<SendAction>& out);
  void finished(ProbeSet::Id id, const SocketAddress* from, TimePoint now,
                std::vector<SendAction>& out);
  void after_test1(const ClientTransaction& t, TimePoint now, std::vector<SendAction>& out);
  void after_filter(Kind kind, Outcome outcome, TimePoint now, std::vector<SendAction>& out);
  void after_mapping(Kind kind, const ClientTransaction& t, TimePoint now,
                     std::vector<SendAction>& out);
  void start_mapping_tests(TimePoint now, std::vector<SendAction>& out);
  [[nodiscard]] SocketAddress expected_source(Kind kind) const;
  [[nodiscard]] static std::string_view kind_name(Kind kind);

  DiscoveryConfig config_;
  ProbeSet probes_;
  std::map<ProbeSet::Id, Pending> pending_;
  bool started_ = false;
  Outcome filter2_ = Outcome::pending;
  Outcome filter3_ = Outcome::pending;
  std::optional<SocketAddress> map2_;
  NatReport report_;
};

}  // namespace gw::stun
