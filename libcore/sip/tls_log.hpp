// What sofia-sip says about TLS certificate checks on outgoing connections.
// With a verify policy it drops a connection whose server certificate is
// untrusted or names another host (RFC 5922 §7.2) and only logs why: the
// request itself would just time out (RFC 3261 §17.1.1.2, 32 s). We read
// its transport log (tport_log) to report the failure at once.
// Thread: TlsLogParser is a value type; watch_tls_failures() listeners run
// on the thread sofia-sip logs on (a user agent's GLib thread).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace gw::sip {

struct TlsFailure {
  std::string host;    // the host we connected to, when sofia-sip names it
  std::string reason;  // "the server's certificate does not name 127.0.0.1", ...
};

// Reads tport_log lines one by one (tport_tls.c: tls_verify_cb's
// "-Error with certificate at depth" block, tls_post_connection_check's
// "Peer Subject Mismatch (HOST)").
class TlsLogParser {
 public:
  std::optional<TlsFailure> feed(std::string_view line);

 private:
  bool in_cert_error_ = false;
  std::string subject_;
};

// Routes sofia-sip's transport log into ours (debug level; installed once
// per process, at level 3 or TPORT_DEBUG's if higher) and hands every TLS
// failure to `fn` until the returned handle is released.
std::shared_ptr<void> watch_tls_failures(std::function<void(const TlsFailure&)> fn);

}  // namespace gw::sip
