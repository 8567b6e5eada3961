// Figures for gw_load's summary: a latency histogram (fixed 50 µs buckets,
// so a million RTT samples cost no memory) and order statistics of small
// sample vectors (set-up times: one per call).
// Thread: one thread per instance; merge() after the threads have joined.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "util/json_output.hpp"

namespace gw::load {

class Histogram {
 public:
  static constexpr double kBucketMs = 0.05;
  static constexpr std::size_t kBuckets = 40000;  // 0..2 s; above goes in the last bucket

  Histogram() : buckets_(kBuckets, 0) {}
  void add(double ms);
  void merge(const Histogram& other);
  [[nodiscard]] std::uint64_t count() const { return count_; }
  [[nodiscard]] double percentile(double p) const;  // p in [0, 1]; 0 when empty
  [[nodiscard]] double max() const { return max_; }
  // {"median", "p95", "p99", "max"} in ms, rounded to 0.01 ms.
  [[nodiscard]] json::object to_json() const;

 private:
  std::vector<std::uint32_t> buckets_;
  std::uint64_t count_ = 0;
  double max_ = 0;
};

// Nearest-rank percentile of unsorted samples; 0 when empty.
double percentile(std::vector<double> v, double p);
// {"median", "p95", "max", "n"} of the samples, ms rounded to 0.1.
json::object summary_json(const std::vector<double>& v);
double round_to(double v, double step);

}  // namespace gw::load

namespace gw::load {
// JSON text with plain decimals ("5.01", not Boost.JSON's "5.01E0"), one
// line or indented by 2 for a person.
std::string json_text(const json::value& v, bool pretty);
}  // namespace gw::load
