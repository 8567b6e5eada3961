// Commands sip-leg reads as JSON Lines on stdin (design brief §5):
//   {"cmd":"hangup"}  {"cmd":"answer"}  {"cmd":"reject","status":486,"reason":"Busy"}
//   {"cmd":"hold"}    {"cmd":"resume"}  {"cmd":"dtmf","digits":"12#","duration":100}
//   {"cmd":"stats"}
// ("command" is accepted for "cmd".) Thread: any (pure functions).
#pragma once

#include <string>
#include <string_view>

#include "util/result.hpp"

namespace gw::sip {

struct LegCommand {
  enum class Kind { hangup, answer, reject, hold, resume, dtmf, stats } kind = Kind::hangup;
  int status = 0;           // reject
  std::string reason;       // reject
  std::string digits;       // dtmf
  unsigned duration_ms = 100;
};

std::string_view to_string(LegCommand::Kind k);

// Errors: "cmd.json" (not a JSON object), "cmd.unknown", "cmd.bad-field".
Result<LegCommand> parse_leg_command(std::string_view line);

}  // namespace gw::sip
