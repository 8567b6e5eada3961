// Logging to stderr, never mixed with stdout output (design brief §5).
// Thread: any; each line is written whole under a lock.
#pragma once

#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace gw::log {

enum class Level { trace = 0, debug, info, warn, error, off };

std::optional<Level> parse_level(std::string_view name);
std::string_view level_name(Level level);

void set_level(Level level);
Level level();
inline bool enabled(Level l) { return l >= level() && l != Level::off; }

// Writes "2026-11-24T10:00:00.123Z stun-probe warn: message\n" to stderr.
void write(Level level, std::string_view message);
void set_program_name(std::string_view name);

// Collects one line and writes it on destruction.
class Line {
 public:
  explicit Line(Level level) : level_(level) {}
  Line(const Line&) = delete;
  Line& operator=(const Line&) = delete;
  ~Line() { write(level_, out_.str()); }
  template <class T>
  Line& operator<<(const T& v) {
    out_ << v;
    return *this;
  }

 private:
  Level level_;
  std::ostringstream out_;
};

}  // namespace gw::log

// Usage: GW_LOG(info) << "bound " << ep;  The stream is not evaluated when disabled.
// A one-pass `for` rather than if/else, so `if (x) GW_LOG(...) << ...;` is safe.
#define GW_LOG(lvl)                                                                  \
  for (bool gw_log_once_ = ::gw::log::enabled(::gw::log::Level::lvl); gw_log_once_; \
       gw_log_once_ = false)                                                         \
  ::gw::log::Line(::gw::log::Level::lvl)
