#include "stun/lifetime_search.hpp"

#include <algorithm>
#include <cstdio>

#include "stun/attributes.hpp"

namespace gw::stun {

namespace {

std::string secs(Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", std::chrono::duration<double>(d).count());
  return buf;
}

double to_seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

boost::json::object LifetimeResult::to_json() const {
  boost::json::object o{{"completed", completed},
                        {"lower_s", to_seconds(lower)},
                        {"recommended_keepalive_s", to_seconds(recommended_keepalive)},
                        {"trials", trials}};
  o["upper_s"] = upper ? boost::json::value(to_seconds(*upper)) : boost::json::value(nullptr);
  if (!failure.empty()) o["failure"] = failure;
  return o;
}

LifetimeSearch::LifetimeSearch(LifetimeConfig config) : config_(std::move(config)) {
  config_.initial = std::max(config_.initial, Duration(milliseconds(1)));
  config_.max = std::max(config_.max, config_.initial);
}

RequestSpec LifetimeSearch::base_spec() const {
  RequestSpec spec;
  if (!config_.software.empty()) {
    const auto b = as_bytes(config_.software);
    spec.attributes.push_back({attr::software, Bytes(b.begin(), b.end())});
  }
  return spec;
}

std::vector<SendAction> LifetimeSearch::start(TimePoint now) {
  std::vector<SendAction> out;
  wait_ = config_.initial;
  begin_trial(now, out);
  return out;
}

void LifetimeSearch::begin_trial(TimePoint now, std::vector<SendAction>& out) {
  phase_ = Phase::refresh;
  ++result_.trials;
  events_.push_back({LifetimeEvent::Kind::trial_started, wait_, false,
                     "trial " + std::to_string(result_.trials) + ": waiting " + secs(wait_)});
  probe_ = probes_.start(0, config_.server, base_spec(), config_.transaction, now, out);
}

std::optional<TimePoint> LifetimeSearch::next_deadline() const {
  if (phase_ == Phase::waiting) return wait_until_;
  return probes_.next_deadline();
}

void LifetimeSearch::refresh_finished(const ClientTransaction& t, TimePoint now) {
  std::optional<SocketAddress> mapped;
  if (t.state() == ClientTransaction::State::succeeded && t.response()) {
    mapped = get_address(*t.response(), attr::xor_mapped_address);
  }
  if (!mapped) {
    fail("the server did not answer the binding request from socket X");
    return;
  }
  x_mapped_port_ = mapped->port;
  phase_ = Phase::waiting;
  wait_until_ = now + wait_;
}

std::vector<SendAction> LifetimeSearch::on_packet(std::size_t socket, const SocketAddress& /*from*/,
                                                  ByteView packet, TimePoint now) {
  std::vector<SendAction> out;
  auto m = decode(packet);
  if (!m || (phase_ != Phase::refresh && phase_ != Phase::check)) return out;
  const auto id = probes_.on_response(packet, *m, now, out);
  if (!id || *id != probe_) return out;
  const ClientTransaction t = probes_.get(probe_)->transaction;
  if (!t.done()) return out;
  probes_.erase(probe_);
  if (phase_ == Phase::refresh) {
    refresh_finished(t, now);
  } else if (t.state() != ClientTransaction::State::succeeded) {
    fail("the server refused RESPONSE-PORT (no RFC 5780 support)");
  } else if (socket != 0) {
    fail("the answer came back to socket Y: the server ignores RESPONSE-PORT");
  } else {
    trial_finished(true, now, out);
  }
  return out;
}

std::vector<SendAction> LifetimeSearch::on_timer(TimePoint now) {
  std::vector<SendAction> out;
  if (phase_ == Phase::waiting) {
    if (now < wait_until_) return out;
    // RFC 5780 §4.6: socket Y asks for the answer on X's mapped port.
    auto spec = base_spec();
    spec.attributes.push_back({attr::response_port, encode_response_port(x_mapped_port_)});
    phase_ = Phase::check;
    probe_ = probes_.start(1, config_.server, std::move(spec), config_.transaction, now, out);
    return out;
  }
  for (auto id : probes_.on_timer(now, out)) {
    probes_.erase(id);
    if (id != probe_) continue;
    if (phase_ == Phase::refresh) {
      fail("the server did not answer the binding request from socket X");
    } else {
      trial_finished(false, now, out);
    }
  }
  return out;
}

void LifetimeSearch::trial_finished(bool alive, TimePoint now, std::vector<SendAction>& out) {
  events_.push_back({LifetimeEvent::Kind::trial_result, wait_, alive,
                     "binding " + std::string(alive ? "alive" : "expired") + " after " +
                         secs(wait_)});
  (alive ? lo_ : hi_) = wait_;
  if (!hi_) {
    if (*lo_ >= config_.max) {
      finish();
      return;
    }
    wait_ = std::min(wait_ * 2, config_.max);  // grow until a binding dies
  } else {
    const Duration lo = lo_.value_or(Duration::zero());
    if (*hi_ - lo <= config_.resolution) {
      finish();
      return;
    }
    wait_ = lo + (*hi_ - lo) / 2;  // bisect
  }
  begin_trial(now, out);
}

void LifetimeSearch::finish() {
  phase_ = Phase::done;
  result_.completed = true;
  result_.lower = lo_.value_or(Duration::zero());
  result_.upper = hi_;
  const Duration basis = lo_ ? *lo_ : hi_.value_or(config_.initial);
  result_.recommended_keepalive = std::max(Duration(seconds(1)), basis / 2);
  std::string msg = "binding lifetime ";
  msg += hi_ ? "between " + secs(result_.lower) + " and " + secs(*hi_)
             : "at least " + secs(result_.lower);
  msg += "; keep-alive every " + secs(result_.recommended_keepalive);
  events_.push_back({LifetimeEvent::Kind::finished, result_.lower, true, msg});
}

void LifetimeSearch::fail(std::string why) {
  phase_ = Phase::done;
  result_.failure = why;
  result_.lower = lo_.value_or(Duration::zero());
  result_.upper = hi_;
  events_.push_back({LifetimeEvent::Kind::failed, wait_, false, std::move(why)});
}

std::vector<LifetimeEvent> LifetimeSearch::take_events() {
  std::vector<LifetimeEvent> e;
  e.swap(events_);
  return e;
}

}  // namespace gw::stun
