// A set of client transactions, each bound to a local socket index and a
// destination, as used by the NAT discovery and lifetime state machines.
// Thread: any thread, one instance per thread.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "stun/client_transaction.hpp"
#include "util/socket_address.hpp"

namespace gw::stun {

// "Send these bytes from local socket #socket to `to`".
struct SendAction {
  std::size_t socket = 0;  // 0 = primary local socket, 1 = second local socket
  SocketAddress to;
  Bytes bytes;
};

class ProbeSet {
 public:
  using Id = int;
  struct Probe {
    ClientTransaction transaction;
    std::size_t socket;
    SocketAddress to;
  };

  Id start(std::size_t socket, const SocketAddress& to, RequestSpec spec,
           const TransactionConfig& config, TimePoint now, std::vector<SendAction>& out);
  // The probe whose transaction id the message carries, if still running.
  std::optional<Id> find(const TransactionId& tid) const;
  // Feeds a response; returns the probe that accepted it (resends go to `out`).
  std::optional<Id> on_response(ByteView packet, const Message& m, TimePoint now,
                                std::vector<SendAction>& out);
  // Retransmits due probes; returns those that timed out.
  std::vector<Id> on_timer(TimePoint now, std::vector<SendAction>& out);
  [[nodiscard]] std::optional<TimePoint> next_deadline() const;

  Probe* get(Id id);
  void erase(Id id) { probes_.erase(id); }
  [[nodiscard]] bool empty() const { return probes_.empty(); }

 private:
  std::map<Id, Probe> probes_;
  Id next_id_ = 1;
};

}  // namespace gw::stun
