#include "sip/leg_runner.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <mutex>

#include "net/datagram_port.hpp"
#include "net/signals.hpp"
#include "sip/commands.hpp"
#include "sip/glib_thread.hpp"
#include "sip/leg_events.hpp"
#include "sip/sdp_negotiator.hpp"
#include "sip/stdin_lines.hpp"
#include "util/cli.hpp"
#include "util/json_output.hpp"
#include "util/log.hpp"

namespace gw::sip {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using Mode = LegOptions::Mode;

class LegRunner {
 public:
  explicit LegRunner(const LegOptions& o) : opts_(o), timeout_timer_(io_), duration_timer_(io_) {}
  int run();

 private:
  // Main (Asio) thread.
  void output(const json::object& ev);
  void on_rtp_event(const RtpLegEvent& ev);
  void on_command(const std::string& line);
  void on_signal();
  void arm_timeout();
  void arm_duration();
  void on_call_ended_main(const CallEvent& ev);
  // GLib thread.
  void start_sip();
  void on_registration(const RegistrationEvent& ev);
  void on_incoming(const std::shared_ptr<Call>& call);
  void on_tls_failure(const TlsFailure& f);
  void on_call_event(const CallEvent& ev);
  void adopt(const std::shared_ptr<Call>& call);
  void call_ended(int code);
  void finish(int code);
  void shutdown_ua();
  std::shared_ptr<MediaNegotiator> make_negotiator() const;

  const LegOptions& opts_;
  asio::io_context io_;
  asio::steady_timer timeout_timer_, duration_timer_;
  std::unique_ptr<RtpLeg> rtp_;
  std::uint16_t rtp_port_ = 0;
  GlibThread glib_;
  std::unique_ptr<UserAgent> ua_;      // GLib thread
  std::shared_ptr<Call> call_;         // GLib thread
  unsigned calls_done_ = 0;            // GLib thread
  bool stopping_ = false;              // GLib thread
  bool answered_ = false;              // GLib thread (current call)
  std::atomic<int> exit_code_{cli::kOk};
  std::atomic<bool> interrupted_{false}, timed_out_{false};
  int signals_seen_ = 0;               // main thread
  std::mutex out_mutex_;
};

void LegRunner::output(const json::object& ev) {
  if (opts_.json) return emit_json(ev);
  std::string line = event_text(ev) + "\n";
  std::lock_guard lock(out_mutex_);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

std::shared_ptr<MediaNegotiator> LegRunner::make_negotiator() const {
  SdpNegotiatorConfig c;
  c.address = opts_.media_address;
  c.port = rtp_port_;
  c.codecs = opts_.codecs;
  c.ptime = opts_.ptime;
  c.single_codec = opts_.single_codec;
  return std::make_shared<SdpNegotiator>(std::move(c));
}

int LegRunner::run() {
  if (opts_.mode != Mode::register_only) {
    auto leg = RtpLeg::open(io_, opts_.rtp, [this](const RtpLegEvent& e) { on_rtp_event(e); });
    if (!leg) {
      GW_LOG(error) << "RTP: " << leg.error().message;
      return cli::kFailure;
    }
    rtp_ = std::move(*leg);
    rtp_port_ = rtp_->rtp_port();
  }
  glib_.start();
  std::string error;
  glib_.run_sync([&] {
    UserAgent::Callbacks cb;
    cb.on_registration = [this](const RegistrationEvent& e) { on_registration(e); };
    if (opts_.mode == Mode::listen) cb.on_incoming = [this](const std::shared_ptr<Call>& c) { on_incoming(c); };
    cb.on_tls_failure = [this](const TlsFailure& f) { on_tls_failure(f); };
    auto ua = UserAgent::create(glib_, opts_.ua, std::move(cb));
    if (!ua) error = ua.error().message;
    else ua_ = std::move(*ua);
  });
  if (!ua_) {
    GW_LOG(error) << "SIP: " << error;
    glib_.stop();
    return cli::kFailure;
  }
  json::object ready = make_event("listening");
  ready["sip"] = make_bind_url(opts_.ua);
  if (rtp_) {
    ready["rtp_port"] = rtp_port_;
    ready["media_address"] = opts_.media_address;
    ready["pipe"] = rtp_->pipe_local().to_string();
  }
  output(ready);

  auto guard = asio::make_work_guard(io_);
  net::SignalHandlers signals(io_, {[this](int) { on_signal(); }, nullptr, nullptr});
  StdinLines input(io_, [this](std::string line) { on_command(line); });
  input.start();
  arm_timeout();
  glib_.post([this] { start_sip(); });
  io_.run();

  input.stop();
  signals.cancel();
  glib_.run_sync([this] {
    call_.reset();
    ua_.reset();
  });
  glib_.stop();
  if (rtp_) rtp_->close();
  return exit_code_.load();
}

// ---- main thread -----------------------------------------------------------

void LegRunner::arm_timeout() {
  if (opts_.timeout_s == 0 || opts_.mode == Mode::register_only) return;
  timeout_timer_.expires_after(std::chrono::seconds(opts_.timeout_s));
  timeout_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    glib_.post([this] {
      if (answered_ || stopping_) return;
      timed_out_ = true;
      GW_LOG(warn) << "timeout: no " << (opts_.mode == Mode::call ? "answer" : "call") << " after " << opts_.timeout_s << " s";
      if (call_) call_->hangup();
      else finish(cli::kTimeout);
    });
  });
}

