// gw_load: plays many WebRTC "browsers" against webrtc-gw (design brief §8).
//
//   gw_load --gateway 127.0.0.1:8443 --calls 100 --rate 20 --duration 20
//   gw_load --gateway 127.0.0.1:8443 --mode signin --calls 500
//
// Call mode, per call: a Chromium-like audio offer POSTed to /api/v1/calls
// (docs/API.md §6) over keep-alive HTTPS, ICE as the controlling full agent
// against the gateway's lite one (STUN checks, consent), DTLS-SRTP through a
// media::Bridge whose plain side is in-process, one PCMU packet per 20 ms and
// the echo counted (loss, order, round-trip time). A JSON summary goes to
// stdout. Exit: 0 ok, 10 some call did not come up, 11 loss over --max-loss,
// 1 runtime error, 2 usage, 130 interrupted.
#include <sys/resource.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <thread>

#include "signin.hpp"
#include "summary.hpp"
#include "util/cli.hpp"
#include "util/endpoint.hpp"
#include "util/log.hpp"
#include "worker.hpp"

namespace {

using namespace gw;
using namespace gw::load;

constexpr int kNotAllUp = 10;
constexpr int kLossOverLimit = 11;

std::atomic<bool> g_interrupted{false};
// First SIGINT/SIGTERM: stop the media and hang up; a second one: exit now.
extern "C" void on_signal(int) {
  if (g_interrupted.exchange(true)) std::_Exit(cli::kInterrupted);
}

struct Options {
  cli::CommonOptions common;
  std::string gateway, target = "echo", bind = "127.0.0.1", codec = "PCMU", mode = "call", dn_prefix = "load";
  std::uint32_t calls = 10, threads = 1, connections = 4;
  double rate = 20, duration = 20, max_loss = 0.1, setup_timeout = 30;
  bool no_hangup = false;
  std::string offer_file, answer_file;
};

void add_options(CLI::App& app, Options& o) {
  app.add_option("--gateway", o.gateway, "The gateway's HTTPS port, HOST:PORT");
  app.add_option("--mode", o.mode, "call: echo calls with media; signin: WebSocket sign-ins")
      ->check(CLI::IsMember({"call", "signin"}))
      ->capture_default_str();
  app.add_option("--target", o.target, "Call target (docs/API.md §3)")->capture_default_str();
  app.add_option("--calls", o.calls, "Concurrent calls (signin: sessions)")->capture_default_str();
  app.add_option("--rate", o.rate, "Call set-ups (signin: connections) per second")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--duration", o.duration, "Seconds of media once every call is up")->capture_default_str();
  app.add_option("--bind", o.bind, "Local IP of the media sockets (our host candidates)")
      ->capture_default_str();
  app.add_option("--codec", o.codec, "Offered G.711 codec")
      ->check(CLI::IsMember({"PCMU", "PCMA"}))
      ->capture_default_str();
  app.add_option("--threads", o.threads, "Loop threads (calls are spread over them)")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--connections", o.connections, "Keep-alive HTTPS connections per thread")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--max-loss", o.max_loss, "Packet loss (%) above which the run fails (exit 11)")
      ->capture_default_str();
  app.add_option("--setup-timeout", o.setup_timeout,
                 "Seconds, after the last POST, for every call to come up")
      ->capture_default_str();
  app.add_flag("--no-hangup", o.no_hangup,
               "Vanish at the end: no DELETE, no close_notify (the gateway must notice by consent loss)");
  app.add_option("--dn-prefix", o.dn_prefix, "signin: DNs are PREFIX0, PREFIX1, ...")->capture_default_str();
  // Hidden: one call through files instead of HTTP (examples/browser-echo/answer.sh).
  app.add_option("--offer-file", o.offer_file)->group("");
  app.add_option("--answer-file", o.answer_file)->group("");
}

double cpu_seconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  auto s = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
  };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

// One UDP socket per call: lift the soft descriptor limit to the hard one.
void raise_fd_limit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    (void)::setrlimit(RLIMIT_NOFILE, &rl);
  }
}

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Sleeps until `until` or an interrupt, in short steps.
void sleep_until(TimePoint until) {
  while (!g_interrupted && Clock::now() < until) std::this_thread::sleep_for(milliseconds(20));
}

void print(const Options& o, const json::object& summary) {
  std::cout << json_text(summary, !o.common.json) << std::endl;
}

std::vector<std::unique_ptr<Worker>> make_workers(const Options& o, const HostPort& gw, const IpAddress& bind,
                                                  std::atomic<std::uint32_t>& settled) {
  auto cert = dtls::Certificate::generate("gw_load");
  if (!cert) throw std::runtime_error(cert.error().message);
  auto shared = std::make_shared<const dtls::Certificate>(std::move(cert.value()));
  std::vector<std::unique_ptr<Worker>> workers;
  for (std::uint32_t t = 0; t < o.threads; ++t) {
    WorkerOptions w;
    w.host = gw.host;
    w.port = std::to_string(gw.port.value_or(443));
    w.target = o.target;
    w.first_index = t;
    w.step = o.threads;
    w.count = o.calls / o.threads + (t < o.calls % o.threads ? 1 : 0);
    w.rate = o.rate / o.threads;
    w.connections = o.connections;
    w.hangup = !o.no_hangup;
    w.offer_file = o.offer_file;
    w.answer_file = o.answer_file;
    workers.push_back(std::make_unique<Worker>(std::move(w), shared, bind, o.codec, settled));
  }
  return workers;
}

