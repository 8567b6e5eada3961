// gw_load --mode signin: N WebSocket sessions (docs/API.md §2/§3) opened at
// `rate` per second, then all say hello and sign in at once; measures
// sign-ins per second (first hello -> last signin ok) and the latency of
// each signin request. Sessions stay open until all are done (closing one
// signs its DN out).
// Thread: main thread (runs its own io_context).
#pragma once

#include <cstdint>
#include <string>

#include "util/json_output.hpp"

namespace gw::load {

struct SigninOptions {
  std::string host, port, dn_prefix = "load";
  std::uint32_t sessions = 10;
  double rate = 20;  // new connections per second (docs/API.md §7: 20/s per IP)
  double timeout_s = 60;
};

// The summary object; `ok` is true when every session signed in.
json::object run_signin(const SigninOptions& o);

}  // namespace gw::load
