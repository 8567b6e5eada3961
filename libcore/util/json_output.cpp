#include "util/json_output.hpp"

#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

namespace gw {
namespace {
std::mutex g_stdout_mutex;

void pretty(std::string& out, const json::value& v, int indent) {
  auto pad = [&](int n) { out.append(static_cast<std::size_t>(n), ' '); };
  if (v.is_object()) {
    const auto& o = v.get_object();
    if (o.empty()) { out += "{}"; return; }
    out += "{\n";
    bool first = true;
    for (const auto& kv : o) {
      if (!first) out += ",\n";
      first = false;
      pad(indent + 2);
      out += json::serialize(json::value(kv.key()));
      out += ": ";
      pretty(out, kv.value(), indent + 2);
    }
    out += "\n";
    pad(indent);
    out += "}";
  } else if (v.is_array()) {
    const auto& a = v.get_array();
    if (a.empty()) { out += "[]"; return; }
    out += "[\n";
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (i) out += ",\n";
      pad(indent + 2);
      pretty(out, a[i], indent + 2);
    }
    out += "\n";
    pad(indent);
    out += "]";
  } else {
    out += json::serialize(v);
  }
}
}  // namespace

void emit_json(const json::value& obj) {
  std::string line = json::serialize(obj);
  line.push_back('\n');
  std::lock_guard lock(g_stdout_mutex);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

json::object make_event(std::string_view name) {
  using namespace std::chrono;
  json::object o;
  o["event"] = name;
  // Unix time in milliseconds, an integer: doubles serialize as 1.79E9.
  o["ts"] = static_cast<std::int64_t>(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
  return o;
}

std::string pretty_json(const json::value& v) {
  std::string out;
  pretty(out, v, 0);
  return out;
}

}  // namespace gw
