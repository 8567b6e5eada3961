// JSON on stdout: one object per result, or JSON Lines for event streams.
// Thread: any; each object is written whole under a lock and flushed.
#pragma once

#include <boost/json.hpp>
#include <string_view>

namespace gw {

namespace json = boost::json;

// Writes `obj` as one line to stdout and flushes (so pipes see it at once).
void emit_json(const json::value& obj);

// Builds {"event": name, "ts": <unix time in milliseconds, integer>, ...fields}.
json::object make_event(std::string_view name);

// Pretty-prints for a person (indent 2), used by tools that print one result.
std::string pretty_json(const json::value& v);

}  // namespace gw
