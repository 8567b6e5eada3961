#include "stun/nat_discovery.hpp"

#include "stun/attributes.hpp"
#include "util/log.hpp"

namespace gw::stun {

NatDiscovery::NatDiscovery(DiscoveryConfig config) : config_(std::move(config)) {
  report_.local = config_.local;
}

std::string_view NatDiscovery::kind_name(Kind kind) {
  switch (kind) {
    case Kind::test1: return "test I";
    case Kind::filter2: return "filtering test II";
    case Kind::filter3: return "filtering test III";
    case Kind::large: return "large-packet probe";
    case Kind::hairpin: return "hairpinning test";
    case Kind::map2: return "mapping test II";
    case Kind::map3: return "mapping test III";
  }
  return "?";
}

// Where the answer must come from for the test to mean anything (RFC 5780 §4.4).
SocketAddress NatDiscovery::expected_source(Kind kind) const {
  const SocketAddress other = report_.other_address.value_or(config_.server);
  switch (kind) {
    case Kind::filter2: return other;                                   // IP2:P2
    case Kind::filter3: return SocketAddress{config_.server.ip, other.port};  // IP1:P2
    case Kind::map2: return SocketAddress{other.ip, config_.server.port};     // IP2:P1
    case Kind::map3: return other;
    default: return config_.server;
  }
}

void NatDiscovery::launch(Kind kind, int retries, TimePoint now, std::vector<SendAction>& out) {
  RequestSpec spec;
  spec.strict_fingerprint = false;  // a broken CRC is an ALG finding, not noise
  if (!config_.software.empty()) {
    const auto b = as_bytes(config_.software);
    spec.attributes.push_back({attr::software, Bytes(b.begin(), b.end())});
  }
  std::size_t socket = 0;
  SocketAddress to = config_.server;
  switch (kind) {
    case Kind::filter2:
      spec.attributes.push_back({attr::change_request, encode_change_request({true, true})});
      break;
    case Kind::filter3:
      spec.attributes.push_back({attr::change_request, encode_change_request({false, true})});
      break;
    case Kind::large: {
      // Header, PADDING header, FINGERPRINT and SOFTWARE surround the padding.
      std::size_t overhead = kHeaderSize + 4 + 8;
      for (const auto& a : spec.attributes) overhead += 4 + ((a.value.size() + 3) & ~std::size_t{3});
      const std::size_t pad = config_.large_packet_size > overhead
                                  ? (config_.large_packet_size - overhead) & ~std::size_t{3}
                                  : 0;
      spec.attributes.push_back({attr::padding, Bytes(pad, 0)});
      break;
    }
    case Kind::hairpin:  // RFC 5780 §4.5: from another local port to test I's mapping
      socket = 1;
      to = *report_.mapped;
      break;
    case Kind::map2:
    case Kind::map3:
      to = expected_source(kind);
      break;
    case Kind::test1:
      break;
  }
  const auto id = probes_.start(socket, to, std::move(spec), config_.transaction, now, out);
  pending_[id] = Pending{kind, retries};
  GW_LOG(debug) << "nat: " << kind_name(kind) << " -> " << to.to_string();
}

std::vector<SendAction> NatDiscovery::start(TimePoint now) {
  std::vector<SendAction> out;
  started_ = true;
  launch(Kind::test1, config_.negative_retries, now, out);
  return out;
}

std::optional<TimePoint> NatDiscovery::next_deadline() const { return probes_.next_deadline(); }

std::vector<SendAction> NatDiscovery::on_packet(std::size_t socket, const SocketAddress& from,
                                                ByteView packet, TimePoint now) {
  std::vector<SendAction> out;
  auto m = decode(packet);
  if (!m) return out;
  if (m->cls == Class::request) {
    // RFC 5780 §4.5: our own request from socket 1 arriving on socket 0.
    const auto id = probes_.find(m->transaction_id);
    if (socket == 0 && id && pending_.count(*id) != 0 && pending_[*id].kind == Kind::hairpin) {
      report_.hairpinning = Tri::yes;
      probes_.erase(*id);
      pending_.erase(*id);
    }
    return out;
  }
  const auto id = probes_.on_response(packet, *m, now, out);
  if (id && probes_.get(*id)->transaction.done()) finished(*id, &from, now, out);
  return out;
}

std::vector<SendAction> NatDiscovery::on_timer(TimePoint now) {
  std::vector<SendAction> out;
  for (auto id : probes_.on_timer(now, out)) finished(id, nullptr, now, out);
  return out;
}

void NatDiscovery::finished(ProbeSet::Id id, const SocketAddress* from, TimePoint now,
                            std::vector<SendAction>& out) {
  const Pending p = pending_.at(id);
  pending_.erase(id);
  const ClientTransaction t = probes_.get(id)->transaction;
  probes_.erase(id);
  using S = ClientTransaction::State;
  if (t.state() == S::timed_out && p.retries_left > 0) {
    launch(p.kind, p.retries_left - 1, now, out);  // silence must repeat to count
    return;
  }
  const bool answered = t.state() == S::succeeded;
  switch (p.kind) {
    case Kind::test1: after_test1(t, now, out); break;
    case Kind::filter2:
    case Kind::filter3: {
      Outcome o = answered ? Outcome::answered : t.state() == S::timed_out ? Outcome::silent
                                                                            : Outcome::refused;
      if (answered && from != nullptr && *from != expected_source(p.kind)) {
        report_.notes.push_back(std::string(kind_name(p.kind)) + ": answer came from " +
                                from->to_string() + ", not " +
                                expected_source(p.kind).to_string() +
                                " (server ignores CHANGE-REQUEST)");
        o = Outcome::refused;
      }
      after_filter(p.kind, o, now, out);
      break;
    }
    case Kind::large:
      if (answered) {
        report_.large_packets = Tri::yes;
      } else if (t.state() == S::timed_out) {
        report_.large_packets = Tri::no;
      } else {
        report_.not_run.push_back("large-packet probe: server refused PADDING");
      }
      break;
    case Kind::hairpin: report_.hairpinning = Tri::no; break;
    case Kind::map2:
    case Kind::map3: after_mapping(p.kind, t, now, out); break;
  }
}

void NatDiscovery::after_test1(const ClientTransaction& t, TimePoint now,
                               std::vector<SendAction>& out) {
  using S = ClientTransaction::State;
  if (t.state() == S::timed_out) {
    report_.not_run.push_back("all tests: the server did not answer test I");
    return;  // server_reachable stays false: UDP blocked or server down
  }
  report_.server_reachable = true;
  if (t.state() != S::succeeded || !t.response()) {
    const auto e = t.error();
    report_.not_run.push_back("all tests: the server answered test I with error " +
                              std::to_string(e ? e->code : 0));
    return;
  }
  const Message& r = *t.response();
  report_.mapped = get_address(r, attr::xor_mapped_address);
  report_.plain_mapped = get_address(r, attr::mapped_address);
  report_.response_origin = get_address(r, attr::response_origin);
  report_.other_address = get_address(r, attr::other_address);
  report_.changed_address = get_address(r, attr::changed_address);
  report_.software = get_text(r, attr::software).value_or("");
  if (!report_.mapped) {
    report_.mapped = report_.plain_mapped;
    report_.notes.push_back("no XOR-MAPPED-ADDRESS in the answer: an RFC 3489 server?");
  }
  if (!report_.mapped) {
    report_.not_run.push_back("all tests: the answer to test I carries no mapped address");
    return;
  }
  const auto& mapped = *report_.mapped;
  if (config_.local.ip.is_unspecified()) {
    report_.notes.push_back("local address unknown: NAT presence not judged");
  } else {
    report_.nat = mapped == config_.local ? Tri::no : Tri::yes;
  }
  if (config_.local.port != 0) {
    report_.port_preserved = mapped.port == config_.local.port ? Tri::yes : Tri::no;
  }
  if (t.response_fingerprint() == Check::mismatch) {
    report_.alg_detected = Tri::yes;
    report_.notes.push_back("FINGERPRINT broken in transit: something rewrites STUN payloads");
  }
  if (report_.plain_mapped && get_address(r, attr::xor_mapped_address)) {
    // RFC 5780 §4.2 / RFC 8489 §14.2: an ALG rewrites the plain address only.
    if (*report_.plain_mapped != mapped) report_.alg_detected = Tri::yes;
    if (report_.alg_detected == Tri::untested) report_.alg_detected = Tri::no;
  } else if (report_.alg_detected == Tri::untested) {
    report_.not_run.push_back("ALG detection: the server sent no MAPPED-ADDRESS");
  }
  if (config_.second_socket) {
    launch(Kind::hairpin, config_.negative_retries, now, out);
  } else {
    report_.not_run.push_back("hairpinning: no second local socket");
  }
  if (config_.large_packet_probe) launch(Kind::large, config_.negative_retries, now, out);

  const auto& other = report_.other_address;
  if (other && (other->ip == config_.server.ip || other->port == config_.server.port)) {
    report_.notes.push_back("OTHER-ADDRESS " + other->to_string() +
                            " does not differ in both IP and port from the server");
    report_.other_address.reset();
  }
  if (!report_.other_address) {
    const std::string why = report_.changed_address
                                ? "the server is RFC 3489-only (CHANGED-ADDRESS, no OTHER-ADDRESS)"
                                : "the server sent no OTHER-ADDRESS (no RFC 5780 support)";
    report_.not_run.push_back("filtering tests II and III: " + why);
    if (report_.nat == Tri::no) {
      report_.mapping = Behaviour::endpoint_independent;  // nothing translates
    } else {
      report_.not_run.push_back("mapping tests II and III: " + why);
    }
    return;
  }
  launch(Kind::filter2, config_.negative_retries, now, out);
  launch(Kind::filter3, config_.negative_retries, now, out);
}

void NatDiscovery::after_filter(Kind kind, Outcome outcome, TimePoint now,
                                std::vector<SendAction>& out) {
  (kind == Kind::filter2 ? filter2_ : filter3_) = outcome;
  if (filter2_ == Outcome::pending || filter3_ == Outcome::pending) return;
  // RFC 5780 §4.4.
  if (filter2_ == Outcome::answered) {
    report_.filtering = Behaviour::endpoint_independent;
    if (filter3_ != Outcome::answered) {
      report_.notes.push_back("filtering test III got no answer although test II did");
    }
  } else if (filter2_ == Outcome::silent && filter3_ == Outcome::answered) {
    report_.filtering = Behaviour::address_dependent;
  } else if (filter2_ == Outcome::silent && filter3_ == Outcome::silent) {
    report_.filtering = Behaviour::address_and_port_dependent;
  } else {
    report_.not_run.push_back("filtering: the server did not carry out CHANGE-REQUEST");
  }
  start_mapping_tests(now, out);
}

void NatDiscovery::start_mapping_tests(TimePoint now, std::vector<SendAction>& out) {
  if (report_.nat == Tri::no) {
    report_.mapping = Behaviour::endpoint_independent;  // RFC 5780 §4.3: no NAT
    return;
  }
  launch(Kind::map2, config_.negative_retries, now, out);
}

void NatDiscovery::after_mapping(Kind kind, const ClientTransaction& t, TimePoint now,
                                 std::vector<SendAction>& out) {
  std::optional<SocketAddress> m;
  if (t.state() == ClientTransaction::State::succeeded && t.response()) {
    m = get_address(*t.response(), attr::xor_mapped_address);
  }
  if (!m) {
    report_.not_run.push_back(std::string(kind_name(kind)) +
                              ": the server's alternate address did not answer");
    return;
  }
  if (kind == Kind::map2) {  // RFC 5780 §4.3 test II
    if (*m == *report_.mapped) {
      report_.mapping = Behaviour::endpoint_independent;
      return;
    }
    map2_ = m;
    launch(Kind::map3, config_.negative_retries, now, out);
    return;
  }
  report_.mapping = *m == *map2_ ? Behaviour::address_dependent  // test III
                                 : Behaviour::address_and_port_dependent;
}

}  // namespace gw::stun
