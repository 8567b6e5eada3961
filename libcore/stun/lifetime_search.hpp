// Binding lifetime discovery (RFC 5780 §4.6) as a sans-IO state machine.
//
// One trial with wait T: socket 0 (X) sends a Binding request, creating or
// refreshing its mapping and learning the mapped port; after T, socket 1 (Y)
// sends a request with RESPONSE-PORT = X's mapped port; the server answers to
// that port, so the answer reaches X only if X's binding is still alive.
// T doubles from `initial` until a binding dies (or `max` survives), then
// is bisected down to `resolution`. Minutes long on real NATs.
//
// Driving it: like NatDiscovery (start / on_packet / on_timer /
// next_deadline / done); take_events() gives progress lines to print.
// Thread: any thread, one instance per thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "stun/probe_set.hpp"

namespace gw::stun {

struct LifetimeConfig {
  SocketAddress server;
  Duration initial = seconds(15);
  Duration max = seconds(1200);
  Duration resolution = seconds(5);
  TransactionConfig transaction{};
  std::string software;
};

struct LifetimeEvent {
  enum class Kind { trial_started, trial_result, finished, failed };
  Kind kind = Kind::trial_started;
  Duration wait{};        // the trial's T
  bool alive = false;     // trial_result
  std::string message;    // a line a person can read
};

struct LifetimeResult {
  bool completed = false;
  std::string failure;                 // why it stopped early, when it did
  Duration lower{};                    // longest wait a binding survived
  std::optional<Duration> upper;       // shortest wait a binding did not survive
  Duration recommended_keepalive{};    // half the lower bound (or of upper)
  int trials = 0;
  [[nodiscard]] boost::json::object to_json() const;
};

class LifetimeSearch {
 public:
  explicit LifetimeSearch(LifetimeConfig config);

  std::vector<SendAction> start(TimePoint now);
  std::vector<SendAction> on_packet(std::size_t socket, const SocketAddress& from,
                                    ByteView packet, TimePoint now);
  std::vector<SendAction> on_timer(TimePoint now);
  [[nodiscard]] std::optional<TimePoint> next_deadline() const;
  [[nodiscard]] bool done() const { return phase_ == Phase::done; }
  [[nodiscard]] const LifetimeResult& result() const { return result_; }
  std::vector<LifetimeEvent> take_events();

 private:
  enum class Phase { idle, refresh, waiting, check, done };

  void begin_trial(TimePoint now, std::vector<SendAction>& out);
  void refresh_finished(const ClientTransaction& t, TimePoint now);
  void trial_finished(bool alive, TimePoint now, std::vector<SendAction>& out);
  void fail(std::string why);
  void finish();
  RequestSpec base_spec() const;

  LifetimeConfig config_;
  ProbeSet probes_;
  Phase phase_ = Phase::idle;
  ProbeSet::Id probe_ = 0;
  Duration wait_{};
  TimePoint wait_until_{};
  std::uint16_t x_mapped_port_ = 0;
  std::optional<Duration> lo_, hi_;
  LifetimeResult result_;
  std::vector<LifetimeEvent> events_;
};

}  // namespace gw::stun
