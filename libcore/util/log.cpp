#include "util/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace gw::log {
namespace {
std::atomic<Level> g_level{Level::warn};
std::mutex g_mutex;
std::string g_program = "webrtc-gw";
constexpr std::string_view kNames[] = {"trace", "debug", "info", "warn", "error", "off"};
}  // namespace

std::optional<Level> parse_level(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(Level::off); ++i) {
    if (kNames[i] == name) return static_cast<Level>(i);
  }
  if (name == "warning") return Level::warn;
  return std::nullopt;
}

std::string_view level_name(Level level) { return kNames[static_cast<int>(level)]; }
void set_level(Level level) { g_level.store(level, std::memory_order_relaxed); }
Level level() { return g_level.load(std::memory_order_relaxed); }

void set_program_name(std::string_view name) {
  std::lock_guard lock(g_mutex);
  g_program = std::string(name);
}

void write(Level lvl, std::string_view message) {
  using namespace std::chrono;
  auto now = system_clock::now();
  auto t = system_clock::to_time_t(now);
  auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  std::lock_guard lock(g_mutex);
  std::fprintf(stderr, "%s.%03dZ %s %s: %.*s\n", stamp, static_cast<int>(ms), g_program.c_str(),
               kNames[static_cast<int>(lvl)].data(), static_cast<int>(message.size()),
               message.data());
}

}  // namespace gw::log
