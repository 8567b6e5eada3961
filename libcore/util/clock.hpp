// Time for sans-IO code: callers pass `now`; protocol code never reads a clock.
// Thread: any.
#pragma once

#include <chrono>

namespace gw {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = Clock::duration;
using std::chrono::milliseconds;
using std::chrono::microseconds;
using std::chrono::seconds;

// A fake clock for scenario tests: time moves only when told to.
class FakeClock {
 public:
  explicit FakeClock(TimePoint start = TimePoint{} + std::chrono::hours(1)) : now_(start) {}
  [[nodiscard]] TimePoint now() const { return now_; }
  void advance(Duration d) { now_ += d; }
  void set(TimePoint t) { now_ = t; }

 private:
  TimePoint now_;
};

inline double to_ms(Duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

}  // namespace gw
