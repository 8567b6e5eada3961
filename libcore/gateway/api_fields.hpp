// Typed, bounded access to the fields of one JSON request object, shared
// by the WebSocket and HTTP parsers. Internal to libcore/gateway.
// Thread: any.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json.hpp>

#include "gateway/api_message.hpp"
#include "gateway/api_validate.hpp"
#include "util/result.hpp"

namespace gw::gateway::detail {

namespace json = boost::json;

inline std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Typed, bounded access to the fields of one request object.
class Fields {
 public:
  // `envelope`: "id" and "type" are allowed too (WebSocket frames).
  Fields(const json::object& o, const Limits& l, bool envelope) : o_(o), limits_(l), envelope_(envelope) {}

  [[nodiscard]] const Limits& limits() const { return limits_; }

  // Every key must be "id", "type" or one of `allowed`.
  [[nodiscard]] Status only(std::initializer_list<std::string_view> allowed) const {
    for (const auto& kv : o_) {
      std::string_view k = kv.key();
      if (envelope_ && (k == "id" || k == "type")) continue;
      bool known = false;
      for (auto a : allowed) known = known || a == k;
      if (!known) {
        std::string shown(k.substr(0, 64));
        return make_api_error(ErrorCode::unknown_field, "unknown field " + quoted(shown));
      }
    }
    return {};
  }

  [[nodiscard]] Result<std::optional<std::string>> opt_string(std::string_view k, std::size_t max) const {
    const json::value* v = o_.if_contains(k);
    if (v == nullptr) return std::optional<std::string>{};
    const json::string* s = v->if_string();
    if (s == nullptr) return make_api_error(ErrorCode::bad_field, quoted(k) + " must be a string");
    if (s->size() > max) {
      return make_api_error(ErrorCode::bad_field,
                            quoted(k) + " must be at most " + std::to_string(max) + " characters");
    }
    return std::optional<std::string>(std::string(*s));
  }

  [[nodiscard]] Result<std::string> string(std::string_view k, std::size_t max) const {
    auto s = opt_string(k, max);
    if (!s) return s.error();
    if (!s->has_value()) return make_api_error(ErrorCode::missing_field, "missing field " + quoted(k));
    return std::move(**s);
  }

  [[nodiscard]] Result<std::optional<bool>> opt_bool(std::string_view k) const {
    const json::value* v = o_.if_contains(k);
    if (v == nullptr) return std::optional<bool>{};
    if (!v->is_bool()) return make_api_error(ErrorCode::bad_field, quoted(k) + " must be true or false");
    return std::optional<bool>(v->get_bool());
  }

  [[nodiscard]] Result<std::optional<std::int64_t>> opt_int(std::string_view k, std::int64_t lo,
                                                           std::int64_t hi) const {
    const json::value* v = o_.if_contains(k);
    if (v == nullptr) return std::optional<std::int64_t>{};
    bool in_range = (v->is_int64() && v->get_int64() >= lo && v->get_int64() <= hi) ||
                    (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(hi) && lo <= 0);
    if (!in_range) {
      return make_api_error(ErrorCode::bad_field, quoted(k) + " must be an integer in " +
                                                      std::to_string(lo) + ".." + std::to_string(hi));
    }
    return std::optional<std::int64_t>(v->is_int64() ? v->get_int64() : static_cast<std::int64_t>(v->get_uint64()));
  }

  [[nodiscard]] Result<std::string> call_id() const {
    auto id = string("call_id", 1024);
    if (!id) return id;
    if (auto st = check_call_id(*id); !st) return st.error();
    return id;
  }

  [[nodiscard]] Result<std::string> sdp() const {
    auto s = string("sdp", limits_.max_frame_bytes);
    if (!s) return s;
    if (auto st = check_sdp(*s, limits_.max_sdp_bytes); !st) return st.error();
    return s;
  }

  [[nodiscard]] const json::value* raw(std::string_view k) const { return o_.if_contains(k); }

 private:
  const json::object& o_;
  const Limits& limits_;
  bool envelope_;
};

}  // namespace gw::gateway::detail
