#include "summary.hpp"

#include <map>

namespace gw::load {

namespace {

struct Totals {
  std::uint64_t up = 0, sent = 0, received = 0, late = 0, dup = 0, foreign = 0, unmarked = 0, rtcp = 0;
  std::uint64_t srtp_drops = 0, peer_gone = 0, consent_lost = 0;
  std::uint64_t silent_at_end = 0;  // up, but none of its last 2 s of packets came back
  double worst_loss = 0;
  IceCounters ice;
  std::vector<double> setup, ice_ms, dtls_ms;
  std::map<std::string, std::uint64_t> failures, profiles;
};

void add_ice(IceCounters& t, const IceCounters& c) {
  t.checks_sent += c.checks_sent;
  t.consent_sent += c.consent_sent;
  t.consent_ok += c.consent_ok;
  t.consent_failures += c.consent_failures;
  t.requests_answered += c.requests_answered;
  t.bad_integrity += c.bad_integrity;
  t.bad_fingerprint += c.bad_fingerprint;
  t.error_responses += c.error_responses;
}

void add_call(Totals& t, const CallRecord& c) {
  add_ice(t.ice, c.ice);
  if (c.setup_ms >= 0) t.setup.push_back(c.setup_ms);
  if (c.ice_ms) t.ice_ms.push_back(*c.ice_ms);
  if (c.dtls_ms) t.dtls_ms.push_back(*c.dtls_ms);
  if (!c.failure.empty()) t.failures[c.failure]++;
  if (!c.up) return;
  t.up++;
  t.profiles[c.srtp_profile]++;
  const auto& m = c.media;
  t.sent += m.sent;
  t.received += m.received;
  t.late += m.late;
  t.dup += m.duplicates;
  t.foreign += m.foreign;
  t.unmarked += m.unmarked;
  t.rtcp += m.rtcp;
  t.srtp_drops += c.srtp_drops;
  // 100 packets = 2 s of G.711 at 20 ms: a call silenced for good shows here.
  if (m.sent > 150 && m.highest_echoed + 100 < m.sent) t.silent_at_end++;
  t.peer_gone += c.peer_gone ? 1 : 0;
  t.consent_lost += c.consent_lost ? 1 : 0;
  // A call that was up but got nothing back at all is 100% loss, not "no data".
  double loss = m.sent == 0 ? 0
                            : 100.0 * static_cast<double>(m.sent - std::min(m.sent, m.received)) /
                                  static_cast<double>(m.sent);
  t.worst_loss = std::max(t.worst_loss, loss);
}

json::object count_json(const std::map<std::string, std::uint64_t>& m) {
  json::object o;
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

json::object failures_json(const Totals& t, const std::vector<WorkerResults>& workers) {
  json::object f = count_json(t.failures);
  json::object del;
  for (const auto& w : workers)
    for (const auto& [k, v] : w.delete_errors) del[k] = del.contains(k) ? del[k].as_uint64() + v : v;
  return {{"calls", f}, {"hangup", del}};
}

}  // namespace

json::object make_summary(const RunInfo& info, const std::vector<WorkerResults>& workers, Verdict& verdict) {
  Totals t;
  Histogram rtt;
  std::uint64_t deletes_ok = 0, connects = 0;
  double tick_late = 0;
  for (const auto& w : workers) {
    for (const auto& c : w.calls) add_call(t, c);
    rtt.merge(w.rtt);
    deletes_ok += w.deletes_ok;
    connects += w.http_connects;
    tick_late = std::max(tick_late, w.tick_late_max_ms);
  }
  double loss = t.sent == 0 ? 100.0
                            : 100.0 * static_cast<double>(t.sent - std::min(t.sent, t.received)) /
                                  static_cast<double>(t.sent);
  verdict.all_up = t.up == info.calls_requested && !info.interrupted;
  verdict.loss_ok = loss <= info.max_loss_pct;
  json::object s{
      {"mode", "call"},
      {"calls_requested", info.calls_requested},
      {"calls_up", t.up},
      {"duration_s", round_to(info.duration_s, 0.01)},
      {"setup_wall_s", round_to(info.setup_wall_s, 0.01)},
      {"media_start_ms", info.media_start_ms},
      {"media_end_ms", info.media_end_ms},
      {"setup_ms", summary_json(t.setup)},
      {"ice_ms", summary_json(t.ice_ms)},
      {"dtls_ms", summary_json(t.dtls_ms)},
      {"packets_sent", t.sent},
      {"media_packets_sent", info.media_packets_sent},
      // Below 100: the generator could not keep 50 packets/s per call (it skips
      // packets when its tick is over 100 ms late), so figures per call-second
      // must be taken per packet instead.
      {"send_rate_pct", t.up == 0 || info.duration_s <= 0
                            ? 0.0
                            : round_to(100.0 * static_cast<double>(info.media_packets_sent) /
                                           (static_cast<double>(t.up) * 50 * info.duration_s),
                                       0.1)},
      {"packets_received", t.received},
      {"calls_silent_at_end", t.silent_at_end},
      {"loss_pct", round_to(loss, 0.001)},
      {"worst_call_loss_pct", round_to(t.worst_loss, 0.001)},
      {"rtt_ms", rtt.to_json()},
      {"late", t.late},
      {"duplicates", t.dup},
      {"misrouted", t.foreign},
      {"unmarked", t.unmarked},
      {"rtcp_received", t.rtcp},
      {"srtp_drops", t.srtp_drops},
      {"srtp_profiles", count_json(t.profiles)},
      {"peer_gone", t.peer_gone},
      {"consent", json::object{{"sent", t.ice.consent_sent},
                               {"ok", t.ice.consent_ok},
                               {"failures", t.ice.consent_failures},
                               {"lost", t.consent_lost}}},
      {"ice", json::object{{"checks_sent", t.ice.checks_sent},
                           {"peer_checks_answered", t.ice.requests_answered},
                           {"bad_integrity", t.ice.bad_integrity},
                           {"bad_fingerprint", t.ice.bad_fingerprint},
                           {"error_responses", t.ice.error_responses}}},
      {"hangups_ok", deletes_ok},
      {"failures", failures_json(t, workers)},
      {"http_connections", connects},
      {"generator", json::object{{"cpu_s", round_to(info.generator_cpu_s, 0.01)},
                                 {"media_cpu_pct", round_to(info.generator_media_cpu_pct, 0.1)},
                                 {"tick_late_max_ms", round_to(tick_late, 0.1)}}},
      {"max_loss_pct", info.max_loss_pct},
  };
  s["ok"] = verdict.all_up && verdict.loss_ok;
  return s;
}

}  // namespace gw::load