void LegRunner::arm_duration() {
  if (opts_.duration_s == 0) return;
  duration_timer_.expires_after(std::chrono::seconds(opts_.duration_s));
  duration_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    glib_.post([this] {
      if (opts_.mode == Mode::register_only) return finish(cli::kOk);
      if (call_) call_->hangup();
    });
  });
}

void LegRunner::on_rtp_event(const RtpLegEvent& ev) {
  if (ev.kind == RtpLegEvent::Kind::latched) {
    json::object o = make_event("latched");
    o["address"] = ev.address;
    return output(o);
  }
  json::object o = make_event("dtmf");
  o["digit"] = std::string(1, ev.digit);
  o["duration"] = ev.duration_ms;
  o["via"] = "rfc4733";
  output(o);
}

void LegRunner::on_command(const std::string& line) {
  auto cmd = parse_leg_command(line);
  if (!cmd) {
    json::object o = make_event("error");
    o["code"] = cmd.error().code;
    o["message"] = cmd.error().message;
    return output(o);
  }
  if (cmd->kind == LegCommand::Kind::stats) {
    json::object o = make_event("stats");
    if (rtp_) o["rtp"] = rtp_counters_json(rtp_->counters());
    return output(o);
  }
  if (cmd->kind == LegCommand::Kind::dtmf && opts_.dtmf == LegOptions::Dtmf::rfc4733 && rtp_ &&
      rtp_->send_dtmf(cmd->digits, cmd->duration_ms))
    return;
  LegCommand c = *cmd;
  glib_.post([this, c] {
    if (c.kind == LegCommand::Kind::hangup && !call_ && opts_.mode != Mode::call) return finish(cli::kOk);
    if (!call_) return;
    switch (c.kind) {
      case LegCommand::Kind::hangup: call_->hangup(); break;
      case LegCommand::Kind::answer: call_->answer(); break;
      case LegCommand::Kind::reject: call_->reject(c.status, c.reason); break;
      case LegCommand::Kind::hold: call_->hold(); break;
      case LegCommand::Kind::resume: call_->resume(); break;
      case LegCommand::Kind::dtmf:
        for (char d : c.digits) call_->send_dtmf_info(d, c.duration_ms);
        break;
      case LegCommand::Kind::stats: break;
    }
  });
}

void LegRunner::on_signal() {
  // A second signal stops at once (SignalHandlers drops the duplicate
  // delivery of one signal, e.g. by timeout(1)).
  if (++signals_seen_ > 1) {
    exit_code_ = cli::kInterrupted;
    io_.stop();
    return;
  }
  interrupted_ = true;
  glib_.post([this] {
    if (call_ && call_->phase() != CallPhase::ended) return call_->hangup();
    finish(opts_.mode == Mode::call ? cli::kInterrupted : cli::kOk);
  });
}

void LegRunner::on_call_ended_main(const CallEvent& ev) {
  json::object o = call_event_json(ev);
  if (rtp_) {
    o["rtp"] = rtp_counters_json(rtp_->counters());
    rtp_->reset();
  }
  duration_timer_.cancel();
  output(o);
  int code = exit_code_for(ev);
  if (ev.cause == EndCause::cancelled && timed_out_) code = cli::kTimeout;
  else if (ev.cause == EndCause::cancelled && interrupted_) code = cli::kInterrupted;
  glib_.post([this, code] { call_ended(code); });
}

// ---- GLib thread -------------------------------------------------------------

void LegRunner::start_sip() {
  if (opts_.registration) {
    if (auto st = ua_->start_registration(*opts_.registration); !st) {
      GW_LOG(error) << st.error().message;
      return finish(kExitRegisterFailed);
    }
  }
  if (opts_.mode == Mode::register_only && !opts_.registration) return finish(cli::kUsage);
  if (opts_.mode != Mode::call) return;
  auto call = ua_->call(opts_.target, make_negotiator(), [this](const CallEvent& e) { on_call_event(e); });
  if (!call) {
    GW_LOG(error) << call.error().message;
    return finish(cli::kFailure);
  }
  call_ = *call;
}

void LegRunner::on_registration(const RegistrationEvent& ev) {
  output(registration_json(ev));
  if (ev.state == RegistrationState::registered && !ev.refresh && !ev.recovered &&
      opts_.mode == Mode::register_only)
    asio::post(io_, [this] { arm_duration(); });
  if (ev.state == RegistrationState::failed && ev.final && !stopping_)
    finish(ev.status == 401 || ev.status == 407 || ev.status == 904 ? kExitAuthFailed : kExitRegisterFailed);
  if (ev.state == RegistrationState::unregistered && stopping_) shutdown_ua();
}

