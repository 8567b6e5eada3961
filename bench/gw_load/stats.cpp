#include "stats.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace gw::load {

void Histogram::add(double ms) {
  auto i = static_cast<std::size_t>(std::max(0.0, ms) / kBucketMs);
  buckets_[std::min(i, kBuckets - 1)]++;
  count_++;
  max_ = std::max(max_, ms);
}

void Histogram::merge(const Histogram& other) {
  for (std::size_t i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
}

double Histogram::percentile(double p) const {
  if (count_ == 0) return 0;
  auto rank = static_cast<std::uint64_t>(std::ceil(p * static_cast<double>(count_)));
  rank = std::max<std::uint64_t>(rank, 1);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= rank) return (static_cast<double>(i) + 0.5) * kBucketMs;  // bucket middle
  }
  return max_;
}

double round_to(double v, double step) {
  return std::round(v / step) * step;
}

json::object Histogram::to_json() const {
  return {{"median", round_to(percentile(0.5), 0.01)},
          {"p95", round_to(percentile(0.95), 0.01)},
          {"p99", round_to(percentile(0.99), 0.01)},
          {"max", round_to(max_, 0.01)},
          {"n", count_}};
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

json::object summary_json(const std::vector<double>& v) {
  double mx = v.empty() ? 0 : *std::max_element(v.begin(), v.end());
  return {{"median", round_to(percentile(v, 0.5), 0.1)},
          {"p95", round_to(percentile(v, 0.95), 0.1)},
          {"max", round_to(mx, 0.1)},
          {"n", v.size()}};
}

}  // namespace gw::load

namespace gw::load {

namespace {

void write_json(std::string& out, const json::value& v, bool pretty, int depth) {
  auto newline = [&](int d) {
    if (!pretty) return;
    out += '\n';
    out.append(static_cast<std::size_t>(d) * 2, ' ');
  };
  switch (v.kind()) {
    case json::kind::double_: {
      char buf[32];
      auto r = std::to_chars(buf, buf + sizeof buf, v.get_double(), std::chars_format::general, 10);
      out.append(buf, r.ptr);
      return;
    }
    case json::kind::object: {
      const auto& o = v.get_object();
      out += '{';
      bool first = true;
      for (const auto& kv : o) {
        if (!first) out += ',';
        first = false;
        newline(depth + 1);
        out += json::serialize(json::string(kv.key()));
        out += pretty ? ": " : ":";
        write_json(out, kv.value(), pretty, depth + 1);
      }
      if (!o.empty()) newline(depth);
      out += '}';
      return;
    }
    case json::kind::array: {
      const auto& a = v.get_array();
      out += '[';
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (i) out += pretty ? ", " : ",";
        write_json(out, a[i], pretty, depth + 1);
      }
      out += ']';
      return;
    }
    default:
      out += json::serialize(v);
  }
}

}  // namespace

std::string json_text(const json::value& v, bool pretty) {
  std::string out;
  write_json(out, v, pretty, 0);
  return out;
}

}  // namespace gw::load
