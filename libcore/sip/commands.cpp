#include "sip/commands.hpp"

#include <boost/json.hpp>

#include "sip/dtmf_info.hpp"

namespace gw::sip {
namespace json = boost::json;

std::string_view to_string(LegCommand::Kind k) {
  switch (k) {
    case LegCommand::Kind::hangup: return "hangup";
    case LegCommand::Kind::answer: return "answer";
    case LegCommand::Kind::reject: return "reject";
    case LegCommand::Kind::hold: return "hold";
    case LegCommand::Kind::resume: return "resume";
    case LegCommand::Kind::dtmf: return "dtmf";
    case LegCommand::Kind::stats: return "stats";
  }
  return "unknown";
}

namespace {

Result<long long> int_field(const json::object& o, const char* name, long long fallback, long long lo, long long hi) {
  const json::value* v = o.if_contains(name);
  if (!v) return fallback;
  if (!v->is_int64() && !v->is_uint64()) return make_error("cmd.bad-field", std::string(name) + " must be an integer");
  long long n = v->is_int64() ? v->as_int64() : static_cast<long long>(v->as_uint64());
  if (n < lo || n > hi) return make_error("cmd.bad-field", std::string(name) + " out of range");
  return n;
}

Result<std::string> string_field(const json::object& o, const char* name) {
  const json::value* v = o.if_contains(name);
  if (!v) return std::string();
  if (!v->is_string()) return make_error("cmd.bad-field", std::string(name) + " must be a string");
  return std::string(v->as_string());
}

}  // namespace

Result<LegCommand> parse_leg_command(std::string_view line) {
  boost::system::error_code ec;
  json::value v = json::parse(line, ec);
  if (ec || !v.is_object()) return make_error("cmd.json", "a command is one JSON object per line");
  const auto& o = v.as_object();
  auto name = string_field(o, o.contains("cmd") ? "cmd" : "command");
  if (!name) return name.error();
  LegCommand c;
  const std::string& n = *name;
  if (n == "hangup" || n == "bye") c.kind = LegCommand::Kind::hangup;
  else if (n == "answer") c.kind = LegCommand::Kind::answer;
  else if (n == "hold") c.kind = LegCommand::Kind::hold;
  else if (n == "resume" || n == "unhold") c.kind = LegCommand::Kind::resume;
  else if (n == "stats") c.kind = LegCommand::Kind::stats;
  else if (n == "reject") {
    c.kind = LegCommand::Kind::reject;
    auto status = int_field(o, "status", 486, 300, 699);
    if (!status) return status.error();
    c.status = static_cast<int>(*status);
    auto reason = string_field(o, "reason");
    if (!reason) return reason.error();
    c.reason = *reason;
  } else if (n == "dtmf") {
    c.kind = LegCommand::Kind::dtmf;
    auto digits = string_field(o, "digits");
    if (!digits) return digits.error();
    if (digits->empty() || digits->size() > 64) return make_error("cmd.bad-field", "digits: 1 to 64 DTMF symbols");
    for (char d : *digits) {
      auto norm = normalize_dtmf(d);
      if (!norm) return make_error("cmd.bad-field", std::string("not a DTMF digit: ") + d);
      c.digits.push_back(*norm);
    }
    auto dur = int_field(o, "duration", 100, 40, 5000);
    if (!dur) return dur.error();
    c.duration_ms = static_cast<unsigned>(*dur);
  } else {
    return make_error("cmd.unknown", "unknown command '" + n + "'");
  }
  return c;
}

}  // namespace gw::sip