// --tls-verify refused a server (sip/tls_log.hpp): the call or registration
// that needed it cannot go on, so we stop now rather than after the 32 s
// transaction timeout. A listener that is not registering only reports it.
void LegRunner::on_tls_failure(const TlsFailure& f) {
  json::object o = make_event("tls_failed");
  if (!f.host.empty()) o["host"] = f.host;
  o["reason"] = f.reason;
  output(o);
  bool needed = opts_.mode != Mode::listen || (opts_.registration && !ua_->registered());
  if (needed && !stopping_) finish(kExitTlsRefused);
}

void LegRunner::on_incoming(const std::shared_ptr<Call>& call) {
  if (call_ || stopping_) {  // one call at a time
    call->set_handler([](const CallEvent&) {});
    call->reject(486, "Busy Here");
    return;
  }
  adopt(call);
  json::object o = make_event("incoming");
  o["from"] = call->remote_uri();
  o["call_id"] = call->call_id();
  o["offer"] = call->offer_in_invite();
  output(o);
  call->ring();
  if (call->phase() == CallPhase::ended || !opts_.auto_answer) return;
  if (opts_.answer_delay_ms == 0) return call->answer();
  std::weak_ptr<Call> weak = call;
  auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(opts_.answer_delay_ms));
  timer->async_wait([this, weak, timer](const boost::system::error_code& ec) {
    if (ec) return;
    glib_.post([weak] {
      if (auto c = weak.lock()) c->answer();
    });
  });
}

void LegRunner::adopt(const std::shared_ptr<Call>& call) {
  call_ = call;
  answered_ = false;
  call->set_media(make_negotiator());
  call->set_handler([this](const CallEvent& e) { on_call_event(e); });
}

void LegRunner::on_call_event(const CallEvent& ev) {
  if (ev.kind == CallEventKind::ended) {
    // Free the slot now: the next INVITE may already be queued behind us.
    // (The user agent still holds the call until after this handler.)
    call_.reset();
    answered_ = false;
    asio::post(io_, [this, ev] { on_call_ended_main(ev); });
    return;
  }
  output(call_event_json(ev));
  if (ev.media && rtp_) {
    NegotiatedMedia m = *ev.media;
    asio::post(io_, [this, m] { rtp_->set_media(m); });
  }
  if (ev.kind == CallEventKind::answered) {
    answered_ = true;
    asio::post(io_, [this] {
      timeout_timer_.cancel();
      arm_duration();
    });
  }
}

void LegRunner::call_ended(int code) {
  ++calls_done_;
  if (opts_.mode == Mode::call || interrupted_ || (opts_.max_calls && calls_done_ >= opts_.max_calls))
    return finish(code);
  asio::post(io_, [this] { arm_timeout(); });
}

void LegRunner::finish(int code) {
  if (stopping_) return;
  stopping_ = true;
  exit_code_ = code;
  if (call_ && call_->phase() != CallPhase::ended) call_->hangup();
  if (ua_->registered()) {
    ua_->unregister();  // on_registration(unregistered) continues
    auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::seconds(3));
    timer->async_wait([this, timer](const boost::system::error_code&) { glib_.post([this] { shutdown_ua(); }); });
    return;
  }
  shutdown_ua();
}

void LegRunner::shutdown_ua() {
  static_cast<void>(0);
  if (!ua_) return;
  ua_->shutdown([this] { asio::post(io_, [this] { io_.stop(); }); });
}

}  // namespace

std::string default_media_address(const std::string& explicit_address, const std::string& advertise,
                                  const std::string& rtp_host, const std::string& sip_host) {
  if (!explicit_address.empty()) return explicit_address;
  if (!advertise.empty()) {
    if (auto ip = net::resolve_host(advertise)) return ip->to_string();
    return advertise;
  }
  for (const auto* host : {&rtp_host, &sip_host}) {
    auto ip = IpAddress::parse(*host);
    if (ip && !ip->is_unspecified()) return ip->to_string();
  }
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  std::string out = "127.0.0.1";
  if (fd >= 0) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(9);
    to.sin_addr.s_addr = htonl(0xC0000201);  // 192.0.2.1 (RFC 5737): routing only, nothing is sent
    sockaddr_in local{};
    socklen_t len = sizeof local;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0 &&  // NOLINT
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0) {  // NOLINT
      char buf[INET_ADDRSTRLEN];
      if (inet_ntop(AF_INET, &local.sin_addr, buf, sizeof buf)) out = buf;
    }
    ::close(fd);
  }
  return out;
}

int run_leg(const LegOptions& options) {
  LegRunner runner(options);
  return runner.run();
}

}  // namespace gw::sip
