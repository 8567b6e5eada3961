// Per-source-IP token buckets with a bounded table, on the `now` passed in.
// Thread: any thread, one instance per thread.
#pragma once

#include <cstddef>
#include <unordered_map>

#include "util/clock.hpp"
#include "util/socket_address.hpp"

namespace gw::stun {

struct RateLimitConfig {
  double per_second = 0;        // refill rate per source IP; 0 turns limiting off
  double burst = 0;             // bucket size (at least 1)
  std::size_t max_sources = 65536;  // table bound
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimitConfig config);
  // True when `source` may send one more packet now (and takes its token).
  bool allow(const IpAddress& source, TimePoint now);
  // True when `source` has no token left now; takes nothing (e.g. check a
  // failure budget before the attempt, spend it only when the attempt fails).
  bool exhausted(const IpAddress& source, TimePoint now) const;
  [[nodiscard]] std::size_t tracked_sources() const { return current_.size() + previous_.size(); }
  [[nodiscard]] bool enabled() const { return config_.per_second > 0; }

 private:
  struct Bucket {
    double tokens = 0;
    TimePoint last{};
  };
  struct IpHash {
    std::size_t operator()(const IpAddress& a) const noexcept;
  };
  using Table = std::unordered_map<IpAddress, Bucket, IpHash>;

  Bucket& find_or_add(const IpAddress& source, TimePoint now);

  RateLimitConfig config_;
  // Two generations bound memory in O(1) per packet: when `current_` is full
  // it becomes `previous_` and the old `previous_` is forgotten. A forgotten
  // source just starts again with a full bucket, so a flood of spoofed
  // sources can at worst reset other sources' buckets, never grow memory.
  Table current_;
  Table previous_;
};

}  // namespace gw::stun