int run_calls(const Options& o, const HostPort& gw, const IpAddress& bind) {
  std::atomic<std::uint32_t> settled{0};
  auto workers = make_workers(o, gw, bind, settled);
  RunInfo info;
  info.calls_requested = o.calls;
  info.max_loss_pct = o.max_loss;
  std::vector<std::thread> threads;
  TimePoint t0 = Clock::now();
  for (auto& w : workers) threads.emplace_back([&w] { w->run(); });

  auto setup_deadline = t0 + std::chrono::duration_cast<Duration>(
                                 std::chrono::duration<double>(o.calls / o.rate + o.setup_timeout));
  while (!g_interrupted && settled.load() < o.calls && Clock::now() < setup_deadline)
    std::this_thread::sleep_for(milliseconds(20));
  info.setup_wall_s = to_ms(Clock::now() - t0) / 1000.0;
  GW_LOG(info) << settled.load() << "/" << o.calls << " calls settled after " << info.setup_wall_s
               << " s; media for " << o.duration << " s";

  TimePoint media0 = Clock::now();
  double cpu0 = cpu_seconds();
  auto sent = [&workers] {
    std::uint64_t n = 0;
    for (auto& w : workers) n += w->packets_sent();
    return n;
  };
  std::uint64_t sent0 = sent();
  info.media_start_ms = unix_ms();
  sleep_until(media0 + std::chrono::duration_cast<Duration>(std::chrono::duration<double>(o.duration)));
  for (auto& w : workers) w->stop_media();
  info.media_packets_sent = sent() - sent0;
  info.media_end_ms = unix_ms();
  info.duration_s = to_ms(Clock::now() - media0) / 1000.0;
  if (info.duration_s > 0) info.generator_media_cpu_pct = 100 * (cpu_seconds() - cpu0) / info.duration_s;
  std::this_thread::sleep_for(seconds(1));  // echoes still in flight
  for (auto& w : workers) w->finish();
  // Bounded: hang-ups take at most 15 s; past 25 s a loop is stopped as it is.
  auto finish_deadline = Clock::now() + seconds(25);
  for (auto& w : workers) {
    while (!w->done() && Clock::now() < finish_deadline) std::this_thread::sleep_for(milliseconds(20));
    if (!w->done()) {
      GW_LOG(warn) << "a worker did not finish in time; stopping its loop";
      w->force_stop();
    }
  }
  for (auto& t : threads) t.join();

  std::vector<WorkerResults> results;
  for (auto& w : workers) results.push_back(w->results());
  workers.clear();
  info.generator_cpu_s = cpu_seconds();
  info.interrupted = g_interrupted;
  Verdict v;
  print(o, make_summary(info, results, v));
  if (g_interrupted) return cli::kInterrupted;
  if (!v.all_up) return kNotAllUp;
  return v.loss_ok ? cli::kOk : kLossOverLimit;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Load generator: many WebRTC browsers against webrtc-gw", "gw_load"};
  Options o;
  cli::add_common_options(app, o.common);
  add_options(app, o);
  if (auto code = cli::parse(app, o.common, argc, argv)) return *code;
  cli::apply_logging(o.common, "gw_load");
  bool file_mode = !o.offer_file.empty() || !o.answer_file.empty();
  if (file_mode && (o.offer_file.empty() || o.answer_file.empty())) {
    std::cerr << "gw_load: --offer-file and --answer-file go together\n";
    return cli::kUsage;
  }
  if (file_mode) o.calls = o.threads = 1;
  if (o.gateway.empty() && !file_mode) {
    std::cerr << "gw_load: --gateway HOST:PORT is required\n";
    return cli::kUsage;
  }
  auto gw = file_mode ? Result<HostPort>(HostPort{"", 0}) : parse_host_port(o.gateway);
  auto bind = IpAddress::parse(o.bind);
  if (!gw || !bind || o.calls == 0) {
    std::cerr << "gw_load: bad --gateway, --bind or --calls\n";
    return cli::kUsage;
  }
  o.threads = std::min(o.threads, o.calls);
  raise_fd_limit();
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  try {
    if (o.mode == "signin") {
      SigninOptions s{gw->host,       std::to_string(gw->port.value_or(443)), o.dn_prefix, o.calls, o.rate,
                      o.setup_timeout};
      auto summary = run_signin(s);
      print(o, summary);
      if (g_interrupted) return cli::kInterrupted;
      return summary.at("ok").as_bool() ? cli::kOk : kNotAllUp;
    }
    return run_calls(o, *gw, *bind);
  } catch (const std::exception& e) {
    GW_LOG(error) << e.what();
    return cli::kFailure;
  }
}
