// In-memory network for NAT discovery tests: a simulated NAT (RFC 4787
// mapping/filtering behaviours, hairpinning, binding lifetime, fragment
// dropping, a payload-rewriting ALG) between two client sockets and the real
// gw::stun::Server on two addresses, with latency and seeded loss.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <vector>

#include "stun/attributes.hpp"
#include "stun/nat_report.hpp"
#include "stun/probe_set.hpp"
#include "stun/server.hpp"
#include "util/clock.hpp"

namespace gw::stun::sim {

inline SocketAddress addr(const char* text) { return SocketAddress::parse(text).value(); }

struct NatSpec {
  bool present = true;
  Behaviour mapping = Behaviour::endpoint_independent;
  Behaviour filtering = Behaviour::endpoint_independent;
  bool hairpin = false;
  bool preserve_port = false;
  bool drop_fragments = false;  // datagrams over 1500 bytes on the wire vanish
  bool alg = false;             // rewrites MAPPED-ADDRESS to the internal address
  Duration lifetime = seconds(120);
  bool udp_blocked = false;
};

class World {
 public:
  World(NatSpec nat, ServerConfig server_config, double loss = 0.0, unsigned seed = 1)
      : nat_(nat), server_(std::move(server_config)), loss_(loss), rng_(seed) {
    const bool pub = !nat.present;
    local_ = {addr(pub ? "203.0.113.7:5000" : "10.0.0.2:5000"),
              addr(pub ? "203.0.113.7:5001" : "10.0.0.2:5001")};
  }

  [[nodiscard]] const std::vector<SocketAddress>& local() const { return local_; }
  Server& server() { return server_; }
  FakeClock& clock() { return clock_; }
  int delivered_to_client = 0;

  void send_from_client(const std::vector<SendAction>& actions) {
    for (const auto& a : actions) client_out(a.socket, a.to, a.bytes);
  }

  // Runs a discovery-like machine until done; false when it stalls or
  // exceeds `limit` of simulated time.
  template <class Machine>
  bool run(Machine& m, Duration limit = std::chrono::hours(2)) {
    const TimePoint end = clock_.now() + limit;
    send_from_client(m.start(clock_.now()));
    while (!m.done()) {
      std::optional<TimePoint> next = m.next_deadline();
      if (!queue_.empty() && (!next || queue_.begin()->first < *next)) next = queue_.begin()->first;
      if (!next || *next > end) return false;
      clock_.set(std::max(*next, clock_.now()));
      deliver_due(m);
      const auto d = m.next_deadline();
      if (d && *d <= clock_.now()) send_from_client(m.on_timer(clock_.now()));
    }
    return true;
  }

 private:
  struct Packet {
    SocketAddress from, to;
    Bytes bytes;
    bool to_server;
  };
  struct Binding {
    SocketAddress internal, external, key_dest;
    std::vector<SocketAddress> contacted;
    TimePoint last_out;
  };

  bool lost() { return loss_ > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < loss_; }
  IpAddress public_ip() const { return addr("203.0.113.7:1").ip; }

  void enqueue(Packet p) {
    if (lost()) return;
    if (nat_.drop_fragments && p.bytes.size() + 28 > 1500) return;
    queue_.emplace(clock_.now() + milliseconds(10), std::move(p));
  }

  bool same_key(const Binding& b, const SocketAddress& internal, const SocketAddress& to) const {
    if (b.internal != internal) return false;
    switch (nat_.mapping) {  // RFC 4787 §4.1
      case Behaviour::address_dependent: return b.key_dest.ip == to.ip;
      case Behaviour::address_and_port_dependent: return b.key_dest == to;
      default: return true;
    }
  }

  void expire() {
    std::erase_if(bindings_, [&](const Binding& b) { return clock_.now() - b.last_out >= nat_.lifetime; });
  }

  SocketAddress translate_out(const SocketAddress& internal, const SocketAddress& to) {
    expire();
    for (auto& b : bindings_) {
      if (same_key(b, internal, to)) {
        b.last_out = clock_.now();
        b.contacted.push_back(to);
        return b.external;
      }
    }
    std::uint16_t port = nat_.preserve_port ? internal.port : next_port_++;
    for (const auto& b : bindings_) {
      if (b.external.port == port) port = next_port_++;
    }
    Binding b{internal, SocketAddress{public_ip(), port}, to, {to}, clock_.now()};
    bindings_.push_back(b);
    return b.external;
  }

  void client_out(std::size_t socket, const SocketAddress& to, const Bytes& bytes) {
    if (nat_.udp_blocked) return;
    SocketAddress src = local_.at(socket);
    if (nat_.present) src = translate_out(src, to);
    if (!nat_.present && std::find(local_.begin(), local_.end(), to) != local_.end()) {
      enqueue(Packet{src, to, bytes, false});
      return;
    }
    if (nat_.present && to.ip == public_ip()) {  // hairpin
      if (nat_.hairpin) inbound(Packet{src, to, bytes, false}, /*hairpin=*/true);
      return;
    }
    enqueue(Packet{src, to, bytes, true});
  }

  void inbound(Packet p, bool hairpin) {
    if (!nat_.present) {
      enqueue(std::move(p));
      return;
    }
    expire();
    for (const auto& b : bindings_) {
      if (b.external != p.to) continue;
      const bool allowed = hairpin || std::any_of(b.contacted.begin(), b.contacted.end(), [&](const SocketAddress& c) {
        switch (nat_.filtering) {
          case Behaviour::address_dependent: return c.ip == p.from.ip;
          case Behaviour::address_and_port_dependent: return c == p.from;
          default: return true;
        }
      });
      if (!allowed) return;
      p.to = b.internal;
      if (nat_.alg) rewrite_mapped(p.bytes, b.internal);
      enqueue(std::move(p));
      return;
    }
  }

  static void rewrite_mapped(Bytes& bytes, const SocketAddress& internal) {
    auto m = decode(bytes);
    if (!m) return;
    const auto* a = m->find(attr::mapped_address);
    if (a == nullptr) return;
    const auto v = encode_address(internal);
    if (v.size() == a->value.size()) std::copy(v.begin(), v.end(), bytes.begin() + static_cast<std::ptrdiff_t>(a->offset + 4));
  }

  template <class Machine>
  void deliver_due(Machine& m) {
    while (!queue_.empty() && queue_.begin()->first <= clock_.now()) {
      Packet p = std::move(queue_.begin()->second);
      queue_.erase(queue_.begin());
      if (p.to_server) {
        to_server(p);
        continue;
      }
      for (std::size_t k = 0; k < local_.size(); ++k) {
        if (local_[k] == p.to) {
          ++delivered_to_client;
          send_from_client(m.on_packet(k, p.from, p.bytes, clock_.now()));
        }
      }
    }
  }

  void to_server(const Packet& p) {
    for (auto s : server_.sockets()) {
      if (server_.address_of(s) != p.to) continue;
      auto r = server_.handle(p.bytes, p.from, s, clock_.now());
      if (r) inbound(Packet{server_.address_of(r->from), r->to, std::move(r->bytes), false}, false);
      return;
    }
  }

  NatSpec nat_;
  Server server_;
  double loss_;
  std::mt19937 rng_;
  FakeClock clock_;
  std::vector<SocketAddress> local_;
  std::vector<Binding> bindings_;
  std::uint16_t next_port_ = 40000;
  std::multimap<TimePoint, Packet> queue_;
};

inline ServerConfig rfc5780_server() {
  ServerConfig c;
  c.primary = addr("198.51.100.1:3478");
  c.alternate = addr("198.51.100.2:3479");
  return c;
}

}  // namespace gw::stun::sim
