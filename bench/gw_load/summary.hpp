// gw_load's JSON summary of a call run (printed on stdout) and its verdict.
// Thread: main thread, after the workers have joined.
#pragma once

#include <cstdint>
#include <vector>

#include "util/json_output.hpp"
#include "worker.hpp"

namespace gw::load {

struct RunInfo {
  std::uint32_t calls_requested = 0;
  double duration_s = 0;                              // media phase, as run
  double setup_wall_s = 0;                            // first POST -> every call settled
  std::int64_t media_start_ms = 0, media_end_ms = 0;  // Unix ms: for run.sh's CPU samples
  double max_loss_pct = 0.1;
  double generator_cpu_s = 0;            // gw_load's own utime+stime
  std::uint64_t media_packets_sent = 0;  // during the media phase (all calls)
  double generator_media_cpu_pct = 0;    // the same during the media phase, % of one core
  bool interrupted = false;
};

struct Verdict {
  bool all_up = false;
  bool loss_ok = false;
};

json::object make_summary(const RunInfo& info, const std::vector<WorkerResults>& workers, Verdict& verdict);

}  // namespace gw::load
