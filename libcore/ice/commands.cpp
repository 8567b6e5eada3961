#include "ice/commands.hpp"

#include <boost/json.hpp>

namespace gw::ice {

namespace json = boost::json;

namespace {

Result<std::string> string_field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return make_error("cmd.missing-field", "missing \"" + std::string(key) + "\"");
  if (!v->is_string()) return make_error("cmd.bad-field", "\"" + std::string(key) + "\" must be a string");
  return std::string(v->as_string());
}

Result<Command> credentials_cmd(const json::object& o) {
  auto ufrag = string_field(o, "ufrag");
  if (!ufrag) return ufrag.error();
  auto pwd = string_field(o, "pwd");
  if (!pwd) return pwd.error();
  if (auto st = check_credentials(*ufrag, *pwd); !st) return st.error();
  return Command{RemoteCredentialsCmd{{*ufrag, *pwd}}};
}

Result<Command> candidate_cmd(const json::object& o) {
  auto text = string_field(o, "candidate");
  if (!text) return text.error();
  if (text->empty()) return Command{EndOfCandidatesCmd{}};
  auto c = sdp::parse_candidate(*text);
  if (!c) return c.error();
  return Command{RemoteCandidateCmd{std::move(c.value())}};
}

}  // namespace

Result<Command> parse_command(std::string_view line) {
  boost::system::error_code ec;
  json::value v = json::parse(line, ec);
  if (ec) return make_error("cmd.bad-json", "not JSON: " + ec.message());
  if (!v.is_object()) return make_error("cmd.bad-json", "a command is a JSON object");
  const auto& o = v.as_object();
  auto name = string_field(o, "cmd");
  if (!name) return name.error();
  if (*name == "remote-credentials") return credentials_cmd(o);
  if (*name == "remote-candidate") return candidate_cmd(o);
  if (*name == "end-of-candidates") return Command{EndOfCandidatesCmd{}};
  if (*name == "remote-sdp") {
    auto sdp = string_field(o, "sdp");
    if (!sdp) return sdp.error();
    return Command{RemoteSdpCmd{std::move(sdp.value())}};
  }
  if (*name == "restart") return Command{RestartCmd{}};
  if (*name == "stats") return Command{StatsCmd{}};
  if (*name == "close") return Command{CloseCmd{}};
  return make_error("cmd.unknown", "unknown command \"" + *name +
                                       "\" (remote-credentials, remote-candidate, end-of-candidates, "
                                       "remote-sdp, restart, stats, close)");
}

}  // namespace gw::ice
