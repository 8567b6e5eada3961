#include "stun/probe_set.hpp"

namespace gw::stun {

ProbeSet::Id ProbeSet::start(std::size_t socket, const SocketAddress& to, RequestSpec spec,
                             const TransactionConfig& config, TimePoint now,
                             std::vector<SendAction>& out) {
  const Id id = next_id_++;
  auto [it, inserted] =
      probes_.emplace(id, Probe{ClientTransaction(std::move(spec), config), socket, to});
  out.push_back(SendAction{socket, to, it->second.transaction.start(now)});
  return id;
}

std::optional<ProbeSet::Id> ProbeSet::find(const TransactionId& tid) const {
  for (const auto& [id, p] : probes_) {
    if (p.transaction.transaction_id() == tid && !p.transaction.done()) return id;
  }
  return std::nullopt;
}

std::optional<ProbeSet::Id> ProbeSet::on_response(ByteView packet, const Message& m,
                                                  TimePoint now, std::vector<SendAction>& out) {
  const auto id = find(m.transaction_id);
  if (!id) return std::nullopt;
  Probe& p = probes_.at(*id);
  auto r = p.transaction.on_response(packet, m, now);
  if (!r.accepted) return std::nullopt;
  if (r.send) out.push_back(SendAction{p.socket, p.to, std::move(*r.send)});
  return id;
}

std::vector<ProbeSet::Id> ProbeSet::on_timer(TimePoint now, std::vector<SendAction>& out) {
  std::vector<Id> finished;
  for (auto& [id, p] : probes_) {
    const auto deadline = p.transaction.next_deadline();
    if (!deadline || now < *deadline) continue;
    auto a = p.transaction.on_timer(now);
    if (a.send) out.push_back(SendAction{p.socket, p.to, std::move(*a.send)});
    if (a.finished) finished.push_back(id);
  }
  return finished;
}

std::optional<TimePoint> ProbeSet::next_deadline() const {
  std::optional<TimePoint> next;
  for (const auto& [id, p] : probes_) {
    const auto d = p.transaction.next_deadline();
    if (d && (!next || *d < *next)) next = d;
  }
  return next;
}

ProbeSet::Probe* ProbeSet::get(Id id) {
  auto it = probes_.find(id);
  return it == probes_.end() ? nullptr : &it->second;
}

}  // namespace gw::stun
