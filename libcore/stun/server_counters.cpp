#include "stun/server_counters.hpp"

#include <numeric>

namespace gw::stun {

std::string_view drop_reason_name(DropReason r) {
  switch (r) {
    case DropReason::truncated: return "truncated";
    case DropReason::not_stun: return "not_stun";
    case DropReason::bad_cookie: return "bad_cookie";
    case DropReason::bad_length: return "bad_length";
    case DropReason::attribute_overflow: return "attribute_overflow";
    case DropReason::bad_fingerprint: return "bad_fingerprint";
    case DropReason::indication: return "indication";
    case DropReason::not_request: return "not_request";
    case DropReason::rate_limited: return "rate_limited";
    case DropReason::count_: break;
  }
  return "?";
}

std::uint64_t ServerCounters::dropped_total() const {
  return std::accumulate(dropped.begin(), dropped.end(), std::uint64_t{0});
}

boost::json::object ServerCounters::to_json() const {
  boost::json::object drops;
  for (std::size_t i = 0; i < dropped.size(); ++i) {
    drops[drop_reason_name(static_cast<DropReason>(i))] = dropped[i];
  }
  boost::json::object errors{{"400", error_400}, {"420", error_420}};
  return boost::json::object{
      {"received", received},   {"bytes_in", bytes_in},
      {"requests", requests},   {"rfc3489_requests", rfc3489_requests},
      {"responses", responses}, {"success", success},
      {"bytes_out", bytes_out}, {"change_requests", change_requests},
      {"response_port", response_port}, {"padded", padded},
      {"errors", std::move(errors)},    {"dropped", std::move(drops)},
      {"dropped_total", dropped_total()},
  };
}

}  // namespace gw::stun
