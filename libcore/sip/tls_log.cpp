#include "sip/tls_log.hpp"

#include <sofia-sip/su_log.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>

#include "util/log.hpp"

extern "C" {
extern su_log_t tport_log[];  // libsofia-sip-ua's transport log (tport.h has no declaration)
}

namespace gw::sip {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.remove_suffix(1);
  return s;
}

// The text after `key` in `line`, or nullopt.
std::optional<std::string_view> after(std::string_view line, std::string_view key) {
  auto at = line.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  return trim(line.substr(at + key.size()));
}

struct Listeners {
  std::mutex mutex;
  unsigned next = 0;
  std::map<unsigned, std::function<void(const TlsFailure&)>> fns;
};
Listeners& listeners() {
  static Listeners l;
  return l;
}

thread_local TlsLogParser t_parser;

void on_tport_log(void*, char const* fmt, va_list ap) noexcept {
  try {
    char buf[1024];
    int n = std::vsnprintf(buf, sizeof buf, fmt, ap);
    if (n <= 0) return;
    std::string_view line(buf, std::min(static_cast<std::size_t>(n), sizeof buf - 1));
    GW_LOG(debug) << "sofia tport: " << trim(line);
    auto failure = t_parser.feed(line);
    if (!failure) return;
    GW_LOG(warn) << "sip: TLS: " << failure->reason;
    // Under the lock, so that a listener is never called once released.
    std::lock_guard lock(listeners().mutex);
    for (auto& [id, fn] : listeners().fns) fn(*failure);
  } catch (...) {
    // A C callback: nothing may escape.
  }
}

void install_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    unsigned level = 3;
    if (const char* env = std::getenv("TPORT_DEBUG")) level = std::max(level, static_cast<unsigned>(std::atoi(env)));
    su_log_redirect(tport_log, on_tport_log, nullptr);
    su_log_set_level(tport_log, level);
  });
}

}  // namespace

std::optional<TlsFailure> TlsLogParser::feed(std::string_view line) {
  // tls_post_connection_check: "%s(%p): Peer Subject Mismatch (%s)\n"
  if (auto rest = after(line, "Peer Subject Mismatch (")) {
    std::string host(rest->substr(0, rest->find(')')));
    if (host == "incoming connection") return std::nullopt;
    return TlsFailure{host, "the server's certificate does not name " + host +
                                " (subjectAltName or CN, RFC 5922 §7.2)"};
  }
  // tls_verify_cb: "-Error with certificate at depth: %i", "  issuer   = %s",
  // "  subject  = %s", "  err %i:%s".
  if (after(line, "-Error with certificate at depth:")) {
    in_cert_error_ = true;
    subject_.clear();
    return std::nullopt;
  }
  if (!in_cert_error_) return std::nullopt;
  if (auto subject = after(line, "subject  =")) {
    subject_ = std::string(*subject);
    return std::nullopt;
  }
  auto err = after(line, "err ");
  if (!err) return std::nullopt;
  in_cert_error_ = false;
  std::string_view text = *err;
  if (auto colon = text.find(':'); colon != std::string_view::npos) text.remove_prefix(colon + 1);
  std::string reason = "the server's certificate is not trusted: " + std::string(text);
  if (!subject_.empty()) reason += " (subject " + subject_ + ")";
  return TlsFailure{"", reason};
}

std::shared_ptr<void> watch_tls_failures(std::function<void(const TlsFailure&)> fn) {
  install_once();
  auto& l = listeners();
  std::lock_guard lock(l.mutex);
  unsigned id = ++l.next;
  l.fns[id] = std::move(fn);
  return {nullptr, [id](void*) {
            std::lock_guard inner(listeners().mutex);
            listeners().fns.erase(id);
          }};
}

}  // namespace gw::sip
